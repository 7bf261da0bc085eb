import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { migrate, migrationsCurrent } from '../../src/db/migrate.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

describe('migrations', () => {
  it('are applied in the cloned database and re-running them applies nothing', async () => {
    expect(await migrationsCurrent(t.db)).toBe(true);
    const [again1, again2] = await Promise.all([migrate(t.db), migrate(t.db)]);
    expect(again1).toEqual([]);
    expect(again2).toEqual([]);
  });

  it('refuse overlapping live appointments for one resource', async () => {
    const {
      rows: [p],
    } = await t.db.query(`INSERT INTO practices (name) VALUES ('A') RETURNING id`);
    const {
      rows: [loc],
    } = await t.db.query(`INSERT INTO locations (practice_id, name, time_zone) VALUES ($1, 'L', 'UTC') RETURNING id`, [
      p.id,
    ]);
    const {
      rows: [res],
    } = await t.db.query(
      `INSERT INTO resources (practice_id, location_id, kind, name) VALUES ($1, $2, 'room', 'R1') RETURNING id`,
      [p.id, loc.id],
    );
    const {
      rows: [pat],
    } = await t.db.query(
      `INSERT INTO patients (practice_id, first_name, last_name) VALUES ($1, 'x', 'y') RETURNING id`,
      [p.id],
    );
    const insert = (start: string, end: string) =>
      t.db.query(
        `INSERT INTO appointments (practice_id, resource_id, patient_id, starts_at, ends_at) VALUES ($1, $2, $3, $4, $5)`,
        [p.id, res.id, pat.id, start, end],
      );
    await insert('2030-01-01T09:00:00Z', '2030-01-01T09:30:00Z');
    await expect(insert('2030-01-01T09:15:00Z', '2030-01-01T09:45:00Z')).rejects.toThrow(/exclusion|conflicting/);
    await insert('2030-01-01T09:30:00Z', '2030-01-01T10:00:00Z');
  });
});
