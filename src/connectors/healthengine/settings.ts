// A Healthengine connection's settings, as data in connections.settings: which locations it
// publishes, how far ahead, the liveness contract (when Tandem promises to answer), polling,
// and what an ambiguous patient match does. Parsed with defaults by loadConnection.
import { z } from 'zod';

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time as HH:MM');
const rangeList = z.array(z.object({ start: time, end: time }).strict()).max(20);
const allDay = [{ start: '00:00', end: '23:59' }];

export const liveHoursSchema = z
  .object({
    monday: rangeList,
    tuesday: rangeList,
    wednesday: rangeList,
    thursday: rangeList,
    friday: rangeList,
    saturday: rangeList,
    sunday: rangeList,
    publicHolidays: rangeList,
  })
  .strict();

export const settingsSchema = z
  .object({
    locationIds: z
      .array(z.uuid({ message: 'must be a UUID' }))
      .min(1, 'name at least one location')
      .max(50),
    /** Days of availability published ahead, today included. */
    windowDays: z.number().int().min(1).max(90).default(30),
    /** The liveness contract: when Tandem promises to answer requests (practice time). Default: always. */
    liveHours: liveHoursSchema.default({
      monday: allDay,
      tuesday: allDay,
      wednesday: allDay,
      thursday: allDay,
      friday: allDay,
      saturday: allDay,
      sunday: allDay,
      publicHolidays: allDay,
    }),
    /** Public holidays (YYYY-MM-DD) on which the publicHolidays hours apply instead of the weekday's. */
    publicHolidays: z
      .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'))
      .max(100)
      .default([]),
    pollOutsideLiveHours: z.boolean().default(false),
    pollSecondsWithoutWebhook: z.number().int().min(1).max(3600).default(5),
    pollSecondsWithWebhook: z.number().int().min(5).max(3600).default(300),
    webhooks: z.boolean().default(true),
    /** An ambiguous match is never linked: a new patient flagged for review (default), or the booking is rejected (the patient calls the practice). */
    ambiguousPatients: z.enum(['new-patient-for-review', 'reject-booking']).default('new-patient-for-review'),
  })
  .strict();
export type HealthengineSettings = z.infer<typeof settingsSchema>;
