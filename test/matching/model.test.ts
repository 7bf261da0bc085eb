// Blocking keys, EM and term frequencies.
import { describe, expect, it } from 'vitest';
import { encodePattern, FIELD_COUNT, LEVEL_COUNTS, MISSING } from '../../src/core/matching/compare/fields.ts';
import { runEm, toPatternCounts } from '../../src/core/matching/em.ts';
import { blockingKeys, defaultModel, type MatchRecord } from '../../src/core/matching/index.ts';
import { prepareRecord } from '../../src/core/matching/prepare.ts';
import { seededRandom } from '../../src/core/random.ts';
import { termFrequencies, tfAdjustment } from '../../src/core/matching/tf.ts';

const shared = (a: MatchRecord, b: MatchRecord) => blockingKeys(a).filter((k) => blockingKeys(b).includes(k));

describe('blocking keys', () => {
  const base = {
    id: '1',
    firstName: 'Sarah',
    lastName: 'Miller',
    dob: '1988-06-14',
    phone: '0412345678',
    email: 's@example.com',
    addressLine1: '5 Rose St',
    postcode: '2042',
    city: 'Newtown',
  };
  it('survive a change of surname, address, phone and email together', () => {
    expect(
      shared(base, {
        id: '2',
        firstName: 'Sarah',
        lastName: 'Thompson',
        dob: '14/06/1988',
        addressLine1: '9 Oak Ave',
        postcode: '3000',
      }),
    ).toContain('d:1988-6-14');
  });
  it('survive a transposed day and month, swapped names, a date typo, and everything but the phone', () => {
    expect(shared(base, { id: '2', firstName: 'Zed', lastName: 'Other', phone: '+61 412 345 678' })).toContain(
      'p:412345678',
    );
    expect(shared({ id: 'a', dob: '1988-04-06' }, { id: 'b', dob: '1988-06-04' })).toContain('d:1988-4-6');
    expect(
      shared(
        { id: 'a', firstName: 'Sarah', lastName: 'Miller' },
        { id: 'b', firstName: 'Miller', lastName: 'Sarah' },
      ).some((k) => k.startsWith('fl:')),
    ).toBe(true);
    expect(
      shared(
        { id: 'a', lastName: 'Miller', dob: '1988-06-14' },
        { id: 'b', lastName: 'Millar', dob: '1988-07-14' },
      ).some((k) => k.startsWith('ly:')),
    ).toBe(true);
  });
  it('are deterministic strings with kind prefixes', () => {
    expect(blockingKeys(base)).toEqual(blockingKeys({ ...base }));
    for (const key of blockingKeys(base)) expect(key).toMatch(/^[a-z]{1,2}:/);
  });
});

describe('EM', () => {
  it('recovers m, u and the match share from unlabelled simulated patterns', () => {
    const random = seededRandom(3);
    const truth = defaultModel();
    const draw = (row: number[]) => {
      let x = random() * row.reduce((s, p) => s + p, 0);
      for (let l = 0; l < row.length; l++) if ((x -= row[l] as number) <= 0) return l;
      return row.length - 1;
    };
    const counts = new Map<number, number>();
    const levels = new Int8Array(FIELD_COUNT);
    for (let n = 0; n < 40_000; n++) {
      const match = random() < 0.2;
      for (let f = 0; f < FIELD_COUNT; f++)
        levels[f] = f >= 7 ? MISSING : draw((match ? truth.m : truth.u)[f] as number[]);
      const p = encodePattern(levels);
      counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    const flat = LEVEL_COUNTS.map((n) => Array.from({ length: n }, () => 1 / n));
    const fitted = runEm(
      toPatternCounts(counts),
      { m: flat, u: truth.u, lambda: 0.5, source: 'em' },
      { priorStrength: 0 },
    );
    expect(fitted.lambda).toBeCloseTo(0.2, 2);
    expect(fitted.m[2]?.[0]).toBeCloseTo(truth.m[2]?.[0] as number, 1); // dob exact among matches
    expect(fitted.m[0]?.[4]).toBeCloseTo(truth.m[0]?.[4] as number, 1); // first name different
  });
});

describe('term frequencies', () => {
  it('weigh a common name down and a rare one up, within ±4 bits', () => {
    const records = [
      ...Array.from({ length: 90 }, (_, i) => ({ id: `s${i}`, lastName: 'Smith' })),
      ...Array.from({ length: 10 }, (_, i) => ({ id: `r${i}`, lastName: `Rare${String.fromCharCode(97 + i)}` })),
    ].map((r) => prepareRecord(r));
    const tf = termFrequencies([records]);
    expect(tfAdjustment(tf.last, 'smith', 0.1)).toBeLessThan(0);
    expect(tfAdjustment(tf.last, 'rarea', 0.1)).toBeGreaterThan(0);
    expect(tfAdjustment(tf.last, 'rarea', 1)).toBe(4);
    expect(tfAdjustment(tf.last, 'unknown', 0.1)).toBe(0);
  });
});
