// Healthengine PMS API wire types (spec 1.9.0, ../shared/specs/healthengine), parsed with zod
// at the edge. Lenient where the digest notes HE's own examples disagree with the spec.
import { z } from 'zod';

export const REQUEST_TYPES = [
  'bookings',
  'bookingUpdates',
  'availability',
  'pmsAppointmentChanges',
  'pmsResources',
  'pmsAppointmentTypes',
  'availableDocuments',
  'uploadDocuments',
  'clientSnapshots',
  'attachDocuments',
] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

/** GET /requests: types with outstanding items; unknown future types are kept as strings and ignored. */
export const requestTypesSchema = z.array(z.string());

const nullableString = z.string().nullable().optional();

export const patientSchema = z
  .object({
    firstname: nullableString,
    lastname: nullableString,
    dob: nullableString,
    phone: nullableString,
    email: nullableString,
    address: nullableString,
    suburb: nullableString,
    state: nullableString,
    postcode: nullableString,
    gender: nullableString,
    medicareNumber: nullableString,
    medicareIrn: nullableString,
    medicareExpiry: nullableString,
  })
  .passthrough();
export type WirePatient = z.infer<typeof patientSchema>;

export const bookingSchema = z
  .object({
    bookingId: z.number().int(),
    pmsResourceId: nullableString,
    pmsAppointmentTypeId: nullableString,
    pmsAppointmentIds: z
      .array(z.union([z.string(), z.number()]))
      .nullable()
      .optional(),
    pmsPatientId: nullableString,
    bookedTime: nullableString,
    bookingStatus: nullableString,
    pmsAppointmentTime: nullableString,
    pmsAppointmentLength: z.union([z.number(), z.string()]).nullable().optional(),
    reason: nullableString,
    comments: nullableString,
    patient: patientSchema.nullable().optional(),
    telehealthUrl: nullableString,
    isNewPatient: z.boolean().nullable().optional(),
  })
  .passthrough();
export type WireBooking = z.infer<typeof bookingSchema>;

export const bookingUpdateSchema = z
  .object({
    requestId: z.number().int(),
    bookingId: z.number().int(),
    bookingStatus: nullableString,
    updatedAt: nullableString,
  })
  .passthrough();
export type WireBookingUpdate = z.infer<typeof bookingUpdateSchema>;

export const availabilityRequestSchema = z
  .object({
    day: z.string(),
    pmsResourceId: nullableString,
    pms_resource_id: nullableString,
  })
  .passthrough();
export type WireAvailabilityRequest = z.infer<typeof availabilityRequestSchema>;

export const appointmentChangesRequestSchema = z.object({ bookingId: z.number().int() }).passthrough();
export type WireAppointmentChangesRequest = z.infer<typeof appointmentChangesRequestSchema>;

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    page: z
      .object({ currentPage: z.number(), totalPages: z.number(), perPage: z.number(), total: z.number() })
      .partial()
      .optional(),
  });
}

export const subscriptionSchema = z
  .object({
    id: z.string(),
    topic: z.string(),
    callbackUrl: z.string(),
    clientId: nullableString,
    startAt: nullableString,
    expireAt: nullableString,
  })
  .passthrough();

export const bulkResultSchema = z.object({
  created: z.array(z.union([z.string(), z.number()])).default([]),
  existing: z.array(z.union([z.string(), z.number()])).default([]),
  failed: z.array(z.union([z.string(), z.number()])).default([]),
  errors: z.array(z.object({ snapshot: z.union([z.string(), z.number()]), error: z.string() })).optional(),
});
export type BulkResult = z.infer<typeof bulkResultSchema>;

/** One failed webhook delivery (GET /subscriptionErrorLog); the payload is not kept. */
export const subscriptionErrorSchema = z
  .object({
    id: z.string().optional(),
    attempt: z.number().optional(),
    errorType: z.string().nullable().optional(),
    errorMessage: z.string().nullable().optional(),
    timestamp: z.string().optional(),
  })
  .passthrough();
export type SubscriptionErrorLog = z.infer<typeof subscriptionErrorSchema>;

/** The skinny webhook payload (§5): never trusted for content, only as a hint to poll. */
export const webhookPayloadSchema = z
  .object({
    id: z.string().optional(),
    timestamp: z.string().optional(),
    clientId: z.string().nullable().optional(),
    topic: z.string().optional(),
    data: z
      .object({
        target: z.string().nullable().optional(),
        requestType: z.string().optional(),
        bookingId: z.number().optional(),
        requestId: z.number().optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

// What Tandem sends.
export interface PmsResource {
  pmsResourceId: string;
  pmsResourceName: string;
  pmsPractitionerTitle?: string;
  pmsPractitionerFirstname?: string;
  pmsPractitionerLastname?: string;
}
export interface PmsAppointmentType {
  pmsAppointmentTypeId: string;
  pmsAppointmentTypeName: string;
  pmsAppointmentLength: number;
  pmsResourceId?: string;
}
export interface TimeRange {
  start: string;
  end: string;
}
export interface LivenessContract {
  liveHours: Record<
    'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday' | 'publicHolidays',
    TimeRange[]
  >;
}
export interface AvailabilitySnapshot {
  id?: string;
  date: string;
  pmsResourceId: string;
  availability: Array<{ start: string; end: string; slotLength: number; pmsAppointmentTypeIds?: string[] }>;
}
export interface ConfirmBookingInsert {
  pmsAppointmentIds: string[];
  pmsPatientId: string;
}
