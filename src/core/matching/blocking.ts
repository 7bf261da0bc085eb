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

/**
 * Receives a record's keys piece by piece: a key is `start(kind)` (its prefix, "d:", "ly:"…),
 * then its pieces in order, then `end()`. Batch linking hashes the pieces as they come
 * (key-index.ts) instead of building ~1.4 million key strings per 100,000 records; the hub
 * and everything else take the strings (preparedBlockingKeys). One definition of the keys
 * (writeBlockingKeys) serves both, so both see the same characters.
 */
export interface KeyWriter {
  start(kind: string): void;
  text(piece: string): void;
  /** A number as a template literal writes it (the keys' years, months and days). */
  int(piece: number): void;
  end(): void;
}

/** Writes the keys of a prepared record, in a fixed order (see KeyWriter). */
export function writeBlockingKeys(r: PreparedRecord, w: KeyWriter): void {
  const year = r.dob === 0 ? 0 : Math.floor(r.dob / 10000);
  if (r.dob !== 0) {
    // dateKey: day and month in sorted order.
    const m = Math.floor(r.dob / 100) % 100;
    const d = r.dob % 100;
    w.start('d:');
    w.int(year);
    w.text('-');
    w.int(Math.min(m, d));
    w.text('-');
    w.int(Math.max(m, d));
    w.end();
  }
  const first = r.first?.phonetic ?? '';
  const last = r.last?.phonetic ?? '';
  if (last !== '' && year !== 0) {
    w.start('ly:');
    w.text(last);
    w.text(':');
    w.int(year);
    w.end();
  }
  if (first !== '' && year !== 0) {
    // A new surname *and* a mistyped day or month: the first name and the rest of the date.
    const m = Math.floor(r.dob / 100) % 100;
    w.start('fm:');
    w.text(first);
    w.text(':');
    w.int(year);
    w.text('-');
    w.int(m);
    w.end();
    w.start('fd:');
    w.text(first);
    w.text(':');
    w.int(year);
    w.text('--');
    w.int(r.dob % 100);
    w.end();
    w.start('fy:');
    w.text(first);
    w.text(':');
    w.int(year);
    w.end();
  }
  if (first !== '' && last !== '') {
    // nameKey: sorted so first and last names swapped on one side share it.
    w.start('fl:');
    w.text(first < last ? first : last);
    w.text(':');
    w.text(first < last ? last : first);
    w.end();
  }
  for (const tail of r.phoneTails) {
    w.start('p:');
    w.text(tail);
    w.end();
  }
  for (const email of r.emails) {
    w.start('e:');
    w.text(email);
    w.end();
  }
  // Household keys: a surname in a postcode, a house number on a street. They find a person
  // whose first name and birth date were both mistyped or swapped for another's.
  if (r.postcode !== null && last !== '') {
    w.start('lp:');
    w.text(last);
    w.text(':');
    w.text(r.postcode);
    w.end();
  }
  if (r.city !== null && last !== '') {
    w.start('lc:');
    w.text(last);
    w.text(':');
    w.text(r.city);
    w.end();
  }
  const initial = r.first?.key[0];
  if (r.postcode !== null && initial !== undefined) {
    w.start('pc:');
    w.text(r.postcode);
    w.text(':');
    w.text(initial);
    w.end();
  }
  const number = r.address1?.number ?? null;
  const street = r.address1?.street ?? '';
  if (number !== null && street !== '') {
    // addressKey
    w.start('ad:');
    w.text(number);
    w.text(':');
    w.text(streetSound(street));
    w.end();
  }
  if (r.medicare) {
    w.start('m:');
    w.text(r.medicare.card);
    w.end();
  }
  if (r.normalizedId !== '') {
    w.start('i:');
    w.text(r.normalizedId);
    w.end();
  }
  if (r.integrationRecordId !== null && r.integrationRecordId !== r.normalizedId) {
    w.start('i:');
    w.text(r.integrationRecordId);
    w.end();
  }
}

/** Collects the keys as strings. */
class KeyStrings implements KeyWriter {
  readonly keys: string[] = [];
  private current = '';

  start(kind: string): void {
    this.current = kind;
  }

  text(piece: string): void {
    this.current += piece;
  }

  int(piece: number): void {
    this.current += `${piece}`;
  }

  end(): void {
    this.keys.push(this.current);
  }
}

/** Keys of a prepared record. Each key starts with a short kind prefix ("d:", "ly:"…). */
export function preparedBlockingKeys(r: PreparedRecord): string[] {
  const writer = new KeyStrings();
  writeBlockingKeys(r, writer);
  return writer.keys;
}

/**
 * Blocking keys of a record: store them with each patient, and fetch as candidates for an
 * incoming person every patient sharing at least one key with it. `i:<id>` lets a record
 * carrying an integration_record_id find the patient with that id.
 */
export function blockingKeys(record: MatchRecord, options: NormalizeOptions = {}): string[] {
  return preparedBlockingKeys(prepareRecord(record, options));
}
