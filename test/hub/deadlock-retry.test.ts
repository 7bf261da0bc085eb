// A transaction PostgreSQL aborts as a deadlock victim (40P01) is run again, not answered 500;
// racing overlapping bookings end as one 201 and 409s, never a 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/pool.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub.stop();
});

describe('deadlocks and serialisation failures', () => {
  it('a transaction chosen as deadlock victim runs again and commits', async () => {
    const db = hub.database.db;
    await db.query('CREATE TABLE dl (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)');
    await db.query('INSERT INTO dl (id) VALUES (1), (2)');
    let holdOne!: () => void;
    const oneHeld = new Promise<void>((r) => (holdOne = r));
    let attempts = 0;
    // A locks 1 then 2; B locks 2 then 1: PostgreSQL aborts one of them with 40P01.
    const a = inTransaction(
      db,
      async (tx) => {
        await tx.query('UPDATE dl SET n = n + 1 WHERE id = 1');
        holdOne();
        await new Promise((r) => setTimeout(r, 200));
        await tx.query('UPDATE dl SET n = n + 1 WHERE id = 2');
      },
      { retryConflicts: true },
    );
    const b = inTransaction(
      db,
      async (tx) => {
        attempts++;
        await oneHeld;
        await tx.query('UPDATE dl SET n = n + 1 WHERE id = 2');
        await tx.query('UPDATE dl SET n = n + 1 WHERE id = 1');
      },
      { retryConflicts: true },
    );
    await Promise.all([a, b]);
    const { rows } = await db.query('SELECT n FROM dl ORDER BY id');
    expect(rows.map((r) => r.n)).toEqual([2, 2]);
    expect(attempts).toBeGreaterThanOrEqual(1);
  });

  it('racing overlapping bookings on several resources: one 201 per slot, 409 for the rest, no 5xx', async () => {
    const create = async (path: string, body: unknown) => (await hub.api('POST', `/api/v1/${path}`, body)).body;
    const location = await create('locations', { name: 'Race', timeZone: 'Australia/Sydney' });
    const resources = await Promise.all(
      [0, 1, 2].map((i) => create('resources', { locationId: location.id, kind: 'room', name: `Room ${i}` })),
    );
    const patient = await create('patients', { firstName: 'Rae', lastName: 'Racer' });
    // Waves of requests a few milliseconds apart, so several multi-row statements are in flight at once.
    const requests: Promise<{ status: number }>[] = [];
    for (let wave = 0; wave < 6; wave++) {
      for (let i = 0; i < 12; i++) {
        const resource = resources[(i + wave) % 3];
        requests.push(
          hub.api('POST', '/api/v1/appointments', {
            resourceId: resource.id,
            patientId: patient.id,
            start: `2031-03-03T09:${String(i % 2 ? 0 : 15).padStart(2, '0')}:00+11:00`,
            end: '2031-03-03T09:45:00+11:00',
          }),
        );
      }
      await new Promise((r) => setTimeout(r, 3));
    }
    const statuses = (await Promise.all(requests)).map((r) => r.status);
    expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
  });
});
