// Phones to E.164 with libphonenumber-js. The region comes from the record's country,
// else the caller's default (AU for Australian practices, US for Hint).
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { digitsOnly } from './text.ts';

/** E.164 (+61412345678) or, when the number cannot be read as valid, its digits
 *  (still useful for exact and near comparison); null when there are too few digits. */
export function normalizePhone(raw: string | null | undefined, region: string): string | null {
  if (!raw) return null;
  const digits = digitsOnly(raw);
  if (digits.length < 6) return null;
  const fast = fastE164(raw, digits, region);
  if (fast !== null) return fast;
  const parsed = parsePhoneNumberFromString(raw, region as CountryCode);
  if (parsed && parsed.isValid()) return parsed.number;
  // Keep the + of an unreadable international number, so normalising twice changes nothing.
  return raw.trimStart().startsWith('+') ? `+${digits}` : digits;
}

/**
 * The shapes that make up nearly all AU and US numbers, converted without the full parser
 * (which costs ~10 µs a number: seconds on a 200,000-record run). Gives what
 * libphonenumber-js gives for these shapes (a test holds them to it); anything else goes
 * through libphonenumber-js.
 */
function fastE164(raw: string, digits: string, region: string): string | null {
  const international = raw.trimStart().startsWith('+');
  if (region === 'AU' && !international && digits.length === 10 && /^0[2378]|^04/.test(digits))
    return `+61${digits.slice(1)}`;
  if (international && digits.length === 11 && /^61(4|[2378])/.test(digits)) return `+${digits}`;
  if (region === 'US' && !international && digits.length === 10 && /^[2-9]\d\d[2-9]/.test(digits)) return `+1${digits}`;
  if (international && digits.length === 11 && /^1[2-9]\d\d[2-9]/.test(digits)) return `+${digits}`;
  return null;
}

/** The national significant part used to compare numbers written with or without a
 *  country code: the last 9 digits (AU mobiles and landlines are 9 after the 0/+61). */
export function phoneTail(e164OrDigits: string): string {
  const digits = digitsOnly(e164OrDigits);
  return digits.length > 9 ? digits.slice(-9) : digits;
}
