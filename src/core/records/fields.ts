// Field rules shared by the canonical records: real calendar dates, E.164 phones, emails,
// local times. Pure: the default phone region is passed in by the caller.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';

export const uuid = z.uuid({ message: 'must be a UUID' });

/** YYYY-MM-DD that exists on the calendar (2023-02-30 is refused). */
export const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine(isRealDate, 'is not a real calendar date');

export function isRealDate(value: string): boolean {
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  if (y < 1) return false; // PostgreSQL has no year 0000
  const date = new Date(Date.UTC(2000, m - 1, d));
  date.setUTCFullYear(y); // Date.UTC maps years 0–99 to 1900–1999
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * An ISO 8601 date-time with offset that PostgreSQL can store: a real calendar day in years
 * 0001–9999 (zod alone accepts year 0000) and an offset within ±15:59 (zod accepts +23:59).
 */
export function dateTime(message = 'must be an ISO 8601 date-time with offset') {
  return z.iso
    .datetime({ offset: true, message })
    .refine(isStorableDateTime, 'is not a real date-time (years 0001–9999, offset within ±15:59)');
}

export function isStorableDateTime(value: string): boolean {
  const offset = /([+-])(\d{2}):?(\d{2})$/.exec(value);
  if (offset && Number(offset[2]) > 15) return false;
  const day = value.slice(0, 10);
  return day >= '0001-01-01' && isRealDate(day);
}

/** HH:MM, 24-hour clock; 24:00 allowed as an end of day. */
export const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time as HH:MM');

export const email = z.email({ message: 'must be an email address' }).max(254);

export const phoneTypes = ['mobile', 'home', 'work', 'other'] as const;

/** Normalises a phone number to E.164; throws a readable message when it cannot. */
export function toE164(raw: string, defaultCountry: string): string | undefined {
  const parsed = parsePhoneNumberFromString(raw, defaultCountry as CountryCode);
  return parsed && parsed.isValid() ? parsed.number : undefined;
}

/** A phone as given, validated and normalised to E.164 against the practice's region. */
export function phoneNumber(defaultCountry: string) {
  return z
    .string()
    .min(3)
    .max(40)
    .transform((raw, ctx) => {
      const e164 = toE164(raw, defaultCountry);
      if (!e164) {
        ctx.addIssue({ code: 'custom', message: 'is not a valid phone number' });
        return z.NEVER;
      }
      return e164;
    });
}

export const sexes = ['male', 'female', 'other', 'unknown'] as const;

/** Trimmed non-empty text with a length cap. */
export const text = (max = 200) => z.string().trim().min(1, 'must not be empty').max(max);
export const optionalText = (max = 200) => z.string().trim().max(max).nullable().optional();
