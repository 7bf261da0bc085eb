// Field comparators: each maps two prepared values to a comparison level (0 = best
// agreement, MISSING when either side is absent). Cheap checks come first because these
// run once per candidate pair.
import type { NormalizedAddress } from '../normalize/addresses.ts';
import type { MedicareCard } from '../normalize/identifiers.ts';
import type { PreparedName, PreparedRecord } from '../prepare.ts';
import { MISSING } from './fields.ts';
import { jaroWinkler, withinOneEdit } from './jaro-winkler.ts';

function intersects(a: readonly string[], b: readonly string[]): boolean {
  for (const value of a) if (b.includes(value)) return true;
  return false;
}

/** Given names: exact, nickname/alias, close spelling, sounds alike or initial, different. */
export function compareFirstNames(
  a: PreparedName | null,
  b: PreparedName | null,
  aliasesA: readonly string[],
  aliasesB: readonly string[],
): number {
  if (!a || !b) return MISSING;
  // Two initials that agree say only that both names start alike, as an initial against a name.
  if (a.key.length === 1 && b.key.length === 1) return a.key === b.key ? 3 : 4;
  if (a.key === b.key) return 0;
  if (intersects(aliasesA, aliasesB)) return 1;
  const short = a.key.length === 1 ? a.key : b.key.length === 1 ? b.key : null;
  if (short !== null) return (a.key.length === 1 ? b.key : a.key).startsWith(short) ? 3 : 4;
  const jw = jaroWinkler(a.key, b.key, 0.8);
  if (jw >= 0.92) return 2;
  if (jw >= 0.8 || (a.phonetic !== '' && a.phonetic === b.phonetic)) return 3;
  return 4;
}

/** Surnames: exact, one part of a double/hyphenated surname, close spelling, sounds alike, different. */
export function compareLastNames(a: PreparedName | null, b: PreparedName | null): number {
  if (!a || !b) return MISSING;
  if (a.key === b.key) return 0;
  if ((a.tokens.length > 1 || b.tokens.length > 1) && a.tokens.some((t) => t.length > 1 && b.tokens.includes(t)))
    return 1;
  const jw = jaroWinkler(a.key, b.key, 0.8);
  if (jw >= 0.92) return 2;
  if (jw >= 0.8 || (a.phonetic !== '' && a.phonetic === b.phonetic)) return 3;
  return 4;
}

/** Middle names: exact, an initial against the name or a close spelling, different. */
export function compareMiddleNames(a: PreparedName | null, b: PreparedName | null): number {
  if (!a || !b) return MISSING;
  if (a.key.length === 1 || b.key.length === 1) return a.key[0] === b.key[0] ? 1 : 2;
  if (a.key === b.key) return 0;
  return jaroWinkler(a.key, b.key, 0.92) >= 0.92 ? 1 : 2;
}

/** Names compared crosswise (first vs last) use spelling only: no aliases. Level 3 (close or
 *  sounds alike) counts only beside an exact crossed name (see compareRecords). */
export function compareNamesCrossed(a: PreparedName | null, b: PreparedName | null): number {
  if (!a || !b) return MISSING;
  if (a.key === b.key) return 0;
  const jw = jaroWinkler(a.key, b.key, 0.8);
  if (jw >= 0.92) return 2;
  return jw >= 0.8 || (a.phonetic !== '' && a.phonetic === b.phonetic) ? 3 : 4;
}

/** Dates as YYYYMMDD integers (0 = missing). */
export function compareDates(a: number, b: number): number {
  if (a === 0 || b === 0) return MISSING;
  if (a === b) return 0;
  const ya = Math.floor(a / 10000),
    ma = Math.floor(a / 100) % 100,
    da = a % 100;
  const yb = Math.floor(b / 10000),
    mb = Math.floor(b / 100) % 100,
    db = b % 100;
  if (ya === yb && ma === db && da === mb) return 1;
  const differing = (ya !== yb ? 1 : 0) + (ma !== mb ? 1 : 0) + (da !== db ? 1 : 0);
  return differing === 1 ? 2 : 3;
}

export function compareExact<T>(a: T | null, b: T | null): number {
  if (a === null || b === null) return MISSING;
  return a === b ? 0 : 1;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Whether two mailbox names carry the same digits ("john.smith82", "jsmith82"), compared
 *  in place: this runs for every candidate pair with emails. */
function sameDigits(x: string, y: string): boolean {
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < x.length && !isDigit(x.charCodeAt(i))) i++;
    while (j < y.length && !isDigit(y.charCodeAt(j))) j++;
    if (i === x.length || j === y.length) return i === x.length && j === y.length;
    if (x.charCodeAt(i) !== y.charCodeAt(j)) return false;
    i++;
    j++;
  }
}

/** Emails: any shared address; else the same mailbox name (another provider) or a close
 *  spelling of it. Takes the addresses and their mailbox names (prepared once). Mailbox names
 *  that differ in their digits (john.smith12, john.smith37) are different accounts, usually
 *  of namesakes: counting them close would count the name agreement a second time. */
export function compareEmails(
  a: readonly string[],
  b: readonly string[],
  localsA: readonly string[],
  localsB: readonly string[],
): number {
  if (a.length === 0 || b.length === 0) return MISSING;
  for (const x of a) if (b.includes(x)) return 0;
  for (const x of localsA)
    for (const y of localsB) if (x === y || (sameDigits(x, y) && jaroWinkler(x, y, 0.92) >= 0.92)) return 1;
  return 2;
}

/** Phones compared on their national tails (prepared once) so +61 412… and 0412… agree. */
export function comparePhones(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return MISSING;
  for (const x of a) if (b.includes(x)) return 0;
  for (const x of a) for (const y of b) if (withinOneEdit(x, y)) return 1;
  return 2;
}

function compatible(a: string | null, b: string | null): boolean {
  return a === null || b === null || a === b;
}

/** Street addresses: house number and unit must not conflict for the higher levels. */
export function compareAddresses(a: NormalizedAddress | null, b: NormalizedAddress | null): number {
  if (!a || !b) return MISSING;
  if (a.text === b.text) return 0;
  const sameDwelling = compatible(a.number, b.number) && compatible(a.unit, b.unit);
  const street = a.street === b.street ? 1 : jaroWinkler(a.street, b.street, 0.75);
  if (sameDwelling && street >= 0.9) return 1;
  if ((sameDwelling && street >= 0.75) || street >= 0.9) return 2;
  return 3;
}

/** Free text such as suburb or address line 2: exact, close, different. */
export function compareText(a: string | null, b: string | null, threshold = 0.88): number {
  if (a === null || b === null) return MISSING;
  if (a === b) return 0;
  return jaroWinkler(a, b, threshold) >= threshold ? 1 : 2;
}

export function comparePostcodes(a: string | null, b: string | null): number {
  if (a === null || b === null) return MISSING;
  if (a === b) return 0;
  return a.length === b.length && withinOneEdit(a, b) ? 1 : 2;
}

/** Medicare: the same card and IRN is the same person; the same card with another IRN is
 *  a family member on that card (a strong sign of a *different* person). */
export function compareMedicare(a: MedicareCard | null, b: MedicareCard | null): number {
  if (!a || !b) return MISSING;
  if (a.card !== b.card) return 3;
  if (a.irn === null || b.irn === null) return 1;
  return a.irn === b.irn ? 0 : 2;
}

function closeOrMissing(level: number): boolean {
  return level === 1 || level === MISSING;
}

/** Where someone lives, from postcode, suburb/city and state together (see fields.ts). */
export function compareLocality(a: PreparedRecord, b: PreparedRecord): number {
  const postcode = comparePostcodes(a.postcode, b.postcode);
  const city = compareText(a.city, b.city);
  const state = compareExact(a.state, b.state);
  if (postcode === MISSING && city === MISSING && state === MISSING) return MISSING;
  if (postcode === 0 && city === 0) return 0;
  if ((postcode === 0 && closeOrMissing(city)) || (city === 0 && closeOrMissing(postcode))) return 1;
  if (postcode === 0 || city === 0 || (postcode === 1 && city === 1)) return 2;
  if (postcode === 1 || city === 1 || state === 0) return 3;
  return 4;
}
