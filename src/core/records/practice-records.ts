// The other canonical records of a practice: practitioners, locations, bookable resources,
// appointment types, schedules and appointments, as the REST API speaks them.
import { z } from 'zod';
import { calendarDate, dateTime, email, localTime, optionalText, phoneNumber, text, uuid } from './fields.ts';
import type { RecordContext } from './patient.ts';

const version = { version: z.number().int().min(1).optional() };

export function practitionerShape(ctx: RecordContext) {
  return {
    title: optionalText(20),
    firstName: text(100),
    lastName: text(100),
    email: email.nullable().optional(),
    phone: phoneNumber(ctx.defaultCountry).nullable().optional(),
    npi: z
      .string()
      .regex(/^\d{10}$/, 'must be 10 digits')
      .nullable()
      .optional(),
    specialties: z.array(text(100)).max(20).optional(),
    active: z.boolean().optional(),
  };
}

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Australia/Sydney');

export function locationShape(ctx: RecordContext) {
  return {
    name: text(200),
    timeZone,
    phone: phoneNumber(ctx.defaultCountry).nullable().optional(),
    address: z
      .object({
        line1: optionalText(),
        line2: optionalText(),
        city: optionalText(100),
        state: optionalText(50),
        postcode: optionalText(20),
        country: optionalText(2),
      })
      .strict()
      .nullable()
      .optional(),
  };
}

export function resourceShape() {
  return {
    locationId: uuid,
    kind: z.enum(['practitioner', 'room']),
    practitionerId: uuid.nullable().optional(),
    specialty: optionalText(100),
    name: text(200),
    active: z.boolean().optional(),
  };
}

export function appointmentTypeShape() {
  return {
    name: text(200),
    description: optionalText(1000),
    durationMinutes: z.number().int().min(1).max(1440),
    newPatients: z.boolean().optional(),
    existingPatients: z.boolean().optional(),
    resourceIds: z.array(uuid).max(500).optional(),
    active: z.boolean().optional(),
  };
}

const hoursRange = z
  .object({ start: localTime, end: localTime })
  .strict()
  .refine((r) => r.start < r.end, { message: 'start must be before end', path: ['end'] });

export function scheduleShape() {
  return {
    resourceId: uuid,
    weeklyHours: z
      .array(
        z
          .object({ dayOfWeek: z.number().int().min(1).max(7) })
          .extend(hoursRange.shape)
          .strict()
          .refine((r) => r.start < r.end, { message: 'start must be before end', path: ['end'] }),
      )
      .max(100)
      .optional(),
    exceptions: z
      .array(z.object({ date: calendarDate, hours: z.array(hoursRange).max(20) }).strict())
      .max(1000)
      .optional(),
    timeOff: z
      .array(
        z
          .object({
            start: dateTime(),
            end: dateTime(),
            reason: optionalText(200),
          })
          .strict()
          .refine((r) => Date.parse(r.start) < Date.parse(r.end), {
            message: 'start must be before end',
            path: ['end'],
          }),
      )
      .max(1000)
      .optional(),
  };
}

export const appointmentStatuses = ['booked', 'cancelled', 'attended', 'did_not_attend'] as const;

export function appointmentShape() {
  return {
    resourceId: uuid,
    appointmentTypeId: uuid.nullable().optional(),
    patientId: uuid,
    start: dateTime(),
    end: dateTime(),
    status: z.enum(appointmentStatuses).optional(),
    source: optionalText(50),
    notes: optionalText(4000),
    reason: optionalText(1000),
    external: z.record(z.string(), z.unknown()).optional(),
  };
}

/** create = all shape fields with their own optionality; patch = every field optional plus version. */
export function schemasFor<S extends z.ZodRawShape>(shape: S) {
  return {
    create: z.object(shape).strict(),
    patch: z
      .object({ ...shape, ...version })
      .partial()
      .strict(),
  };
}
