// The CSV batch at scale (issue 16, "How it will be checked"): 500 contact ids with 20 already
// linked and 10 with two demographic matches report exactly those skips; an abort mid-batch
// leaves every contact either fully done or untouched; a run resumed after a crash between
// its Salesforce write and its hub transaction neither counts nor links anything twice.
// Patients and their Hint links are seeded with SQL on a stand-in Hint connection (hundreds of
// Hint round trips would test Hint, not the batch).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../../src/jobs/queue.ts';
import { queues } from '../../src/connectors/salesforce/queues.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { startSfWorld, waitFor, type SfWorld } from './support.ts';

let hub: TestHub;
let w: SfWorld;
let connectionId: string;
let hintConnectionId: string;

beforeAll(async () => {
  hub = await startTestHub();
  w = await startSfWorld({ hub });
  connectionId = await w.connectJwt();
  const { rows } = await hub.database.db.query(
    `INSERT INTO connections (practice_id, system, name, status) VALUES ($1, 'hint', 'Hint (stand-in)', 'disabled') RETURNING id`,
    [hub.practiceId],
  );
  hintConnectionId = rows[0].id;
}, 60_000);
afterAll(async () => {
  await w?.stop();
  await hub?.stop();
});

const dob = (i: number) => new Date(Date.UTC(1950, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);

/** Hint-linked patients `${first}${i}` `${last}`, one per i (two where `twice` says so); their ids by i. */
async function seedPatients(first: string, last: string, n: number, twice: (i: number) => boolean = () => false) {
  const { rows } = await hub.database.db.query(
    `WITH p AS (
       INSERT INTO patients (practice_id, first_name, last_name, dob, email, phones)
       SELECT $1, $2 || i, $3, date '1950-01-01' + i, 'p' || i || '@patients.example.com',
              jsonb_build_array(jsonb_build_object('type', 'mobile', 'number', '+61400' || lpad(i::text, 6, '0')))
       FROM generate_series(0, $4 - 1) AS i, LATERAL generate_series(1, CASE WHEN i = ANY($6::int[]) THEN 2 ELSE 1 END)
       RETURNING id, first_name),
     l AS (INSERT INTO links (practice_id, connection_id, entity_kind, local_id, remote_id, status)
       SELECT $1, $5, 'patient', id, 'pat-' || substr(md5(id::text), 1, 12), 'synced' FROM p)
     SELECT id, substr(first_name, length($2) + 1)::int AS i FROM p`,
    [hub.practiceId, first, last, n, hintConnectionId, Array.from({ length: n }, (_, i) => i).filter(twice)],
  );
  return new Map(rows.map((r) => [r.i as number, r.id as string]));
}

async function contacts(
  first: string,
  last: string,
  n: number,
  extra: (i: number) => Record<string, unknown> = () => ({}),
) {
  const out: string[] = [];
  for (let i = 0; i < n; i += 200) {
    const records = Array.from({ length: Math.min(200, n - i) }, (_, k) => ({
      attributes: { type: 'Contact' },
      FirstName: `${first}${i + k}`,
      LastName: last,
      Birthdate: dob(i + k),
      Email: `c${i + k}@contacts.example.com`,
      ...extra(i + k),
    }));
    const res = await w.sf('POST', '/composite/sobjects', { allOrNone: true, records });
    expect(res.status).toBe(200);
    out.push(...res.body.map((r: any) => r.id));
  }
  return out;
}

const startCsv = async (ids: string[]) => {
  const res = await hub.api('POST', `/api/v1/salesforce/connections/${connectionId}/batches/contacts-csv`, {
    csv: ['Contact ID', ...ids].join('\n'),
  });
  expect(res.status).toBe(202);
  return res.body.id as string;
};
const finished = (batchId: string, status = 'completed') =>
  waitFor(
    async () => {
      const b = (await hub.api('GET', `/api/v1/batches/${batchId}`)).body;
      return b.status === status ? b : undefined;
    },
    `the batch ${status}`,
    60_000,
  );
const items = async (batchId: string) =>
  (await hub.database.db.query('SELECT remote_id, local_id, action FROM batch_items WHERE batch_id = $1', [batchId]))
    .rows;
const contactsById = async (ids: string[]) => {
  const out = new Map<string, any>();
  for (let i = 0; i < ids.length; i += 200) {
    const res = await w.sf('POST', '/composite/sobjects/Contact', {
      ids: ids.slice(i, i + 200),
      fields: ['Id', 'Email', 'MobilePhone', 'Synced_to_Hint__c', 'Last_Batch_Sync_Id__c', 'Last_Batch_Sync_Result__c'],
    });
    for (const c of res.body) out.set(c.Id, c);
  }
  return out;
};
const sfLinks = async () =>
  new Map(
    (
      await hub.database.db.query('SELECT remote_id, local_id FROM links WHERE connection_id = $1', [connectionId])
    ).rows.map((r) => [r.remote_id as string, r.local_id as string]),
  );

describe('the CSV batch in chunks', () => {
  it('500 contacts: exactly the 20 already linked and the 10 with two matches are skipped and reported', async () => {
    // 0–399 one match each; 400–409 two; 410–429 already linked (410–419 in Tandem, 420–429 Synced
    // to Hint in Salesforce only); 430–499 no patient at all.
    const patientOf = await seedPatients('Scale', 'Csv', 430, (i) => i >= 400 && i < 410);
    const ids = await contacts('Scale', 'Csv', 500, (i) => ({
      ...(i >= 420 && i < 430 ? { Synced_to_Hint__c: true } : {}),
      ...(i < 400 ? { MobilePhone: null } : {}),
    }));
    await hub.database.db.query(
      `INSERT INTO links (practice_id, connection_id, entity_kind, local_id, remote_id, status)
       SELECT $1, $2, 'patient', x.local_id, x.remote_id, 'synced' FROM unnest($3::uuid[], $4::text[]) AS x(local_id, remote_id)`,
      [hub.practiceId, connectionId, Array.from({ length: 10 }, (_, k) => patientOf.get(410 + k)), ids.slice(410, 420)],
    );
    const batchId = await startCsv(ids);
    const done = await finished(batchId);
    expect(done.counts).toEqual({
      linked: 400,
      'skipped-already-linked': 20,
      'skipped-multiple-matches': 10,
      'no-match': 70,
    });
    expect(done.processed).toBe(500);
    const byContact = new Map((await items(batchId)).map((r) => [r.remote_id, r.action]));
    expect(byContact.size).toBe(500);
    const skipped = (action: string) => ids.filter((id) => byContact.get(id) === action);
    expect(skipped('skipped-already-linked')).toEqual(ids.slice(410, 430));
    expect(skipped('skipped-multiple-matches')).toEqual(ids.slice(400, 410));
    // The contact's values overwrite the patient's; the contact's blanks are filled from the patient.
    const { rows: linkedPatients } = await hub.database.db.query(
      'SELECT id, email FROM patients WHERE id = ANY($1::uuid[])',
      [[patientOf.get(0), patientOf.get(399)]],
    );
    expect(new Set(linkedPatients.map((p) => p.email))).toEqual(
      new Set(['c0@contacts.example.com', 'c399@contacts.example.com']),
    );
    const after = await contactsById(ids);
    expect([...after.values()].every((c) => c.Last_Batch_Sync_Id__c === batchId)).toBe(true);
    expect(after.get(ids[0]!)).toMatchObject({ MobilePhone: '+61400000000', Synced_to_Hint__c: true });
    expect(after.get(ids[405]!)).toMatchObject({ Last_Batch_Sync_Result__c: 'Skipped-Multiple-Matches' });
    // Each linked patient's change is in the outbox (the hub tells Hint) with its audit row.
    const { rows: events } = await hub.database.db.query(
      `SELECT count(*)::int AS n FROM domain_events WHERE entity_id = ANY($1::uuid[]) AND action = 'updated'
         AND origin = $2 AND 'email' = ANY(changed_fields)`,
      [Array.from({ length: 400 }, (_, i) => patientOf.get(i)), `connection:${connectionId}`],
    );
    expect(events[0].n).toBe(400);
  }, 180_000);

  it('an abort mid-batch leaves each contact either fully linked or untouched, and reports the rest', async () => {
    const patientOf = await seedPatients('Abort', 'Chunk', 600);
    const ids = await contacts('Abort', 'Chunk', 600);
    // Slow Salesforce's writes so the abort lands while the first chunk runs.
    const slow = await w.harness('POST', '/faults', { latencyMs: 1000, path: '/composite/sobjects', method: 'PATCH' });
    expect(slow.status).toBeLessThan(300);
    const batchId = await startCsv(ids);
    await waitFor(
      async () => (await hub.api('GET', `/api/v1/batches/${batchId}`)).body.status === 'running',
      'running',
    );
    await hub.api('POST', `/api/v1/batches/${batchId}/abort`);
    const done = await finished(batchId, 'aborted');
    await w.harness('DELETE', '/faults');
    expect(done.processed % 200).toBe(0);
    expect(done.processed).toBeLessThan(600);
    expect(done.counts).toEqual({ linked: done.processed, 'not-processed': 600 - done.processed });
    const action = new Map((await items(batchId)).map((r) => [r.remote_id, r.action]));
    const links = await sfLinks();
    const after = await contactsById(ids);
    const { rows } = await hub.database.db.query('SELECT id, email FROM patients WHERE id = ANY($1::uuid[])', [
      [...patientOf.values()],
    ]);
    const emailOf = new Map(rows.map((r) => [r.id, r.email]));
    ids.forEach((id, i) => {
      const c = after.get(id);
      const patientId = patientOf.get(i)!;
      if (action.get(id) === 'linked') {
        expect(links.get(id)).toBe(patientId);
        expect(c).toMatchObject({ Synced_to_Hint__c: true, Last_Batch_Sync_Id__c: batchId });
        expect(emailOf.get(patientId)).toBe(`c${i}@contacts.example.com`);
      } else {
        expect(action.get(id)).toBe('not-processed');
        expect(links.has(id)).toBe(false);
        expect(c.Last_Batch_Sync_Id__c ?? null).toBeNull();
        expect(emailOf.get(patientId)).toBe(`p${i}@patients.example.com`);
      }
    });
  }, 180_000);

  it('a run resumed after a crash between its Salesforce write and its hub transaction counts and links nothing twice', async () => {
    const patientOf = await seedPatients('Resume', 'Chunk', 400);
    const ids = await contacts('Resume', 'Chunk', 400);
    const batchId = await startCsv(ids);
    await finished(batchId);
    // Undo the second chunk's hub transaction (its links, items and progress), as if the worker
    // had died after stamping those contacts in Salesforce: then run the job again.
    const second = ids.slice(200);
    await hub.database.db.query('DELETE FROM links WHERE connection_id = $1 AND remote_id = ANY($2::text[])', [
      connectionId,
      second,
    ]);
    await hub.database.db.query('DELETE FROM batch_items WHERE batch_id = $1 AND remote_id = ANY($2::text[])', [
      batchId,
      second,
    ]);
    await hub.database.db.query(
      `UPDATE batches SET status = 'running', finished_at = NULL, processed = 200, counts = '{"linked": 200}' WHERE id = $1`,
      [batchId],
    );
    await enqueue(
      hub.database.db,
      'salesforce:batch',
      { practiceId: hub.practiceId, connectionId, batchId },
      { queue: queues.batch(connectionId) },
    );
    const done = await finished(batchId);
    expect(done.counts).toEqual({ linked: 400 });
    expect(done.processed).toBe(400);
    expect(done.total).toBe(400);
    const rows = await items(batchId);
    expect(rows.length).toBe(400);
    expect(new Set(rows.map((r) => r.remote_id)).size).toBe(400);
    const links = await sfLinks();
    ids.forEach((id, i) => expect(links.get(id)).toBe(patientOf.get(i)));
  }, 180_000);
});
