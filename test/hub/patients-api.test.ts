import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.stop();
});

const ann = {
  firstName: 'Ann',
  lastName: 'Lee',
  preferredName: 'Annie',
  dob: '1980-02-29',
  sex: 'female',
  email: 'ann.lee@example.com',
  phones: [{ type: 'mobile', number: '0412 345 678' }],
  address: { line1: '1 George St', city: 'Sydney', state: 'NSW', postcode: '2000', country: 'AU' },
  medicare: { number: '2123456701', irn: '1', expiry: '2027-05' },
};

async function patientCount(): Promise<number> {
  const { rows } = await hub.database.db.query('SELECT count(*)::int AS n FROM patients');
  return rows[0].n;
}

describe('patients API', () => {
  it('creates, reads, lists, searches and updates a patient', async () => {
    const created = await hub.api('POST', '/api/v1/patients', ann);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      firstName: 'Ann',
      dob: '1980-02-29',
      version: 1,
      phones: [{ type: 'mobile', number: '+61412345678' }],
      links: [],
    });
    expect(created.headers.get('location')).toBe(`/api/v1/patients/${created.body.id}`);
    const id = created.body.id;

    const read = await hub.api('GET', `/api/v1/patients/${id}`);
    expect(read.status).toBe(200);
    expect(read.body.medicare).toEqual({ number: '2123456701', irn: '1', expiry: '2027-05' });
    expect(read.headers.get('etag')).toBe('"1"');

    await hub.api('POST', '/api/v1/patients', { firstName: 'Bob', lastName: 'Stone' });
    const list = await hub.api('GET', '/api/v1/patients?limit=1');
    expect(list.body.data).toHaveLength(1);
    const next = await hub.api('GET', `/api/v1/patients?limit=1&cursor=${list.body.nextCursor}`);
    expect(next.body.data[0].id).not.toBe(list.body.data[0].id);

    for (const term of ['lee', 'ANN', '1980-02-29', 'ann.lee@', '412345678']) {
      const found = await hub.api('GET', `/api/v1/patients?search=${encodeURIComponent(term)}`);
      expect(
        found.body.data.map((p: { id: string }) => p.id),
        term,
      ).toEqual([id]);
    }

    const updated = await hub.api('PATCH', `/api/v1/patients/${id}`, {
      lastName: 'Lee-Smith',
      version: 1,
      address: { city: 'Newtown' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      lastName: 'Lee-Smith',
      version: 2,
      address: { line1: '1 George St', city: 'Newtown' },
    });
  });

  it('refuses a stale version with 409 and changes nothing', async () => {
    const { body: p } = await hub.api('POST', '/api/v1/patients', { firstName: 'Cy', lastName: 'Old' });
    await hub.api('PATCH', `/api/v1/patients/${p.id}`, { lastName: 'New', version: 1 });
    const stale = await hub.api('PATCH', `/api/v1/patients/${p.id}`, { lastName: 'Stale', version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.details).toEqual([{ field: 'version', message: 'is 2 now' }]);
    const viaHeader = await hub.api('PATCH', `/api/v1/patients/${p.id}`, { lastName: 'Stale' }, { 'if-match': '"1"' });
    expect(viaHeader.status).toBe(409);
    expect((await hub.api('GET', `/api/v1/patients/${p.id}`)).body.lastName).toBe('New');
  });

  it('names every bad field and writes nothing', async () => {
    const before = await patientCount();
    const cases: [unknown, string[]][] = [
      [{ firstName: 'A', lastName: 'B', dob: '2023-02-30' }, ['dob']],
      [
        { firstName: 'A', lastName: 'B', email: 'not-an-email', phones: [{ type: 'mobile', number: '12' }] },
        ['email', 'phones.0.number'],
      ],
      [{ firstName: 42, lastName: 'B', shoeSize: 9 }, ['firstName', 'shoeSize']],
      [{ lastName: 'B', medicare: { number: '123' } }, ['firstName', 'medicare.number']],
      [{ firstName: 'A', lastName: 'B', practitionerId: '00000000-0000-4000-8000-000000000000' }, ['practitionerId']],
    ];
    for (const [body, fields] of cases) {
      const res = await hub.api('POST', '/api/v1/patients', body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(fields.sort());
    }
    const malformed = await hub.api('POST', '/api/v1/patients', '{"firstName": "A",');
    expect(malformed.status).toBe(400);
    expect(malformed.body.details[0].field).toBe('body');
    const huge = await hub.api('POST', '/api/v1/patients', { firstName: 'A', lastName: 'x'.repeat(2_000_000) });
    expect(huge.status).toBe(413);
    const badQuery = await hub.api('GET', '/api/v1/patients?limit=0&colour=red');
    expect(badQuery.status).toBe(422);
    expect(badQuery.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['colour', 'limit']);
    expect(await patientCount()).toBe(before);
  });

  it('hides other practices and refuses unknown tokens', async () => {
    const { body: p } = await hub.api('POST', '/api/v1/patients', { firstName: 'Di', lastName: 'Hidden' });
    const other = await hub.newPractice('Other');
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { lastName: 'X' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await hub.api(method, `/api/v1/patients/${p.id}`, body, {}, other.token);
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('Hidden');
    }
    expect((await hub.api('GET', '/api/v1/patients', undefined, {}, other.token)).body.data).toEqual([]);
    expect((await hub.api('GET', '/api/v1/patients', undefined, {}, 'tdm_nope')).status).toBe(401);
    expect((await fetch(`${hub.url}/api/v1/patients`)).status).toBe(401);
  });

  it('finds a patient by <system>:<remoteId> once a link exists', async () => {
    const { body: p } = await hub.api('POST', '/api/v1/patients', { firstName: 'Eve', lastName: 'Linked' });
    const {
      rows: [c],
    } = await hub.database.db.query(
      `INSERT INTO connections (practice_id, system, name, status) VALUES ($1, 'hint', 'Hint', 'active') RETURNING id`,
      [hub.practiceId],
    );
    await hub.database.db.query(
      `INSERT INTO links (practice_id, connection_id, entity_kind, local_id, remote_id, status) VALUES ($1, $2, 'patient', $3, 'pat-ab12C345DeF6', 'synced')`,
      [hub.practiceId, c.id, p.id],
    );
    const res = await hub.api('GET', '/api/v1/patients/hint:pat-ab12C345DeF6');
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(p.id);
    expect(res.body.links).toEqual([
      expect.objectContaining({ system: 'hint', remoteId: 'pat-ab12C345DeF6', status: 'synced' }),
    ]);
    expect((await hub.api('GET', '/api/v1/patients/hint:pat-unknown00000')).status).toBe(404);
  });

  it('writes a domain event and an audit event with every change, without values', async () => {
    const { body: p } = await hub.api('POST', '/api/v1/patients', {
      firstName: 'Fay',
      lastName: 'Audit',
      email: 'fay@example.com',
    });
    await hub.api('PATCH', `/api/v1/patients/${p.id}`, { email: 'fay2@example.com' });
    await hub.api('DELETE', `/api/v1/patients/${p.id}`);
    const { rows: events } = await hub.database.db.query(
      'SELECT action, version, origin, changed_fields FROM domain_events WHERE entity_id = $1 ORDER BY id',
      [p.id],
    );
    expect(events).toEqual([
      { action: 'created', version: 1, origin: 'api', changed_fields: ['firstName', 'lastName', 'email'] },
      { action: 'updated', version: 2, origin: 'api', changed_fields: ['email'] },
      { action: 'deleted', version: 3, origin: 'api', changed_fields: [] },
    ]);
    const { rows: audit } = await hub.database.db.query('SELECT * FROM audit_events WHERE entity_id = $1', [p.id]);
    expect(audit).toHaveLength(3);
    expect(JSON.stringify(audit)).not.toContain('fay');
    expect((await hub.api('GET', `/api/v1/patients/${p.id}`)).status).toBe(404);
    // A deleted record is not written again, with or without a version to check.
    expect((await hub.api('PATCH', `/api/v1/patients/${p.id}`, { lastName: 'Back' })).status).toBe(404);
    expect((await hub.api('PATCH', `/api/v1/patients/${p.id}`, { lastName: 'Back', version: 3 })).status).toBe(404);
    const { rows: after } = await hub.database.db.query(
      'SELECT count(*)::int AS n FROM domain_events WHERE entity_id = $1',
      [p.id],
    );
    expect(after[0].n).toBe(3);
  });
});
