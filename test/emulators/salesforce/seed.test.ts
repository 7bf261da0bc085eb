// The seeded org: the shared table of Hint's seeded patients is still what the Hint emulator
// seeds (the test may import both emulators; the emulators never import each other), and
// --seed N yields N contacts with exact matches, near-misses and duplicates.
import { describe, expect, it } from 'vitest';
import { buildSeed as buildHintSeed } from '../../../src/emulators/hint/seed.ts';
import { buildSeed } from '../../../src/emulators/salesforce/seed.ts';
import { HINT_SEEDS, hintSeedPeople } from '../../../src/emulators/shared/hint-seed-people.ts';

const NOW = Date.parse('2026-06-01T12:00:00Z');

describe('Hint seed table', () => {
  it.each([undefined, ...HINT_SEEDS])('matches the Hint emulator seeded with %s', (seed) => {
    const { data } = buildHintSeed(seed, NOW);
    const practice = [...data.practices.values()][0]!;
    const patients = [...data.patients.values()]
      .filter((p) => p.practiceId === practice.id)
      .map((p) => ({ firstName: p.fields.first_name, lastName: p.fields.last_name, dob: p.fields.dob }));
    expect(hintSeedPeople(seed)).toEqual(patients);
  });
});

describe('seeded contacts', () => {
  it('gives N contacts across accounts, some exact Hint matches, near-misses and duplicates', () => {
    const { data } = buildSeed({ seed: 100 }, NOW);
    const contacts = [...data.records.get('Contact')!.values()].map((r) => r.values);
    expect(contacts).toHaveLength(100);
    expect(new Set(contacts.map((c) => c.AccountId).filter(Boolean)).size).toBeGreaterThan(2);
    const key = (p: { firstName: unknown; lastName: unknown; dob: unknown }) => `${p.firstName}|${p.lastName}|${p.dob}`;
    const hint = hintSeedPeople(100);
    const hintKeys = new Set(hint.map(key));
    const contactKeys = contacts.map((c) => key({ firstName: c.FirstName, lastName: c.LastName, dob: c.Birthdate }));
    expect(contactKeys.filter((k) => hintKeys.has(k)).length).toBeGreaterThanOrEqual(30);
    const sameName = (c: (typeof contacts)[number]) =>
      hint.some(
        (p) =>
          p.lastName === c.LastName &&
          p.firstName !== c.FirstName &&
          c.FirstName?.toString().startsWith(p.firstName.slice(0, 2)),
      );
    expect(contacts.some(sameName)).toBe(true);
    expect(new Set(contactKeys).size).toBeLessThan(contactKeys.length); // duplicates
  });

  it('is deterministic for a seed', () => {
    const a = buildSeed({ seed: 7 }, NOW).data;
    const b = buildSeed({ seed: 7 }, NOW).data;
    expect(a.app.clientId).toBe(b.app.clientId);
    expect([...a.records.get('Contact')!.keys()]).toEqual([...b.records.get('Contact')!.keys()]);
  });
});
