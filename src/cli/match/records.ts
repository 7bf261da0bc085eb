// CSV rows ↔ matcher records for `tandem match`.
import { CliError } from '../errors.ts';
import type { LinkedPair, MatchRecord } from '../../core/matching/index.ts';
import { csvObjects, formatCsvRow } from './csv.ts';

/** Input columns (any subset; `id` required), named exactly as in the docs. */
export const INPUT_COLUMNS = [
  'id',
  'first_name',
  'middle_name',
  'last_name',
  'dob',
  'sex',
  'email',
  'phone',
  'address_line1',
  'address_line2',
  'city',
  'state',
  'postcode',
  'country',
  'medicare_number',
] as const;

type InputColumn = (typeof INPUT_COLUMNS)[number];

/**
 * Other names the same columns go by in exported lists (FEBRL's, CRMs', spreadsheets'), compared
 * after lower-casing and dropping everything but letters and digits. `street_number` is not a
 * column of its own: it is put in front of address_line1 (FEBRL keeps them apart).
 */
const COLUMN_ALIASES: Record<string, InputColumn> = {
  recid: 'id',
  recordid: 'id',
  givenname: 'first_name',
  firstname: 'first_name',
  forename: 'first_name',
  middlenames: 'middle_name',
  surname: 'last_name',
  familyname: 'last_name',
  lastname: 'last_name',
  dateofbirth: 'dob',
  birthdate: 'dob',
  birthday: 'dob',
  gender: 'sex',
  emailaddress: 'email',
  phonenumber: 'phone',
  telephone: 'phone',
  mobile: 'phone',
  address: 'address_line1',
  address1: 'address_line1',
  addressline1: 'address_line1',
  street: 'address_line1',
  address2: 'address_line2',
  addressline2: 'address_line2',
  suburb: 'city',
  town: 'city',
  locality: 'city',
  province: 'state',
  region: 'state',
  zip: 'postcode',
  zipcode: 'postcode',
  postalcode: 'postcode',
  medicare: 'medicare_number',
};
const squash = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');
const STREET_NUMBER = new Set(['streetnumber', 'streetno', 'housenumber']);
const FULL_NAME = new Set(['name', 'fullname', 'patientname', 'personname', 'contactname']);
const TITLE = /^(mr|mrs|ms|miss|mx|dr|prof)\.?$/i;

/** "Smith, Robert James" or "Dr Robert James Smith" → first, middle and last names. */
export function splitFullName(full: string): { first: string | null; middle: string | null; last: string | null } {
  const words = (s: string) => s.split(/\s+/).filter((w) => w !== '');
  const comma = full.indexOf(',');
  if (comma !== -1) {
    const given = words(full.slice(comma + 1)).filter((w) => !TITLE.test(w));
    const last = full.slice(0, comma).trim() || null;
    return { first: given[0] ?? null, middle: given.slice(1).join(' ') || null, last };
  }
  const all = words(full);
  while (all.length > 1 && TITLE.test(all[0]!)) all.shift();
  if (all.length <= 1) return { first: null, middle: null, last: all[0] ?? null };
  return { first: all[0]!, middle: all.slice(1, -1).join(' ') || null, last: all.at(-1)! };
}

/** Which input column each header names (exact names first, then aliases); each column once. */
function columnsOf(header: string[]): {
  columns: Map<InputColumn, string>;
  streetNumber?: string;
  fullName?: string;
  ignored: string[];
} {
  const exact = new Set<string>(INPUT_COLUMNS);
  const columns = new Map<InputColumn, string>();
  for (const h of header) if (exact.has(h)) columns.set(h as InputColumn, h);
  let streetNumber: string | undefined;
  let fullName: string | undefined;
  const ignored: string[] = [];
  for (const h of header) {
    if (exact.has(h)) continue;
    const key = squash(h);
    const column = exact.has(key)
      ? (key as InputColumn)
      : (COLUMN_ALIASES[key] ?? INPUT_COLUMNS.find((c) => squash(c) === key));
    if (column && !columns.has(column)) columns.set(column, h);
    else if (STREET_NUMBER.has(key) && streetNumber === undefined) streetNumber = h;
    else if (FULL_NAME.has(key) && fullName === undefined) fullName = h;
    else ignored.push(h);
  }
  // A whole name is split only when the file has no name columns of its own.
  if (fullName !== undefined && (columns.has('first_name') || columns.has('last_name'))) {
    ignored.push(fullName);
    fullName = undefined;
  }
  return { columns, streetNumber, fullName, ignored };
}

export interface ParsedInput {
  records: MatchRecord[];
  ignoredColumns: string[];
  /** Headers read under another name, e.g. "given_name → first_name". */
  renamedColumns: string[];
}

/** Parses a CSV file's text into records; errors name the file and the problem. */
export function recordsFromCsv(text: string, file: string): ParsedInput {
  const { header, records: rows } = csvObjects(text);
  const { columns, streetNumber, fullName, ignored } = columnsOf(header);
  const idColumn = columns.get('id');
  if (idColumn === undefined)
    throw new CliError(`${file}: no "id" column (columns are named: ${INPUT_COLUMNS.join(', ')})`);
  const renamedColumns = [...columns]
    .filter(([column, h]) => column !== h)
    .map(([column, h]) => `${h} → ${column}`)
    .concat(streetNumber ? [`${streetNumber} → address_line1 (in front)`] : [])
    .concat(fullName ? [`${fullName} → first_name, middle_name, last_name (split)`] : []);
  const seen = new Set<string>();
  const records = rows.map((row, i) => {
    const id = row[idColumn] ?? '';
    if (id === '') throw new CliError(`${file}: row ${i + 2}: empty id`);
    if (seen.has(id)) throw new CliError(`${file}: row ${i + 2}: duplicate id "${id}"`);
    seen.add(id);
    const cell = (h: string | undefined) => (h === undefined || !row[h] ? null : row[h]!);
    const value = (column: InputColumn) => {
      const v = cell(columns.get(column));
      if (column !== 'address_line1' || !streetNumber) return v;
      return [cell(streetNumber), v].filter((x) => x !== null).join(' ') || null;
    };
    const split = fullName ? splitFullName(cell(fullName) ?? '') : undefined;
    return {
      id,
      firstName: split ? split.first : value('first_name'),
      middleName: split ? (value('middle_name') ?? split.middle) : value('middle_name'),
      lastName: split ? split.last : value('last_name'),
      dob: value('dob'),
      sex: value('sex'),
      email: value('email'),
      phone: value('phone'),
      addressLine1: value('address_line1'),
      addressLine2: value('address_line2'),
      city: value('city'),
      state: value('state'),
      postcode: value('postcode'),
      country: value('country'),
      medicareNumber: value('medicare_number'),
    } satisfies MatchRecord;
  });
  return { records, ignoredColumns: ignored, renamedColumns };
}

const FIELD_COLUMNS = [
  'first_name',
  'last_name',
  'dob',
  'sex',
  'email',
  'phone',
  'address_line1',
  'address_line2',
  'locality',
  'medicare',
  'mobile',
  'middle_name',
];

export function pairsHeader(explain: boolean): string {
  const base = ['a_id', 'b_id', 'score', 'decision'];
  return formatCsvRow(explain ? [...base, 'probability', 'guards', 'context', ...FIELD_COLUMNS] : base);
}

/** One output row; with explain, each field as "level (weight)". */
export function pairRow(pair: LinkedPair, explain: boolean): string {
  const base: (string | number)[] = [pair.aId, pair.bId, pair.score.toFixed(2), pair.decision];
  if (!explain) return formatCsvRow(base);
  const byField = new Map(pair.explanation.fields.map((f) => [f.field, f]));
  const fields = FIELD_COLUMNS.map((name) => {
    const f = byField.get(name);
    return !f || f.level === 'missing' ? 'missing' : `${f.level} (${f.weight >= 0 ? '+' : ''}${f.weight.toFixed(2)})`;
  });
  return formatCsvRow([
    ...base,
    pair.explanation.probability.toFixed(6),
    pair.explanation.guards.join('; '),
    pair.explanation.context ?? '',
    ...fields,
  ]);
}
