// The person's own evidence in data with households (issue 17, sixth session): mobiles apart
// from landlines, middle names, swapped names with a typo, birth dates a generation apart,
// and pairs that only household fields carry.
import { describe, expect, it } from 'vitest';
import { F, MISSING } from '../../src/core/matching/compare/fields.ts';
import { compareMiddleNames } from '../../src/core/matching/compare/levels.ts';
import { compareRecords, newVector } from '../../src/core/matching/compare/vector.ts';
import { decidePair, scorerFor } from '../../src/core/matching/decide.ts';
import { assessPair, birthDatesApart, HOUSEHOLD_ONLY } from '../../src/core/matching/explain.ts';
import { dedupe, linkSources, type MatchRecord } from '../../src/core/matching/index.ts';
import { prepareRecord } from '../../src/core/matching/prepare.ts';

function levels(a: Omit<MatchRecord, 'id'>, b: Omit<MatchRecord, 'id'>): { levels: Int8Array; swapped: boolean } {
  const out = newVector();
  const swapped = compareRecords(prepareRecord({ id: 'a', ...a }), prepareRecord({ id: 'b', ...b }), out);
  return { levels: out, swapped };
}

const home = { addressLine1: '12 Smith Street', city: 'Newtown', state: 'NSW', postcode: '2042' };

describe('phones', () => {
  it('compares an Australian mobile as the person’s and a landline as the household’s', () => {
    const mobile = levels({ phone: '0412 345 678' }, { phone: '+61 412 345 678' }).levels;
    expect([mobile[F.mobile], mobile[F.phone]]).toEqual([0, MISSING]);
    const landline = levels({ phone: '02 9555 1234' }, { phone: '(02) 9555 1234' }).levels;
    expect([landline[F.mobile], landline[F.phone]]).toEqual([MISSING, 0]);
    const both = levels({ phones: ['0412 345 678', '02 9555 1234'] }, { phones: ['0412 345 679', '02 9555 1234'] });
    expect([both.levels[F.mobile], both.levels[F.phone]]).toEqual([1, 0]);
  });

  it('keeps numbers whose kind the number does not say (US) as household numbers', () => {
    const us = levels({ phone: '415 555 0134', country: 'US' }, { phone: '+1 415 555 0134', country: 'US' }).levels;
    expect([us[F.mobile], us[F.phone]]).toEqual([MISSING, 0]);
  });
});

describe('middle names', () => {
  it('agree, agree on an initial, or differ', () => {
    const name = (raw: string) => prepareRecord({ id: 'x', middleName: raw }).middle;
    expect(compareMiddleNames(name('Jane'), name('JANE'))).toBe(0);
    expect(compareMiddleNames(name('J'), name('Jane'))).toBe(1);
    expect(compareMiddleNames(name('Jane'), name('Ruth'))).toBe(2);
    expect(compareMiddleNames(name('Jane'), null)).toBe(MISSING);
  });
});

describe('swapped names', () => {
  it('accepts a typo in one crossed name when the other is exact', () => {
    const r = levels({ firstName: 'Fordfordyo', lastName: 'Jvstin' }, { firstName: 'Justin', lastName: 'Fordfordyo' });
    expect(r.swapped).toBe(true);
    expect(r.levels[F.first]).toBe(0);
  });

  it('does not accept one crossed name exact and the other different (twins Lee Jonathan / Michael Lee)', () => {
    expect(levels({ firstName: 'Lee', lastName: 'Jonathan' }, { firstName: 'Michael', lastName: 'Lee' }).swapped).toBe(
      false,
    );
  });

  it('counts a lone crossed name as the surname, not as the first name', () => {
    const r = levels({ firstName: 'Tonsch', lastName: 'Thomas' }, { lastName: 'Tonsch' });
    expect(r.swapped).toBe(true);
    expect([r.levels[F.first], r.levels[F.last]]).toEqual([MISSING, 0]);
  });
});

describe('birth dates apart', () => {
  it('tells a generation apart from a typing slip', () => {
    expect(birthDatesApart(19681215, 19971104)).toBe(true);
    expect(birthDatesApart(19891205, 20001017)).toBe(true);
    expect(birthDatesApart(19591201, 19791203)).toBe(false); // one digit of the year
    expect(birthDatesApart(19580301, 19850302)).toBe(false); // two neighbouring digits swapped
    expect(birthDatesApart(19681215, 19971215)).toBe(false); // same day and month: level 2, not 3
    expect(birthDatesApart(0, 19971104)).toBe(false);
  });

  it('makes a father and son of one name new, not a review, in data with households', () => {
    const father = { firstName: 'Ethan', lastName: 'Jowalman', sex: 'M', email: 'ejowalman@outlook.com', ...home };
    const a: MatchRecord[] = [{ id: 'f', dob: '1968-12-15', ...father }];
    const b: MatchRecord[] = [{ id: 's', dob: '1997-11-04', ...father }];
    expect(linkSources(a, b, { guards: true }).pairs).toEqual([]);
    // Without households (FEBRL-like data) such dates are only a weight: the pair stays a candidate.
    expect(linkSources(a, b, { guards: false, relatives: false }).pairs).toHaveLength(1);
  });
});

describe('pairs only household fields carry', () => {
  const landline = { ...home, phone: '02 9555 1234' };
  it('are never an automatic match, and with a different first name not even a review', () => {
    const records: MatchRecord[] = [
      { id: 'abi1', firstName: 'Abigail', lastName: 'Nelcadi', dob: '2009-10-12', sex: 'F', ...landline },
      { id: 'abi2', firstName: 'Abigail', lastName: 'Nelcadi', dob: '12/10/2009', sex: 'F', ...landline },
      { id: 'bare', lastName: 'Nelcadi', sex: 'F', ...landline },
      { id: 'sophie', firstName: 'Sophie', lastName: 'Nelcadi', sex: 'F', ...landline },
    ];
    const result = dedupe(records, { guards: true });
    expect(result.clusters.map((c) => [...c].sort())).toEqual([['abi1', 'abi2']]);
    const bare = result.pairs.filter((p) => p.aId === 'bare' || p.bId === 'bare');
    expect(bare.length).toBeGreaterThan(0);
    expect(bare.every((p) => p.decision === 'review')).toBe(true);
    const sophie = result.pairs.filter(
      (p) => (p.aId === 'sophie' || p.bId === 'sophie') && p.aId !== 'bare' && p.bId !== 'bare',
    );
    expect(sophie).toEqual([]);
  });

  it('are not even a review when the birth date differs and nothing of the person agrees', () => {
    const abigail = prepareRecord({
      id: 'abi',
      firstName: 'Abigail',
      lastName: 'Nelcadi',
      dob: '2009-10-12',
      sex: 'F',
      ...landline,
    });
    // No first name; born the same year, another month and day (not a generation apart, which
    // is a relative already): another member of the household.
    const other = prepareRecord({ id: 'other', lastName: 'Nelcadi', dob: '2009-03-05', sex: 'F', ...landline });
    const assessment = assessPair(abigail, other, scorerFor(), -10, undefined, 10);
    expect(assessment.explanation.guards).toEqual(['date of birth differs', HOUSEHOLD_ONLY]);
    const policy = { guards: true, thresholds: { match: 10, review: -30 } };
    expect(decidePair(assessment, policy)).toBe('new');
  });

  it('are carried by the person when their own mobile agrees', () => {
    const records: MatchRecord[] = [
      { id: 'abi1', firstName: 'Abigail', lastName: 'Nelcadi', dob: '2009-10-12', sex: 'F', ...landline },
      {
        id: 'abi2',
        firstName: 'Abigail',
        lastName: 'Nelcadi',
        dob: '12/10/2009',
        sex: 'F',
        ...home,
        phone: '0449 497 731',
      },
      { id: 'abi3', lastName: 'Nelcadi', sex: 'F', ...landline, phones: ['+61 449 497 731'] },
    ];
    const result = dedupe(records, { guards: true });
    const pair = (x: string, y: string) =>
      result.pairs.find((p) => [p.aId, p.bId].sort().join() === [x, y].sort().join());
    const byMobile = pair('abi2', 'abi3');
    expect(byMobile?.explanation.guards).toEqual([]);
    expect(byMobile?.explanation.fields.find((f) => f.field === 'mobile')?.level).toBe('exact');
  });
});
