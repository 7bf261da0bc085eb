// The compared fields and their comparison levels, best agreement first. Level labels are
// what explanations show; their order is what the integer comparison vectors encode.

export interface FieldSpec {
  name: string;
  labels: readonly string[];
}

export const FIELDS = [
  {
    name: 'first_name',
    labels: [
      'exact',
      'nickname or alias',
      'jaro-winkler >= 0.92',
      'jaro-winkler >= 0.80, sounds alike or initial',
      'different',
    ],
  },
  {
    name: 'last_name',
    labels: [
      'exact',
      'one part of a double surname',
      'jaro-winkler >= 0.92',
      'jaro-winkler >= 0.80 or sounds alike',
      'different',
    ],
  },
  { name: 'dob', labels: ['exact', 'day and month transposed', 'one of year, month, day differs', 'different'] },
  { name: 'sex', labels: ['same', 'different'] },
  { name: 'email', labels: ['exact', 'same mailbox name or jaro-winkler >= 0.92', 'different'] },
  // Landlines and numbers whose kind is unknown: a household's.
  { name: 'phone', labels: ['exact', 'one digit off', 'different'] },
  {
    name: 'address_line1',
    labels: [
      'exact',
      'same number, street jaro-winkler >= 0.90',
      'street similar (number differs or street jaro-winkler >= 0.75)',
      'different',
    ],
  },
  { name: 'address_line2', labels: ['exact', 'jaro-winkler >= 0.88', 'different'] },
  // Postcode, suburb and state are one piece of evidence (where someone lives), compared
  // together: scored apart, three agreeing fields would count one fact three times.
  {
    name: 'locality',
    labels: [
      'postcode and suburb agree',
      'one agrees, the other close or missing',
      'one agrees, the other differs; or both close',
      'one close, or same state only',
      'different',
    ],
  },
  {
    name: 'medicare',
    labels: ['same card and IRN', 'same card, IRN unknown', 'same card, different IRN', 'different'],
  },
  // A mobile is one person's (a landline is the household's): compared apart from `phone`,
  // so that a shared mobile counts as the person's own evidence, not the household's.
  { name: 'mobile', labels: ['exact', 'one digit off', 'different'] },
  // Evidence of its own (besides being an alias of the first name): twins rarely share one.
  { name: 'middle_name', labels: ['exact', 'initial or jaro-winkler >= 0.92', 'different'] },
] as const satisfies readonly FieldSpec[];

export type FieldName = (typeof FIELDS)[number]['name'];

export const FIELD_COUNT = FIELDS.length;

/** Index of each field in comparison vectors. */
export const F = {
  first: 0,
  last: 1,
  dob: 2,
  sex: 3,
  email: 4,
  phone: 5,
  address1: 6,
  address2: 7,
  locality: 8,
  medicare: 9,
  mobile: 10,
  middle: 11,
} as const;

/** Level that stands for "either side missing" (weight 0, not estimated). */
export const MISSING = -1;

/** Number of agreement levels per field (excluding missing). */
export const LEVEL_COUNTS: readonly number[] = FIELDS.map((f) => f.labels.length);

/** Pattern encoding: each field's level + 1 (0 = missing) in mixed radix. */
export const STRIDES: readonly number[] = (() => {
  const strides: number[] = [];
  let stride = 1;
  for (const count of LEVEL_COUNTS) {
    strides.push(stride);
    stride *= count + 1;
  }
  return strides;
})();

/** Packs a level vector (with MISSING = -1) into one integer. */
export function encodePattern(levels: ArrayLike<number>): number {
  let pattern = 0;
  for (let f = 0; f < FIELD_COUNT; f++) pattern += ((levels[f] as number) + 1) * (STRIDES[f] as number);
  return pattern;
}

/** Level of field f in a packed pattern (MISSING = -1). */
export function patternLevel(pattern: number, f: number): number {
  return (Math.floor(pattern / (STRIDES[f] as number)) % ((LEVEL_COUNTS[f] as number) + 1)) - 1;
}
