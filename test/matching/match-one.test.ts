// matchOne with the default model: the decisions connectors rely on for a single incoming
// person (a booking, a webhook) against the few candidates the hub's blocking keys found.
import { describe, expect, it } from 'vitest';
import {
  blockingKeys,
  matchOne,
  trainModel,
  type MatchRecord,
  type MatchResult,
} from '../../src/core/matching/index.ts';
import { generateLinkData } from '../../bench/matcher-synthetic-data.ts';

const sarah: MatchRecord = {
  id: 'p1',
  firstName: 'Sarah',
  lastName: 'Miller',
  dob: '1988-06-14',
  sex: 'F',
  email: 'sarah.m@example.com',
  phone: '0412 345 678',
  addressLine1: '5 Rose Street',
  city: 'Newtown',
  state: 'NSW',
  postcode: '2042',
};

/** Exhaustive handling, as callers must write it: adding a kind breaks this at compile time. */
function describeResult(result: MatchResult): string {
  switch (result.kind) {
    case 'match':
      return `match ${result.id}`;
    case 'review':
      return `review ${result.candidates.map((c) => c.id).join(',')}`;
    case 'new':
      return 'new';
    default: {
      const unreachable: never = result;
      return unreachable;
    }
  }
}

describe('matchOne', () => {
  it('matches the same person written differently', () => {
    const incoming = {
      id: 'he-1',
      firstName: 'SARAH',
      lastName: 'miller',
      dob: '14/06/1988',
      phone: '+61412345678',
      email: 'Sarah.M@example.com',
    };
    const result = matchOne(incoming, [sarah]);
    expect(describeResult(result)).toBe('match p1');
    if (result.kind !== 'match') throw new Error('expected a match');
    expect(result.explanation.fields.find((f) => f.field === 'dob')).toEqual({
      field: 'dob',
      level: 'exact',
      weight: expect.any(Number),
    });
    expect(result.explanation.probability).toBeGreaterThan(0.99);
  });

  it('finds a booking whose surname changed and whose phone has a typo: match with the email, review without', () => {
    const booking = {
      id: 'he-2',
      firstName: 'Sarah',
      lastName: 'Thompson',
      dob: '1988-06-14',
      phone: '0412 345 679',
      email: 'sarah.m@example.com',
    };
    expect(describeResult(matchOne(booking, [sarah]))).toBe('match p1');
    const { email: _ignored, ...withoutEmail } = booking;
    expect(describeResult(matchOne(withoutEmail, [sarah]))).toBe('review p1');
    // The hub finds the candidate through a shared blocking key despite the new surname.
    const shared = blockingKeys(withoutEmail).filter((k) => blockingKeys(sarah).includes(k));
    expect(shared.length).toBeGreaterThan(0);
  });

  it('recognises nicknames', () => {
    const bob = { id: 'p2', firstName: 'Robert', lastName: 'Smith', dob: '1970-01-31', phone: '0400 111 222' };
    expect(
      describeResult(
        matchOne({ id: 'x', firstName: 'Bob', lastName: 'Smith', dob: '31/01/1970', phone: '0400111222' }, [bob]),
      ),
    ).toBe('match p2');
  });

  it('never auto-matches twins: same surname, birthday, address and phone', () => {
    const twinA = { ...sarah, id: 'twin-a', firstName: 'Emma' };
    const result = matchOne({ ...sarah, id: 'in', firstName: 'Olivia', email: null }, [twinA]);
    expect(result.kind).toBe('review');
    if (result.kind === 'review') expect(result.candidates[0]?.explanation.guards).toContain('first name differs');
    // With both twins on file, each finds herself.
    const twinB = { ...sarah, id: 'twin-b', firstName: 'Olivia', email: null };
    expect(describeResult(matchOne({ ...twinB, id: 'in' }, [twinA, twinB]))).toBe('match twin-b');
  });

  it('does not even review a twin brother: first name and sex both differ', () => {
    const result = matchOne({ ...sarah, id: 'in', firstName: 'Oliver', sex: 'M', email: null }, [sarah]);
    expect(result.kind).toBe('new');
  });

  it('never matches spouses sharing a surname, address and landline', () => {
    const husband = {
      id: 'p3',
      firstName: 'David',
      lastName: 'Miller',
      dob: '1985-02-03',
      sex: 'M',
      phone: '02 9876 5432',
      addressLine1: '5 Rose St',
      city: 'Newtown',
      state: 'NSW',
      postcode: '2042',
    };
    const wife = { ...husband, id: 'in', firstName: 'Sarah', dob: '1988-06-14', sex: 'F' };
    expect(matchOne(wife, [husband]).kind).toBe('new');
  });

  it('keeps a family on one Medicare card apart, and trusts card + IRN', () => {
    const mother = { ...sarah, medicareNumber: '2123 45670 1', medicareIrn: '1' };
    const daughter = {
      ...sarah,
      id: 'in',
      firstName: 'Sara',
      dob: '2015-06-14',
      medicareNumber: '2123456701',
      medicareIrn: '2',
    };
    expect(matchOne(daughter, [mother]).kind).not.toBe('match');
    const sameCard = { id: 'in2', firstName: 'S', lastName: 'Miller', medicareNumber: '2123456701', medicareIrn: '1' };
    const result = matchOne(sameCard, [mother]);
    expect(result.kind).toBe('match');
    if (result.kind === 'match') expect(result.explanation.identifier).toBe('medicare');
  });

  it('links by integration_record_id whatever the other fields say', () => {
    const result = matchOne(
      { id: 'hint-9', firstName: 'Completely', lastName: 'Different', integrationRecordId: 'p1' },
      [sarah],
    );
    expect(describeResult(result)).toBe('match p1');
    if (result.kind === 'match') expect(result.explanation.identifier).toBe('integration_record_id');
    expect(blockingKeys({ id: 'hint-9', integrationRecordId: 'p1' })).toContain('i:p1');
    expect(blockingKeys(sarah)).toContain('i:p1');
  });

  it('sends ambiguous candidates (duplicates in the hub) to review', () => {
    const result = matchOne({ ...sarah, id: 'in' }, [sarah, { ...sarah, id: 'p1-copy' }]);
    expect(describeResult(result)).toBe('review p1,p1-copy');
  });

  it('matches the one who agrees on everything beside a relative who also reaches match level', () => {
    // Seen in the sandbox: a Healthengine booking of a Tandem patient exactly (63 bits) next to
    // a relative sharing the first name, the street and the suburb, a transposed birth date and
    // a phone one digit off (18.6 bits): the booking is far likelier the first, so no review.
    const incoming = { ...sarah, id: 'he-3' };
    const cousin = {
      ...sarah,
      id: 'p2',
      lastName: 'Okafor',
      dob: '1988-14-06',
      email: 'k.okafor@example.com',
      phone: '0412 345 679',
      addressLine1: '7 Rose Street',
    };
    const alone = matchOne(incoming, [cousin], { population: 1000 });
    expect(alone.kind).toBe('match'); // the relative alone reaches match level
    const result = matchOne(incoming, [sarah, cousin], { population: 1000 });
    expect(describeResult(result)).toBe('match p1');
  });

  it('says new for no candidates or only strangers, with the best candidate for the record', () => {
    expect(matchOne(sarah, [])).toEqual({ kind: 'new' });
    const stranger = { id: 'p9', firstName: 'Tom', lastName: 'Nguyen', dob: '1950-01-01', phone: '0499 999 999' };
    const result = matchOne(sarah, [stranger]);
    expect(result.kind).toBe('new');
    if (result.kind === 'new') expect(result.best?.id).toBe('p9');
  });

  it('takes thresholds and refuses nonsense ones', () => {
    const booking = { id: 'he-2', firstName: 'Sarah', lastName: 'Thompson', dob: '1988-06-14', phone: '0412 345 679' };
    expect(matchOne(booking, [sarah], { thresholds: { match: 0.9 } }).kind).toBe('match');
    expect(() => matchOne(booking, [sarah], { thresholds: { match: 1.5 } })).toThrow(RangeError);
    expect(() => matchOne(booking, [sarah], { thresholds: { match: 0.5, review: 0.9 } })).toThrow(RangeError);
  });

  it('reuses a model trained by EM on a population', () => {
    const { a, b, truth } = generateLinkData(2000, 0.5, 7);
    const model = trainModel(a, b);
    expect(model.source).toBe('em');
    const [bId, aId] = [...truth][0] as [string, string];
    const incoming = b.find((r) => r.id === bId) as MatchRecord;
    const existing = a.find((r) => r.id === aId) as MatchRecord;
    const result = matchOne(incoming, [existing, ...a.slice(1500, 1510)], { model, population: 2000 });
    expect(result.kind === 'match' ? result.id : result.kind).toBe(aId);
  });
});

describe('matchOne for US records (Hint)', () => {
  it('reads dates month-first and phones as US numbers when the country says US', () => {
    const existing = {
      id: 'h1',
      firstName: 'Jennifer',
      lastName: 'Lopez',
      dob: '1979-03-04',
      phone: '+1 415 555 2671',
      country: 'US',
    };
    const incoming = {
      id: 'hint-7',
      firstName: 'Jen',
      lastName: 'Lopez',
      dob: '03/04/1979',
      phone: '(415) 555-2671',
      country: 'USA',
    };
    const result = matchOne(incoming, [existing]);
    expect(result.kind).toBe('match');
    if (result.kind === 'match') expect(result.explanation.fields.find((f) => f.field === 'dob')?.level).toBe('exact');
  });
});
