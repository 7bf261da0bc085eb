// Blocking keys: strings two records of one person are likely to share. A pair is compared
// when it shares *any* key, so several independent keys keep recall near 1: a new
// surname still shares the date of birth, a typo in the date still shares the phonetic
// surname and birth year, a new address still shares the phone, and so on.
// The hub stores these per patient and fetches candidates by them (see docs/matching.md).
import { phoneticKey } from './compare/phonetic.ts';
import { memoized } from './intern.ts';
import { prepareRecord, type PreparedRecord } from './prepare.ts';
import type { MatchRecord, NormalizeOptions } from './types.ts';

/**
 * Broad keys: worth comparing on in a spread-out population, useless where one key is
 * shared by hundreds (a clinic's home suburb, a popular name in one birth year). Batch
 * linking skips a broad key shared by more than BROAD_KEY_LIMIT records of the other
 * side; the hub should do the same when fetching candidates.
 */
export const BROAD_KEY_KINDS: readonly string[] = ['pc:', 'fy:'];
export const BROAD_KEY_LIMIT = 10;

export function isBroadKey(key: string): boolean {
  return BROAD_KEY_KINDS.some((kind) => key.startsWith(kind));
}

/** The birth-date key ("d:"), day and month in sorted order so a transposed date shares it. */
function dateKey(r: PreparedRecord): string | null {
  if (r.dob === 0) return null;
  const m = Math.floor(r.dob / 100) % 100;
  const d = r.dob % 100;
  return `d:${Math.floor(r.dob / 10000)}-${Math.min(m, d)}-${Math.max(m, d)}`;
}

/** The phonetic full-name key ("fl:"), sorted so first and last names swapped on one side share it. */
function nameKey(r: PreparedRecord): string | null {
  const first = r.first?.phonetic ?? '';
  const last = r.last?.phonetic ?? '';
  if (first === '' || last === '') return null;
  return `fl:${first < last ? `${first}:${last}` : `${last}:${first}`}`;
}

/** The dwelling key ("ad:"): house number and the street's first word's Soundex (classic
 *  4-character length, so run-together words such as "pearsonstreet" still agree). */
function addressKey(r: PreparedRecord): string | null {
  const number = r.address1?.number ?? null;
  const street = r.address1?.street ?? '';
  if (number === null || street === '') return null;
  return `ad:${number}:${streetSound(street)}`;
}

const streetSound = memoized((street: string) => phoneticKey(street.split(' ')[0] as string).slice(0, 4));

/** Key kinds of which a record carries at most one key, with the function that makes it:
 *  training picks the pairs sharing one of these out of the pairs compared on all keys. */
export const SINGLE_KEY_KINDS: Readonly<Record<string, (r: PreparedRecord) => string | null>> = {
  'd:': dateKey,
  'fl:': nameKey,
  'ad:': addressKey,
};

/** Keys of a prepared record. Each key starts with a short kind prefix ("d:", "ly:"…). */
export function preparedBlockingKeys(r: PreparedRecord): string[] {
  const keys: string[] = [];
  const year = r.dob === 0 ? 0 : Math.floor(r.dob / 10000);
  const date = dateKey(r);
  if (date !== null) keys.push(date);
  const first = r.first?.phonetic ?? '';
  const last = r.last?.phonetic ?? '';
  if (last !== '' && year !== 0) keys.push(`ly:${last}:${year}`);
  if (first !== '' && year !== 0) {
    // A new surname *and* a mistyped day or month: the first name and the rest of the date.
    const m = Math.floor(r.dob / 100) % 100;
    keys.push(`fm:${first}:${year}-${m}`, `fd:${first}:${year}--${r.dob % 100}`, `fy:${first}:${year}`);
  }
  const name = nameKey(r);
  if (name !== null) keys.push(name);
  for (const tail of r.phoneTails) keys.push(`p:${tail}`);
  for (const email of r.emails) keys.push(`e:${email}`);
  // Household keys: a surname in a postcode, a house number on a street. They find a person
  // whose first name and birth date were both mistyped or swapped for another's.
  if (r.postcode !== null && last !== '') keys.push(`lp:${last}:${r.postcode}`);
  if (r.city !== null && last !== '') keys.push(`lc:${last}:${r.city}`);
  const initial = r.first?.key[0];
  if (r.postcode !== null && initial !== undefined) keys.push(`pc:${r.postcode}:${initial}`);
  const address = addressKey(r);
  if (address !== null) keys.push(address);
  if (r.medicare) keys.push(`m:${r.medicare.card}`);
  if (r.normalizedId !== '') keys.push(`i:${r.normalizedId}`);
  if (r.integrationRecordId !== null && r.integrationRecordId !== r.normalizedId)
    keys.push(`i:${r.integrationRecordId}`);
  return keys;
}

/**
 * Blocking keys of a record: store them with each patient, and fetch as candidates for an
 * incoming person every patient sharing at least one key with it. `i:<id>` lets a record
 * carrying an integration_record_id find the patient with that id.
 */
export function blockingKeys(record: MatchRecord, options: NormalizeOptions = {}): string[] {
  return preparedBlockingKeys(prepareRecord(record, options));
}
