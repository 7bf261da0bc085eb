// matchOne weighs name agreements by how common the name is in the population it is given
// (termFrequenciesFromCounts), as the batch matcher does over its run: a common name shared is
// weaker evidence, a rare one stronger.
import { describe, expect, it } from 'vitest';
import { matchOne, termFrequenciesFromCounts, type MatchResult } from '../../src/core/matching/index.ts';

const incoming = {
  id: 'in',
  firstName: 'James',
  lastName: 'Smith',
  dob: '1975-02-11',
  city: 'Parramatta',
  phone: '0412 000 111',
};
const namesake = {
  id: 'c1',
  firstName: 'James',
  lastName: 'Smith',
  dob: '1990-09-23',
  city: 'Parramatta',
  phone: '0499 888 777',
};
const scoreOf = (r: MatchResult) =>
  r.kind === 'new' ? (r.best?.score ?? -Infinity) : r.kind === 'review' ? r.candidates[0]!.score : r.score;

describe('name frequencies in matchOne', () => {
  const population = 5000;
  // James: 1 in 25; Smith: 1 in 20 — as common as names get in the emulator's and many clinics' data.
  const common = termFrequenciesFromCounts([['James', 200]], [['SMITH', 250]], population);
  const rare = termFrequenciesFromCounts([['James', 1]], [['Smith', 1]], population);

  it('keys counts as the matcher keys names (case and accents folded) and divides by the population', () => {
    const t = termFrequenciesFromCounts(
      [
        ['Zoë', 3],
        ['ZOE', 2],
      ],
      [['  Ngata ', 5]],
      100,
    );
    expect(t.first.get('zoe')).toBeCloseTo(0.05);
    expect(t.last.get('ngata')).toBeCloseTo(0.05);
  });

  it('a common shared name weighs less than the average name, a rare one more', () => {
    const plain = scoreOf(matchOne(incoming, [namesake], { population }));
    const withCommon = scoreOf(matchOne(incoming, [namesake], { population, termFrequencies: common }));
    const withRare = scoreOf(matchOne(incoming, [namesake], { population, termFrequencies: rare }));
    expect(withCommon).toBeLessThan(plain);
    expect(withRare).toBeGreaterThan(plain);
  });

  it('a name and a town alone: matched on an average name, sent to a person on a common one', () => {
    const sparse = { id: 'in', firstName: 'James', lastName: 'Smith', city: 'Parramatta' };
    const other = { id: 'c1', firstName: 'James', lastName: 'Smith', city: 'Parramatta', email: 'js@example.com' };
    expect(matchOne(sparse, [other], { population }).kind).toBe('match');
    expect(matchOne(sparse, [other], { population, termFrequencies: common }).kind).toBe('review');
  });

  it('the same person on a common name is still matched', () => {
    const same = { ...namesake, dob: incoming.dob, phone: incoming.phone, email: 'james.smith75@example.com' };
    const person = { ...incoming, email: 'james.smith75@example.com' };
    expect(matchOne(person, [same], { population, termFrequencies: common }).kind).toBe('match');
  });
});
