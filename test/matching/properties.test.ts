// Property tests: normalisation is idempotent, and a pair scores the same in both orders.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jaroWinkler } from '../../src/core/matching/compare/jaro-winkler.ts';
import { scorerFor } from '../../src/core/matching/decide.ts';
import { assessPair } from '../../src/core/matching/explain.ts';
import { normalizeAddress } from '../../src/core/matching/normalize/addresses.ts';
import { formatDate, parseDate } from '../../src/core/matching/normalize/dates.ts';
import { normalizeEmail } from '../../src/core/matching/normalize/emails.ts';
import { nameText } from '../../src/core/matching/normalize/names.ts';
import { normalizePhone } from '../../src/core/matching/normalize/phones.ts';
import { foldText } from '../../src/core/matching/normalize/text.ts';
import { prepareRecord } from '../../src/core/matching/prepare.ts';

const messy = fc.string({ unit: fc.constantFrom(..."aAbBéÉoO ñ-'.,/0123456789ßæ \t".split('')), maxLength: 24 });
const words = fc.constantFrom(
  'smith',
  'Smith-Jones',
  'mr',
  'jr',
  "o'brien",
  'Zoë',
  'street',
  'st',
  'unit',
  '3/12',
  'apt',
  'north',
  'rd',
  '12',
  '12a',
  'po box',
);
const phrase = fc.array(words, { maxLength: 6 }).map((w) => w.join(' '));

describe('normalisation is idempotent', () => {
  it('folded text', () => fc.assert(fc.property(messy, (s) => foldText(foldText(s)) === foldText(s))));
  it('names', () => fc.assert(fc.property(fc.oneof(messy, phrase), (s) => nameText(nameText(s)) === nameText(s))));
  it('emails', () =>
    fc.assert(
      fc.property(fc.emailAddress(), (s) => {
        const once = normalizeEmail(s);
        return once === null || normalizeEmail(once) === once;
      }),
    ));
  it('addresses', () =>
    fc.assert(
      fc.property(fc.oneof(messy, phrase), (s) => {
        const once = normalizeAddress(s);
        return once === null || once.text === '' || normalizeAddress(once.text)?.text === once.text;
      }),
    ));
  it('phones', () =>
    fc.assert(
      fc.property(
        fc.stringMatching(/^(\+61|0)[2-478]\d{8}$|^\+?1?[2-9]\d{9}$/),
        fc.constantFrom('AU', 'US'),
        (s, region) => {
          const once = normalizePhone(s, region);
          return once === null || normalizePhone(once, region) === once;
        },
      ),
    ));
  it('dates', () =>
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString().slice(0, 10);
        const once = parseDate(iso);
        return once !== null && formatDate(once) === iso && formatDate(parseDate(formatDate(once)) ?? once) === iso;
      }),
    ));
});

const pick = <T>(values: readonly T[]) => fc.option(fc.constantFrom(...values), { nil: null });
const person = fc.record({
  id: fc.constantFrom('a', 'b', 'c'),
  firstName: pick(['Robert', 'Bob', 'Rob', 'Roberta', 'Mary', 'Smith', 'J', 'Jon', 'John']),
  middleName: pick(['Jane', 'Mary', 'R']),
  lastName: pick(['Smith', 'Smyth', 'Smith-Jones', 'Jones', 'Robert', 'Mary']),
  dob: pick(['1980-04-03', '1980-03-04', '1981-04-03', '03/04/1980', '1990-12-30']),
  sex: pick(['M', 'F', 'female']),
  email: pick(['bob@gmail.com', 'b.o.b@gmail.com', 'bob@outlook.com', 'mary@example.com']),
  phone: pick(['0412345678', '0412345687', '+61 412 345 678', '0298765432']),
  addressLine1: pick(['12 Smith St', 'Unit 3, 12 Smith Street', '14 Smith St', '9 Jones Rd']),
  city: pick(['Newtown', 'Newtwon', 'Sydney']),
  state: pick(['NSW', 'New South Wales', 'VIC']),
  postcode: pick(['2042', '2043', '3000']),
  medicareNumber: pick(['2123456701', '2123 45670 1']),
  medicareIrn: pick(['1', '2']),
  integrationRecordId: pick(['a', 'z']),
});

describe('scoring', () => {
  it('is symmetric: a against b scores what b against a scores', () => {
    const scorer = scorerFor();
    fc.assert(
      fc.property(person, person, (x, y) => {
        const a = prepareRecord(x);
        const b = prepareRecord(y);
        const ab = assessPair(a, b, scorer, -10).explanation;
        const ba = assessPair(b, a, scorer, -10).explanation;
        expect(ba.score).toBe(ab.score);
        expect(ba.fields).toEqual(ab.fields);
        expect(ba.guards).toEqual(ab.guards);
      }),
      { numRuns: 2000 },
    );
  });
  it('uses a symmetric Jaro–Winkler in [0, 1]', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const s = jaroWinkler(a, b);
        return s === jaroWinkler(b, a) && s >= 0 && s <= 1;
      }),
      { numRuns: 5000 },
    );
  });
});

describe('robustness', () => {
  const junk = fc.option(
    fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('', ' ', '0000-00-00', '31/31/1999', '+', '@', 'Unit / -')),
    { nil: null },
  );
  const record = fc.record({
    id: fc.uuid(),
    firstName: junk,
    middleName: junk,
    lastName: junk,
    preferredName: junk,
    dob: junk,
    sex: junk,
    email: junk,
    phone: junk,
    phones: fc.option(fc.array(fc.string({ maxLength: 12 }), { maxLength: 3 }), { nil: null }),
    addressLine1: junk,
    addressLine2: junk,
    city: junk,
    state: junk,
    postcode: junk,
    country: junk,
    medicareNumber: junk,
    medicareIrn: junk,
    integrationRecordId: junk,
  });

  it('decides on any input without throwing', async () => {
    const { matchOne, linkSources, dedupe, blockingKeys } = await import('../../src/core/matching/index.ts');
    fc.assert(
      fc.property(record, fc.array(record, { maxLength: 6 }), (incoming, candidates) => {
        expect(['match', 'review', 'new']).toContain(matchOne(incoming, candidates).kind);
        expect(blockingKeys(incoming).every((k) => typeof k === 'string')).toBe(true);
        linkSources([incoming], candidates);
        dedupe([incoming, ...candidates]);
      }),
      { numRuns: 300 },
    );
  });
});
