// Identifiers: Australian Medicare numbers (with checksum) and opaque external ids.
import { digitsOnly } from './text.ts';

export interface MedicareCard {
  /** The first 9 digits: the card's identity and its check digit. The 10th digit, the issue
   *  number, changes when a card is reissued, so it is not part of the identity. */
  card: string;
  /** Position of the person on the card (1-9), null when unknown. */
  irn: string | null;
}

const MEDICARE_WEIGHTS = [1, 3, 7, 9, 1, 3, 7, 9];

/** Whether 8 identifying digits plus a check digit satisfy the Medicare checksum. */
export function medicareChecksumValid(digits: string): boolean {
  if (!/^[2-6]\d{8}/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(digits[i]) * (MEDICARE_WEIGHTS[i] as number);
  return sum % 10 === Number(digits[8]);
}

/**
 * Reads "2123 45670 1", "2123456701" or "21234567011" (IRN appended). Numbers that fail
 * the checksum are treated as missing: a mistyped number must not count as disagreement.
 */
export function normalizeMedicare(rawNumber: string | null | undefined, rawIrn?: string | null): MedicareCard | null {
  if (!rawNumber) return null;
  const digits = digitsOnly(rawNumber);
  if (digits.length < 9 || digits.length > 11 || !medicareChecksumValid(digits)) return null;
  const irnDigits = rawIrn ? digitsOnly(rawIrn) : '';
  const irn = /^[1-9]$/.test(irnDigits)
    ? irnDigits
    : digits.length === 11 && digits[10] !== '0'
      ? (digits[10] as string)
      : null;
  return { card: digits.slice(0, 9), irn };
}

/** Opaque ids compared exactly, ignoring surrounding space and case. */
export function normalizeIdentifier(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const text = raw.trim().toLowerCase();
  return text === '' ? null : text;
}
