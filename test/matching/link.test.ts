import { describe, expect, it } from 'vitest';
import { dedupe, linkSources, type MatchRecord } from '../../src/core/matching/index.ts';
import { generateLinkData } from '../../bench/matcher-synthetic-data.ts';

describe('linkSources', () => {
  it('links synthetic sources with typos, moves and surname changes, one-to-one', () => {
    const { a, b, truth } = generateLinkData(3000, 0.5, 11);
    const result = linkSources(a, b);
    const matches = result.pairs.filter((p) => p.decision === 'match');
    const correct = matches.filter((p) => truth.get(p.bId) === p.aId).length;
    expect(correct / matches.length).toBeGreaterThanOrEqual(0.995);
    expect(correct / truth.size).toBeGreaterThanOrEqual(0.98);
    expect(new Set(matches.map((p) => p.aId)).size).toBe(matches.length);
    expect(result.stats.comparisons).toBeLessThan(3000 * 60); // blocking, not all 9,000,000 pairs
    for (const p of result.pairs) expect(p.explanation.fields.length).toBeGreaterThan(0);
  });

  it('works on tiny inputs with the default model', () => {
    const a: MatchRecord[] = [
      { id: '1', firstName: 'Robert', lastName: 'Smith', dob: '1980-04-23', phone: '0412345678' },
    ];
    const b: MatchRecord[] = [
      { id: 'x', firstName: 'Bob', lastName: 'Smith', dob: '23/04/1980', phone: '+61 412 345 678' },
      { id: 'y', firstName: 'Ann', lastName: 'Lee' },
    ];
    const result = linkSources(a, b);
    expect(result.model.source).toBe('defaults');
    expect(result.pairs.map((p) => [p.aId, p.bId, p.decision])).toEqual([['1', 'x', 'match']]);
  });

  it('turns a second match for a taken record into a review (duplicates on one side)', () => {
    const person = {
      firstName: 'Robert',
      lastName: 'Smith',
      dob: '1980-04-23',
      phone: '0412345678',
      email: 'rs@example.com',
    };
    const result = linkSources(
      [{ id: '1', ...person }],
      [
        { id: 'x', ...person },
        { id: 'y', ...person },
      ],
    );
    expect(result.pairs.map((p) => p.decision).sort()).toEqual(['match', 'review']);
  });
});

describe('households', () => {
  it('switches the guards on when the data has households, so relatives are not merged', () => {
    const { a, b, truth } = generateLinkData(3000, 0.5, 5);
    const result = dedupe([...a, ...b]);
    expect(result.stats.guards).toBe(true);
    const matches = result.pairs.filter((p) => p.decision === 'match');
    const correct = matches.filter((p) => truth.get(p.bId) === p.aId || truth.get(p.aId) === p.bId).length;
    expect(correct / matches.length).toBeGreaterThanOrEqual(0.99);
    expect(correct / truth.size).toBeGreaterThanOrEqual(0.98);
  });
});

describe('dedupe', () => {
  it('finds duplicates within one list and clusters them', () => {
    const records: MatchRecord[] = [
      { id: '1', firstName: 'Elizabeth', lastName: 'Jones', dob: '1975-07-03', email: 'liz@example.com' },
      { id: '2', firstName: 'Liz', lastName: 'Jones', dob: '03/07/1975', email: 'LIZ@example.com' },
      { id: '3', firstName: 'Beth', lastName: 'Jones', dob: '19750703', email: 'liz@example.com' },
      { id: '4', firstName: 'Tom', lastName: 'Jones', dob: '1950-01-01' },
    ];
    const result = dedupe(records);
    expect(result.clusters.map((c) => [...c].sort())).toEqual([['1', '2', '3']]);
    expect(result.pairs.every((p) => p.aId !== p.bId)).toBe(true);
  });
});
