// The input file's headers → `tandem match`'s columns: exact names first, then the names other
// lists give the same columns (FEBRL's, CRM exports', spreadsheets'), a street number kept apart,
// a whole name to split.

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

export type InputColumn = (typeof INPUT_COLUMNS)[number];

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
export function columnsOf(header: string[]): {
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
