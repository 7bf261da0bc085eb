// Go-live scenarios 09, 14 and 23 (digest §16) on the batch Hint patients → contacts: SOQL
// paging and the collections budget at 450 patients, a partial failure inside one 200-record
// collections call, and the daily API limit hit mid-batch.
// Hint-linked patients are seeded with SQL on a stand-in Hint connection, as in
// batch-csv-chunks.test.ts: 450 patients through the Hint emulator and the Hint connector's
// import would take minutes on a loaded 2-core machine and test Hint, not this batch. Each test
// drops the previous test's Hint links first, so a batch sees only its own patients.
// Emulator requests are counted with latency-0 faults (a fault's `hits`), path- and method-scoped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queues } from '../../src/connectors/salesforce/queues.ts';
import { enqueue } from '../../src/jobs/queue.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { salesforceJobs, salesforceSettled, startSfWorld, waitFor, type SfWorld } from './support.ts';

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

/** n Hint-linked patients `${first}${i}` `${last}`; their ids by i (only these are Hint-linked now). */
async function seedPatients(first: string, last: string, n: number) {
  await hub.database.db.query('DELETE FROM links WHERE connection_id = $1', [hintConnectionId]);
  const { rows } = await hub.database.db.query(
    `WITH p AS (
       INSERT INTO patients (practice_id, first_name, last_name, dob, email)
       SELECT $1, $2 || i, $3, date '1950-01-01' + i, 'p' || i || '@patients.example.com'
       FROM generate_series(0, $4 - 1) AS i RETURNING id, first_name),
     l AS (INSERT INTO links (practice_id, connection_id, entity_kind, local_id, remote_id, status)
       SELECT $1, $5, 'patient', id, 'pat-' || substr(md5(id::text), 1, 12), 'synced' FROM p)
     SELECT id, substr(first_name, length($2) + 1)::int AS i FROM p`,
    [hub.practiceId, first, last, n, hintConnectionId],
  );
  return new Map(rows.map((r) => [r.i as number, r.id as string]));
}

/** n contacts matching those patients exactly (no e-mail: the patient's fills it); ids by i. */
async function contacts(first: string, last: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i += 200) {
    const records = Array.from({ length: Math.min(200, n - i) }, (_, k) => ({
      attributes: { type: 'Contact' },
      FirstName: `${first}${i + k}`,
      LastName: last,
      Birthdate: dob(i + k),
    }));
    const res = await w.sf('POST', '/composite/sobjects', { allOrNone: true, records });
    expect(res.status).toBe(200);
    out.push(...res.body.map((r: any) => r.id));
  }
  return out;
}

const startPatientsBatch = async () => {
  const res = await hub.api('POST', `/api/v1/salesforce/connections/${connectionId}/batches/patients-to-contacts`);
  expect(res.status).toBe(202);
  return res.body.id as string;
};
const finished = (batchId: string, timeout = 60_000) =>
  waitFor(
    async () => {
      const b = (await hub.api('GET', `/api/v1/batches/${batchId}`)).body;
      return b.status === 'completed' ? b : undefined;
    },
    'the batch completed',
    timeout,
  );
const items = async (batchId: string) =>
  (
    await hub.database.db.query(
      'SELECT local_id, remote_id, action, message FROM batch_items WHERE batch_id = $1 ORDER BY created_at',
      [batchId],
    )
  ).rows;
/** A latency-0 fault counts the matching requests (its hits) without changing them. */
const counter = async (path: string, method: string) =>
  (await w.harness('POST', '/faults', { latencyMs: 0, path, method })).body.id as number;
const hitsOf = async (id: number) =>
  ((await w.harness('GET', '/faults')).body as { id: number; hits: number }[]).find((f) => f.id === id)?.hits ?? 0;
const contactUpdates = async (ids: string[]) => {
  const wanted = new Set(ids);
  const events = (await w.harness('GET', '/events?channel=/data/ContactChangeEvent')).body as any[];
  const n = new Map<string, number>();
  for (const e of events) {
    const header = e.payload?.ChangeEventHeader ?? e.data?.payload?.ChangeEventHeader;
    if (header?.changeType !== 'UPDATE') continue;
    for (const id of header.recordIds as string[]) if (wanted.has(id)) n.set(id, (n.get(id) ?? 0) + 1);
  }
  return n;
};

/** What the overview says of the connection, and the connection's pause lines in its log. */
async function pauseShown() {
  const overview = await hub.api('GET', '/api/v1/overview');
  const card = overview.body.connections.find((c: any) => c.id === connectionId);
  const { rows } = await hub.database.db.query(
    `SELECT count(*)::int AS n FROM log_entries WHERE connection_id = $1 AND message LIKE 'Paused at the org''s daily API allowance%'`,
    [connectionId],
  );
  return { problems: (card.health.problems as string[]).join(' '), logLines: rows[0].n as number };
}

describe('batch Hint patients → contacts: go-live scenarios', () => {
  it('sf scenario 09: 450 patients — SOQL paged through nextRecordsUrl, written in 3 collections calls, within a counted API budget', async () => {
    const patientOf = await seedPatients('Page', 'Nine', 450);
    const ids = await contacts('Page', 'Nine', 450);
    // Pages of 50 (the org's query page size), so each page's 200-patient lookup follows nextRecordsUrl.
    await w.harness('PATCH', '/config', { queryPageSize: 50 });
    await w.harness('DELETE', '/faults');
    const more = await counter('/query/', 'GET');
    const firstPages = await counter('/query?', 'GET');
    const writes = await counter('/composite/sobjects', 'PATCH');
    const before = (await w.harness('GET', '/limits')).body.used as number;
    try {
      const batchId = await startPatientsBatch();
      const done = await finished(batchId);
      expect(done.counts).toEqual({ linked: 450 });
      expect(done.processed).toBe(450);
      // 3 pages of patients (200, 200, 50): 3 queries, each 200-contact answer in 4 pages of 50
      // (3 queryMore calls twice, none for the 50), and one collections update per page.
      expect(await hitsOf(firstPages)).toBe(3);
      expect(await hitsOf(more)).toBe(6);
      expect(await hitsOf(writes)).toBe(3);
      // Every call above is in the org's count, which each answer's Sforce-Limit-Info reports
      // (at least these 12: Tandem's capture also reads the contacts this test created, which
      // are not Tandem's own changes). That Tandem reads the header and acts on it is scenario 23.
      const used = (await w.harness('GET', '/limits')).body.used as number;
      expect(used - before).toBeGreaterThanOrEqual(12);
      const rows = await items(batchId);
      expect(new Set(rows.map((r) => r.local_id)).size).toBe(450);
      const last = (await w.sf('GET', `/sobjects/Contact/${ids[449]}?fields=Email,Synced_to_Hint__c`)).body;
      expect(last).toMatchObject({ Email: 'p449@patients.example.com', Synced_to_Hint__c: true });
      const { rows: links } = await hub.database.db.query(
        'SELECT count(*)::int AS n FROM links WHERE connection_id = $1 AND local_id = ANY($2::uuid[])',
        [connectionId, [...patientOf.values()]],
      );
      expect(links[0].n).toBe(450);
    } finally {
      await w.harness('PATCH', '/config', { queryPageSize: 2000 });
      await w.harness('DELETE', '/faults');
    }
  }, 120_000);

  it('sf scenario 14: one bad Email and one too-long value in a 200-record collections call — 198 linked, 2 reported and logged at Error with their fields, nothing retried', async () => {
    // LastName cannot be the too-long value on this path: the batch matches contacts exactly on
    // LastName, and a contact's LastName holds at most 80 characters, so a matched patient's
    // does too. The too-long value is the middle name (Hint_Middle_Name__c, Text(40)) instead;
    // both codes come from the emulator's own field validation, not from fault injection.
    const patientOf = await seedPatients('Part', 'Fourteen', 200);
    const badEmail = 'not-an-email@';
    const longMiddle = 'M'.repeat(60);
    await hub.database.db.query('UPDATE patients SET email = $2 WHERE id = $1', [patientOf.get(7), badEmail]);
    await hub.database.db.query('UPDATE patients SET middle_name = $2 WHERE id = $1', [patientOf.get(11), longMiddle]);
    // The new contacts' change events may be taken in before, during or after the batch links
    // them: an apply job after it must not read a refused write as the contact's own values.
    const ids = await contacts('Part', 'Fourteen', 200);
    await w.harness('DELETE', '/faults');
    const writes = await counter('/composite/sobjects', 'PATCH');
    try {
      const batchId = await startPatientsBatch();
      const done = await finished(batchId);
      expect(done.counts).toEqual({ linked: 198, error: 2 });
      // One allOrNone:false call for the 200: the two refusals neither roll back the others nor are retried.
      expect(await hitsOf(writes)).toBe(1);
      const byPatient = new Map((await items(batchId)).map((r) => [r.local_id, r]));
      expect(byPatient.get(patientOf.get(7))).toMatchObject({ action: 'error', remote_id: ids[7] });
      expect(byPatient.get(patientOf.get(7)).message).toMatch(/INVALID_EMAIL_ADDRESS/);
      expect(byPatient.get(patientOf.get(11))).toMatchObject({ action: 'error', remote_id: ids[11] });
      expect(byPatient.get(patientOf.get(11)).message).toMatch(/STRING_TOO_LONG/);
      const good = (await w.sf('GET', `/sobjects/Contact/${ids[8]}?fields=Email,Synced_to_Hint__c`)).body;
      expect(good).toMatchObject({ Email: 'p8@patients.example.com', Synced_to_Hint__c: true });
      const refused = (await w.sf('GET', `/sobjects/Contact/${ids[7]}?fields=Email,Synced_to_Hint__c`)).body;
      expect(refused).toMatchObject({ Email: null, Synced_to_Hint__c: false });
      // Logged at Error with the code and the field's API name, never the refused value (PHI).
      const { rows: logs } = await hub.database.db.query(
        `SELECT message FROM log_entries WHERE connection_id = $1 AND level = 'error' AND created_at >= $2`,
        [connectionId, done.startedAt ?? done.createdAt],
      );
      const all = logs.map((l) => String(l.message));
      const emailLog = all.find((m) => m.includes(ids[7]!));
      const longLog = all.find((m) => m.includes(ids[11]!));
      expect(emailLog).toMatch(/INVALID_EMAIL_ADDRESS.*\bEmail\b/);
      expect(longLog).toMatch(/STRING_TOO_LONG.*Hint_Middle_Name__c/);
      expect(all.join('\n')).not.toContain(badEmail);
      expect(all.join('\n')).not.toContain(longMiddle.slice(0, 40));
      expect(all.filter((m) => /refused/.test(m)).length).toBe(2);
      // The links show Salesforce's message; no job is left to retry them.
      const { rows: links } = await hub.database.db.query(
        `SELECT local_id, status, error_message FROM links WHERE connection_id = $1 AND status = 'errored'
           AND local_id = ANY($2::uuid[])`,
        [connectionId, [...patientOf.values()]],
      );
      expect(links.map((l) => l.local_id).sort()).toEqual([patientOf.get(7), patientOf.get(11)].sort());
      const { rows: jobs } = await hub.database.db.query(
        `SELECT count(*)::int AS n FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t
           ON t.id = j.task_id WHERE t.identifier LIKE 'salesforce:%'
           AND (j.payload->>'batchId' = $1 OR j.payload->>'patientId' = ANY($2::text[]))`,
        [batchId, [patientOf.get(7), patientOf.get(11)]],
      );
      expect(jobs[0].n).toBe(0);

      // A later change of the refused contact in Salesforce (another field) is taken in; the
      // patient keeps the e-mail Salesforce refused, and the link keeps Salesforce's refusal,
      // because the patient still holds a value the contact has not taken.
      await salesforceSettled(hub.database.db, 'the new contacts taken in');
      expect((await w.sf('PATCH', `/sobjects/Contact/${ids[7]}`, { MailingCity: 'Fremantle' })).status).toBe(204);
      const patient7 = await waitFor(async () => {
        const { rows } = await hub.database.db.query('SELECT email, city FROM patients WHERE id = $1', [
          patientOf.get(7),
        ]);
        return rows[0].city === 'Fremantle' ? rows[0] : undefined;
      }, 'the contact change taken in');
      expect(patient7.email).toBe(badEmail);
      const { rows: after } = await hub.database.db.query(
        'SELECT status, error_message FROM links WHERE connection_id = $1 AND local_id = $2',
        [connectionId, patientOf.get(7)],
      );
      expect(after[0]).toMatchObject({ status: 'errored' });
      expect(after[0].error_message).toMatch(/INVALID_EMAIL_ADDRESS/);
      const { rows: middle } = await hub.database.db.query('SELECT middle_name FROM patients WHERE id = $1', [
        patientOf.get(11),
      ]);
      expect(middle[0].middle_name).toBe(longMiddle);
    } finally {
      await w.harness('DELETE', '/faults');
    }
  }, 120_000);

  /** The batch's job, once it is rescheduled at least `minMs` ahead: its queue. */
  const rescheduled = (batchId: string, minMs: number) =>
    waitFor(async () => {
      const { rows } = await hub.database.db.query(
        `SELECT q.queue_name FROM graphile_worker._private_jobs j
           JOIN graphile_worker._private_tasks t ON t.id = j.task_id
           LEFT JOIN graphile_worker._private_job_queues q ON q.id = j.job_queue_id
          WHERE t.identifier = 'salesforce:batch' AND j.payload->>'batchId' = $1
            AND j.run_at > now() + make_interval(secs => $2) AND j.locked_at IS NULL`,
        [batchId, minMs / 1000],
      );
      return rows[0];
    }, 'the batch rescheduled');
  /** An admin's "Try now": the pause ends and the postponed work runs instead of in 15–30 minutes. */
  const tryNow = async () => {
    const resumed = await hub.api('POST', `/api/v1/salesforce/connections/${connectionId}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.jobs).toBeGreaterThanOrEqual(1);
    expect(resumed.body.connection.apiAllowancePause).toBeNull();
  };

  it('sf scenario 23: 403 REQUEST_LIMIT_EXCEEDED on the second chunk pauses the batch; it resumes after the wait, writing each contact once', async () => {
    const patientOf = await seedPatients('Limit', 'TwentyThree', 450);
    const ids = await contacts('Limit', 'TwentyThree', 450);
    await w.harness('DELETE', '/faults');
    // The first collections write passes, the second is refused with the daily limit, the rest are counted.
    await w.harness('POST', '/faults', { latencyMs: 0, count: 1, path: '/composite/sobjects', method: 'PATCH' });
    await w.harness('POST', '/faults', {
      status: 403,
      errorCode: 'REQUEST_LIMIT_EXCEEDED',
      count: 1,
      path: '/composite/sobjects',
      method: 'PATCH',
    });
    const after = await counter('/composite/sobjects', 'PATCH');
    try {
      const batchId = await startPatientsBatch();
      const job = await rescheduled(batchId, 25 * 60_000); // REQUEST_LIMIT_EXCEEDED waits 30 minutes
      const paused = (await hub.api('GET', `/api/v1/batches/${batchId}`)).body;
      // The pause is said, once, where staff look: the overview and the connection's log.
      const shown = await pauseShown();
      expect(shown.problems).toMatch(/Paused at the org's daily API allowance/);
      expect(shown.logLines).toBe(1);
      expect(paused.status).toBe('running');
      expect(paused.processed).toBe(200);
      expect(job.queue_name).toBe(queues.batch(connectionId));
      expect((await items(batchId)).length).toBe(200);
      const view = (await hub.api('GET', `/api/v1/salesforce/connections/${connectionId}`)).body;
      expect(view.apiAllowancePause).toMatchObject({ code: 'REQUEST_LIMIT_EXCEEDED' });
      await tryNow();
      const done = await finished(batchId);
      expect(done.counts).toEqual({ linked: 450 });
      expect(done.processed).toBe(450);
      const rows = await items(batchId);
      expect(rows.length).toBe(450);
      expect(new Set(rows.map((r) => r.local_id))).toEqual(new Set(patientOf.values()));
      // The refused chunk written once after the wait, the last one once: no chunk written twice.
      expect(await hitsOf(after)).toBe(2);
      const updates = await waitFor(async () => {
        const n = await contactUpdates(ids);
        return n.size === 450 ? n : undefined;
      }, 'every contact updated');
      expect([...updates.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await w.harness('DELETE', '/faults');
    }
  }, 120_000);

  it('sf scenario 23, jobs of one call each: the first answer at 98 % pauses the connection, the rest wait without a call', async () => {
    const patientOf = await seedPatients('Reserve', 'Single', 40);
    const ids = await contacts('Reserve', 'Single', 40);
    // Linked (only a linked contact's change is read from Salesforce).
    await hub.database.db.query(
      `INSERT INTO links (practice_id, connection_id, entity_kind, local_id, remote_id, status)
       SELECT $1, $2, 'patient', p, c, 'synced' FROM unnest($3::uuid[], $4::text[]) AS x(p, c)`,
      [hub.practiceId, connectionId, ids.map((_, i) => patientOf.get(i)), ids],
    );
    // (Jobs that used up their attempts in earlier tests stay in the table: they are not waited for.)
    const { db } = hub.database;
    await waitFor(async () => (await salesforceJobs(db, 'run_at <= now()')) === 0, 'the new contacts taken in', 60_000);
    await w.harness('DELETE', '/faults');
    // Not paused by an earlier scenario's work (200), or not paused at all (409).
    expect([200, 409]).toContain(
      (await hub.api('POST', `/api/v1/salesforce/connections/${connectionId}/resume`)).status,
    );
    await w.harness('POST', '/limits', { used: 14_699, max: 15_000 });
    try {
      // Each job reads one contact: a client that stopped only before its own next call would let
      // every one of them spend a call of the reserve (40 here; on the old code, up to the org's refusal).
      for (const contactId of ids)
        await enqueue(
          hub.database.db,
          'salesforce:apply-contact',
          { practiceId: hub.practiceId, connectionId, contactId, deleted: false },
          { queue: queues.record(connectionId, contactId) },
        );
      await waitFor(
        async () => (await salesforceJobs(db, 'run_at <= now() OR locked_at IS NOT NULL')) === 0,
        'every job done or postponed',
        60_000,
      );
      const spent = ((await w.harness('GET', '/limits')).body.used as number) - 14_699;
      // The first answer, and at most the jobs already under way beside it (5 at a time).
      expect(spent).toBeGreaterThanOrEqual(1);
      expect(spent).toBeLessThanOrEqual(6);
      expect((await pauseShown()).problems).toMatch(/Paused at the org's daily API allowance/);
      await w.harness('POST', '/limits', { used: 0 });
      await tryNow();
      await salesforceSettled(db, 'the postponed jobs run after Try now', 60_000);
    } finally {
      await w.harness('POST', '/limits', { used: 0, max: 15_000 });
    }
  }, 120_000);

  it('sf scenario 23, before the org refuses: Tandem reads Sforce-Limit-Info, stops at 98 % of the allowance and resumes when it frees up', async () => {
    const patientOf = await seedPatients('Usage', 'Allowance', 250);
    const ids = await contacts('Usage', 'Allowance', 250);
    await w.harness('DELETE', '/faults');
    // The first page's lookup answers api-usage=14700/15000 (98 %): the second page's is not sent.
    await w.harness('POST', '/limits', { used: 14_699, max: 15_000 });
    try {
      const batchId = await startPatientsBatch();
      await rescheduled(batchId, 10 * 60_000); // API_ALLOWANCE_RESERVED waits 15 minutes
      const paused = (await hub.api('GET', `/api/v1/batches/${batchId}`)).body;
      // The pause is said, once, where staff look: the overview and the connection's log.
      const shown = await pauseShown();
      expect(shown.problems).toMatch(/Paused at the org's daily API allowance/);
      // One line per pause: the first scenario's pause (30 minutes) may still stand.
      expect(shown.logLines).toBeGreaterThanOrEqual(1);
      // The batch met the 98 % itself after its first chunk, or — when the previous test's capture
      // work reached it first — was held by the connection's pause before its first call.
      expect([200, 0]).toContain(paused.processed);
      expect(paused.status).toBe(paused.processed ? 'running' : 'queued');
      // Salesforce never had to refuse a call. (Read once the jobs that were under way when the
      // pause began have ended: the pause holds the ones that start after it.)
      await waitFor(
        async () => (await salesforceJobs(hub.database.db, 'locked_at IS NOT NULL')) === 0,
        'no Salesforce job under way',
      );
      const used = (await w.harness('GET', '/limits')).body.used as number;
      expect(used).toBeLessThan(15_000);
      // While paused, the connection's other work waits without a call to learn the usage again.
      await enqueue(hub.database.db, 'salesforce:reconcile', { practiceId: hub.practiceId, connectionId });
      await waitFor(async () => {
        const { rows } = await hub.database.db.query(
          `SELECT 1 FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
            WHERE t.identifier = 'salesforce:reconcile' AND j.payload->>'connectionId' = $1
              AND j.run_at > now() + interval '10 minutes'`,
          [connectionId],
        );
        return rows[0];
      }, 'the reconciliation postponed to the end of the pause');
      expect((await w.harness('GET', '/limits')).body.used).toBe(used);
      await w.harness('POST', '/limits', { used: 0 });
      await tryNow();
      const done = await finished(batchId);
      expect(done.counts).toEqual({ linked: 250 });
      expect(new Set((await items(batchId)).map((r) => r.local_id))).toEqual(new Set(patientOf.values()));
      const updates = await waitFor(async () => {
        const n = await contactUpdates(ids);
        return n.size === 250 ? n : undefined;
      }, 'every contact updated');
      expect([...updates.values()].every((n) => n === 1)).toBe(true);
      // Not paused any more: nothing to resume.
      const again = await hub.api('POST', `/api/v1/salesforce/connections/${connectionId}/resume`);
      expect(again.status).toBe(409);
      expect(again.body.errors?.[0]?.field ?? JSON.stringify(again.body)).toMatch(/id/);
    } finally {
      await w.harness('POST', '/limits', { used: 0, max: 15_000 });
    }
  }, 120_000);
});
