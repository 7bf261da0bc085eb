// Phones to E.164 with libphonenumber-js. The region comes from the record's country,
// else the caller's default (AU for Australian practices, US for Hint).
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { digitsOnly } from './text.ts';

/** E.164 (+61412345678) or, when the number cannot be read as valid, its bare digits
 *  (still useful for exact and near comparison); null when there are too few digits. */
export function normalizePhone(raw: string | null | undefined, region: string): string | null {
  if (!raw) return null;
  const digits = digitsOnly(raw);
  if (digits.length < 6) return null;
  const parsed = parsePhoneNumberFromString(raw, region as CountryCode);
  if (parsed && parsed.isValid()) return parsed.number;
  return digits;
}

/** The national significant part used to compare numbers written with or without a
 *  country code: the last 9 digits (AU mobiles and landlines are 9 after the 0/+61). */
export function phoneTail(e164OrDigits: string): string {
  const digits = digitsOnly(e164OrDigits);
  return digits.length > 9 ? digits.slice(-9) : digits;
}
