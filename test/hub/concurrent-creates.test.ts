// Concurrent creates are coalesced into multi-row statements (src/db/records/create-batcher.ts):
// every caller still gets its own record, every record its own events, and one bad row in a
// batch fails alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.stop();
});

describe('concurrent creates', () => {
  it('give each caller its own record and event', async () => {
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        hub.api('POST', '/api/v1/patients', {
          firstName: `P${i}`,
          lastName: 'Many',
          ...(i % 2 ? { email: `p${i}@example.com` } : {}),
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(60).fill(201));
    results.forEach((r, i) =>
      expect(r.body).toMatchObject({ firstName: `P${i}`, email: i % 2 ? `p${i}@example.com` : null, version: 1 }),
    );
    const ids = results.map((r) => r.body.id);
    expect(new Set(ids).size).toBe(60);
    const { rows } = await hub.database.db.query(
      `SELECT entity_id, changed_fields FROM domain_events WHERE entity_id = ANY($1::uuid[]) AND action = 'created'`,
      [ids],
    );
    expect(rows).toHaveLength(60);
    const odd = rows.find((r) => r.entity_id === ids[1]);
    expect(odd.changed_fields).toEqual(['firstName', 'lastName', 'email']);
  });

  it('lets one of many racing bookings of a slot win; the others get 409 and write nothing', async () => {
    const create = async (path: string, body: unknown) => (await hub.api('POST', `/api/v1/${path}`, body)).body;
    const location = await create('locations', { name: 'Race', timeZone: 'Australia/Sydney' });
    const resource = await create('resources', { locationId: location.id, kind: 'room', name: 'Room R' });
    const patients = await Promise.all(
      Array.from({ length: 8 }, (_, i) => create('patients', { firstName: `R${i}`, lastName: 'Racer' })),
    );
    const results = await Promise.all(
      patients.map((p) =>
        hub.api('POST', '/api/v1/appointments', {
          resourceId: resource.id,
          patientId: p.id,
          start: '2031-03-03T09:00:00+11:00',
          end: '2031-03-03T09:30:00+11:00',
        }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(7);
    const { rows } = await hub.database.db.query(
      `SELECT count(*)::int AS n FROM domain_events WHERE entity_kind = 'appointment'`,
    );
    expect(rows[0].n).toBe(1);
  });
});
