// Every ambiguity of the digest (§9) is a knob here; the defaults are the choices documented
// in docs/emulators/healthengine.md. Tests and users change them with POST /_emulator/config.
import { z } from 'zod';

const seconds = z.array(z.number().min(0)).max(20);

export const configSchema = z.object({
  perPage: z.number().int().min(1).max(1000),
  bookingRejectWindowMs: z.number().int().min(0),
  lateRejectCancels: z.boolean(),
  alreadyResolvedStatus: z.union([z.literal(400), z.literal(404)]),
  availabilityRequestOnReject: z.boolean(),
  unhealthyAfterMs: z.number().int().min(0),
  pollGapRule: z.boolean(),
  pollGapMs: z.number().int().min(0),
  featureRequestsAffectHealth: z.boolean(),
  withoutLivenessContract: z.enum(['always-live', 'never-live']),
  holidayWithoutPublicHolidaysKey: z.enum(['weekday-hours', 'not-live']),
  dobFormat: z.enum(['DD-MM-YYYY', 'YYYY-MM-DD']),
  acceptSlotLengthStrings: z.boolean(),
  acceptAppointmentLengthStrings: z.boolean(),
  requireKnownResource: z.boolean(),
  defaultAppointmentLengthSeconds: z.number().int().min(60),
  existingWindowMs: z.number().int().min(0),
  existingResolvesAvailabilityRequest: z.boolean(),
  maxBulkSnapshots: z.number().int().min(1),
  webhookTimeoutMs: z.number().int().min(1),
  webhookRetryDelaysSeconds: seconds,
  webhookSuccess: z.enum(['200-only', '2xx']),
  webhookEventTopic: z.enum(['subscribed', 'specific']),
  sendNotCurrentlyCalledTopics: z.boolean(),
  bookingWebhookRetryDelaysSeconds: seconds,
  bookingWebhookTimeoutMs: z.number().int().min(1),
  bookingWebhookConfirmationTtlMs: z.number().int().min(1),
  bookingWebhookDuplicates: z.enum(['off', 'sequential', 'simultaneous']),
  attachDocumentExpiryMs: z.number().int().min(1),
  requestLogLimit: z.number().int().min(0),
});

export type EmulatorConfig = z.infer<typeof configSchema>;
export const configPatchSchema = configSchema.partial().strict();

export function defaultConfig(): EmulatorConfig {
  return {
    perPage: 100,
    bookingRejectWindowMs: 20_000,
    lateRejectCancels: false,
    alreadyResolvedStatus: 400,
    availabilityRequestOnReject: true,
    unhealthyAfterMs: 10 * 60_000,
    pollGapRule: true,
    pollGapMs: 10 * 60_000,
    featureRequestsAffectHealth: false,
    withoutLivenessContract: 'always-live',
    holidayWithoutPublicHolidaysKey: 'weekday-hours',
    dobFormat: 'DD-MM-YYYY',
    acceptSlotLengthStrings: false,
    acceptAppointmentLengthStrings: true,
    requireKnownResource: true,
    defaultAppointmentLengthSeconds: 900,
    existingWindowMs: 60 * 60_000,
    // Strict: the spec calls `existing` "ignored", so it is not taken as an answer to a request.
    existingResolvesAvailabilityRequest: false,
    maxBulkSnapshots: 100,
    webhookTimeoutMs: 5_000,
    webhookRetryDelaysSeconds: [10, 100, 1000],
    webhookSuccess: '200-only',
    webhookEventTopic: 'subscribed',
    sendNotCurrentlyCalledTopics: false,
    bookingWebhookRetryDelaysSeconds: [60, 120, 300, 3600, 43_200],
    bookingWebhookTimeoutMs: 5_000,
    bookingWebhookConfirmationTtlMs: 60 * 60_000,
    bookingWebhookDuplicates: 'off',
    attachDocumentExpiryMs: 7 * 24 * 60 * 60_000,
    requestLogLimit: 10_000,
  };
}
