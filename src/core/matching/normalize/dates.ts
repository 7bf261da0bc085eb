// Dates of birth in the formats met in the wild. A date that is not a real calendar
// date, or whose day/month order cannot be told, is treated as missing rather than guessed
// wrong — except that the caller's preferred order breaks a tie (03/04/1980).
import type { DateParts } from '../types.ts';

export type DateOrder = 'DMY' | 'MDY';

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isValidDate(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || y < 1850 || y > 2200) return false;
  if (!Number.isInteger(m) || m < 1 || m > 12) return false;
  const max = m === 2 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 28 : (DAYS_IN_MONTH[m - 1] as number);
  return Number.isInteger(d) && d >= 1 && d <= max;
}

function parts(y: number, m: number, d: number): DateParts | null {
  return isValidDate(y, m, d) ? { y, m, d } : null;
}

/** Reads a first/second/year triple whose order is unknown: the impossible reading loses. */
function dayMonthYear(first: number, second: number, y: number, order: DateOrder): DateParts | null {
  const dmy = parts(y, second, first);
  const mdy = parts(y, first, second);
  if (dmy && mdy) return order === 'DMY' ? dmy : mdy;
  return dmy ?? mdy;
}

/**
 * Parses YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD, DD-MM-YYYY, DD/MM/YYYY, MM/DD/YYYY and
 * DD.MM.YYYY (an ISO time part is ignored). Returns null when it is not a real date.
 */
export function parseDate(raw: string | null | undefined, order: DateOrder = 'DMY'): DateParts | null {
  if (!raw) return null;
  const text = raw.trim().replace(/[T ]\d{1,2}:\d{2}.*$/, '');
  let m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (m) return parts(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(text);
  if (m) return parts(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(text);
  if (m) return dayMonthYear(Number(m[1]), Number(m[2]), Number(m[3]), order);
  return null;
}

/** YYYYMMDD as an integer (cheap to compare and to key on). */
export function dateCode(p: DateParts): number {
  return p.y * 10000 + p.m * 100 + p.d;
}

/** ISO text, YYYY-MM-DD. */
export function formatDate(p: DateParts): string {
  return `${String(p.y).padStart(4, '0')}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
}
