// Go-live scenarios 16, 21, 22, 24 and 25 (digest §16) end to end: Hint emulator → Tandem →
// Salesforce emulator over real HTTP, with automatic contact creation on. 16: a duplicate rule
// that blocks the new contact is "several matches" (logged, not retried); an alert-only one is
// saved with the rule's header. 21: Hint-owned fields read-only for people, written by Tandem.
// 22: row locks retried with backoff; a lock that never clears shows on the link and logs an
// Exception. 24: the contact page's live search (reserved characters). 25: the log mirror's
// levels, its Exception details and one collections call per 200 rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { loadConnection, type SalesforceDeps } from '../../src/connectors/salesforce/connection.ts';
import { flushMirror, sfLog } from '../../src/connectors/salesforce/log.ts';
import { loadOrCreateSecretKey, SecretBox } from '../../src/security/secrets.ts';
import { startHintWorld, tandemPatientOf, type HintWorld } from '../hint/support.ts';
import { salesforceSettled, startSfWorld, waitFor, type SfWorld } from './support.ts';

let hint: HintWorld;
let w: SfWorld;
let connectionId: string;

beforeAll(async () => {
  hint = await startHintWorld();
  await hint.connect();
  w = await startSfWorld({ hub: hint.hub });
  const account = await w.sf(
    'GET',
    `/query?q=${encodeURIComponent("SELECT Id FROM Account WHERE Name = 'Hint Patients (Default)'")}`,
  );
  connectionId = await w.connectJwt({ createContactWhenNoMatch: true, defaultAccountId: account.body.records[0].Id });
}, 60_000);
afterAll(async () => {
  await w?.stop();
  await hint?.stop();
});

const db = () => w.hub.database.db;
const patient = async (id: string) => (await hint.hub.api('GET', `/api/v1/patients/${id}`)).body;
const sfLink = async (patientId: string) =>
  (await patient(patientId)).links.find((l: any) => l.system === 'salesforce');
const contact = async (id: string) => (await w.sf('GET', `/sobjects/Contact/${id}`)).body;
const soql = async (q: string) => (await w.sf('GET', `/query?q=${encodeURIComponent(q)}`)).body.records as any[];

const settled = () => salesforceSettled(db());

/** A new Hint patient, in Tandem (the connector's new-patient job follows). */
async function newHintPatient(fields: Record<string, unknown>) {
  const created = await hint.harness('POST', `/practices/${hint.hintPracticeId}/patients`, fields);
  const p = await waitFor(() => tandemPatientOf(hint, created.id), 'the Hint patient in Tandem');
  return { hintId: created.id as string, patientId: p.id as string };
}

/** A connector job's queue row for a patient (graphile-worker's public view has no payload). */
async function jobOf(task: string, patientId: string) {
  const { rows } = await db().query(
    `SELECT j.id, j.attempts, j.max_attempts, j.locked_at FROM graphile_worker._private_jobs j
       JOIN graphile_worker._private_tasks t ON t.id = j.task_id
      WHERE t.identifier = $1 AND j.payload->>'patientId' = $2`,
    [task, patientId],
  );
  return rows[0] as { id: string; attempts: number; max_attempts: number; locked_at: Date | null } | undefined;
}

/** A new Hint patient with its automatically created, synced contact. */
async function linkedPatient(fields: Record<string, unknown>) {
  const p = await newHintPatient(fields);
  const link = await waitFor(async () => {
    const l = await sfLink(p.patientId);
    return l?.status === 'synced' && (await contact(l.remoteId)).Hint_Patient_Id__c === p.hintId ? l : undefined;
  }, 'the contact linked and stamped');
  await settled();
  return { ...p, contactId: link.remoteId as string };
}

async function logRows(where: string, params: unknown[]) {
  const { rows } = await db().query(
    `SELECT level, message, context FROM log_entries WHERE connection_id = $1 AND ${where} ORDER BY id`,
    [connectionId, ...params],
  );
  return rows as { level: string; message: string; context: Record<string, any> }[];
}

/** The same API as Tandem's, as another Salesforce user: the web-server flow through the approval page. */
async function sessionAs(username: string): Promise<string> {
  const { creds } = w;
  const redirect = creds.callbackUrls[0]!;
  const approve = await fetch(`${creds.loginUrl}/services/oauth2/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: creds.clientId, redirect_uri: redirect, username, decision: 'allow' }),
  });
  const code = new URL(approve.headers.get('location')!).searchParams.get('code')!;
  const token = await fetch(`${creds.loginUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      client_id: creds.clientId,
      client_secret: creds.clientSecret,
      redirect_uri: redirect,
    }),
  });
  return ((await token.json()) as { access_token: string }).access_token;
}

/**
 * Every contact write answers UNABLE_TO_LOCK_ROW until the job runs out of attempts. The job
 * runner's clock is fast-forwarded after the first failed attempt (twelve attempts take hours
 * of backoff): the second attempt is made the last.
 */
async function lockForGood(patientId: string, contactId: string, change: Record<string, unknown>) {
  await w.harness('POST', '/faults', {
    status: 400,
    errorCode: 'UNABLE_TO_LOCK_ROW',
    count: 1000,
    path: `/sobjects/Contact/${contactId}`,
    method: 'PATCH',
  });
  const res = await hint.hub.api('PATCH', `/api/v1/patients/${patientId}`, change);
  expect(res.status).toBe(200);
  const job = await waitFor(async () => {
    const j = await jobOf('salesforce:push-contact', patientId);
    return j?.attempts === 1 && !j.locked_at ? j.id : undefined;
  }, 'the first attempt failed');
  await db().query('UPDATE graphile_worker._private_jobs SET max_attempts = 2, run_at = now() WHERE id = $1', [job]);
  const link = await waitFor(async () => {
    const l = await sfLink(patientId);
    return l?.status === 'errored' && /UNABLE_TO_LOCK_ROW/.test(l.errorMessage) ? l : undefined;
  }, 'the failure on the link');
  const hits = (await w.harness('GET', '/faults')).body[0].hits as number;
  await w.harness('DELETE', '/faults');
  return { link, hits };
}

describe('go-live scenarios', () => {
  it('sf scenario 16: a blocking duplicate rule counts as several matches; an alert-only one is saved with its header', async () => {
    const existing = (
      await w.harness('POST', '/ui/Contact', {
        fields: { FirstName: 'Maya', LastName: 'Reyes', Email: 'maya.reyes@example.com', Birthdate: '1970-01-01' },
      })
    ).body.Id as string;
    expect(await w.harness('PUT', '/rules/duplicate', { active: true, allowSave: false })).toMatchObject({
      status: 200,
    });

    // Another date of birth: no demographic match, so Tandem creates a contact — which the rule blocks.
    const blocked = await newHintPatient({
      first_name: 'Maya',
      last_name: 'Reyes',
      dob: '1988-05-05',
      email: 'maya.reyes@example.com',
    });
    const [line] = await waitFor(async () => {
      const lines = await logRows(`entity_id = $2 AND message LIKE '%DUPLICATES_DETECTED%'`, [blocked.patientId]);
      return lines.length ? lines : undefined;
    }, 'the duplicate rule in the log');
    await settled();
    expect(line).toMatchObject({ level: 'error', context: { operation: 'new-patient', contactId: existing } });
    expect(line!.message).toContain(existing);
    expect(line!.message).not.toContain('maya'); // ids and codes only
    expect(await sfLink(blocked.patientId)).toBeUndefined();
    expect(await soql("SELECT Id FROM Contact WHERE LastName = 'Reyes'")).toHaveLength(1);
    // Not retried: the job ended (a failed job would stay in the queue with its error).
    expect(await jobOf('salesforce:new-patient', blocked.patientId)).toBeUndefined();

    // Alert only: refused without the header (the rule is on), saved when Tandem asks again with it.
    await w.harness('PUT', '/rules/duplicate', { active: true, allowSave: true });
    const plain = await w.sf('POST', '/sobjects/Contact', {
      FirstName: 'Maya',
      LastName: 'Reyes',
      Email: 'maya.reyes@example.com',
    });
    expect(plain).toMatchObject({ status: 400, body: [{ errorCode: 'DUPLICATES_DETECTED' }] });
    const alerted = await newHintPatient({
      first_name: 'Maya',
      last_name: 'Reyes',
      dob: '1991-09-09',
      email: 'maya.reyes@example.com',
    });
    const link = await waitFor(() => sfLink(alerted.patientId), 'the contact created despite the alert');
    expect(await contact(link.remoteId)).toMatchObject({
      FirstName: 'Maya',
      Birthdate: '1991-09-09',
      Email: 'maya.reyes@example.com',
      Synced_to_Hint__c: true,
    });
    await w.harness('PUT', '/rules/duplicate', { active: false, allowSave: false });
    await settled();
  });

  it('sf scenario 21: people cannot edit the Hint-owned fields; Hint changes to them still land through Tandem', async () => {
    const hintOwned = [
      'Hint_Practitioner_Name__c',
      'Hint_Insurance_Payer__c',
      'Hint_Insurance_Group_Id__c',
      'Hint_Insurance_Member_Id__c',
      'Hint_Member_Contract_Accepted__c',
      'Hint_Member_Contract_Accepted_At__c',
      'Hint_HIPAA_Authorization_Accepted__c',
      'Hint_HIPAA_Authorization_Accepted_At__c',
    ];
    const updateable = (describe: any) =>
      Object.fromEntries(
        describe.fields.filter((f: any) => hintOwned.includes(f.name)).map((f: any) => [f.name, f.updateable]),
      );
    const staff = await sessionAs('staff@clinic.example');
    const asStaff = (method: string, path: string, body?: unknown) =>
      fetch(`${w.creds.instanceUrl}/services/data/v62.0${path}`, {
        method,
        headers: { authorization: `Bearer ${staff}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const staffDescribe = await (await asStaff('GET', '/sobjects/Contact/describe')).json();
    expect(updateable(staffDescribe)).toEqual(Object.fromEntries(hintOwned.map((f) => [f, false])));
    expect(updateable((await w.sf('GET', '/sobjects/Contact/describe')).body)).toEqual(
      Object.fromEntries(hintOwned.map((f) => [f, true])),
    );

    const p = await linkedPatient({ first_name: 'Rua', last_name: 'Tane', dob: '1975-04-12' });
    // In the UI and through the API, a Standard User's edit of a Hint-owned field is refused.
    const ui = await w.harness('PATCH', `/ui/Contact/${p.contactId}`, {
      fields: { Hint_HIPAA_Authorization_Accepted__c: true },
    });
    expect(ui).toMatchObject({ status: 400, body: [{ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE' }] });
    const api = await asStaff('PATCH', `/sobjects/Contact/${p.contactId}`, { Hint_Insurance_Payer__c: 'Acme' });
    expect(api.status).toBe(400);
    expect(await api.json()).toMatchObject([{ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE' }]);
    expect(await contact(p.contactId)).toMatchObject({
      Hint_HIPAA_Authorization_Accepted__c: false,
      Hint_Insurance_Payer__c: null,
    });

    // The patient signs the HIPAA authorization in Hint: Tandem's integration user writes it.
    await hint.harness('PATCH', `/practices/${hint.hintPracticeId}/patients/${p.hintId}`, {
      hipaa_authorization_accepted: true,
    });
    const after = await waitFor(async () => {
      const c = await contact(p.contactId);
      return c.Hint_HIPAA_Authorization_Accepted__c === true ? c : undefined;
    }, 'the acceptance on the contact');
    expect(after.Hint_HIPAA_Authorization_Accepted_At__c).toEqual(expect.any(String));
    await settled();
    expect((await sfLink(p.patientId)).status).toBe('synced');
  });

  it('sf scenario 22: a locked row is retried with backoff and written; a lock that never clears shows on the link and logs an Exception', async () => {
    const p = await linkedPatient({ first_name: 'Lok', last_name: 'Rowe', dob: '1969-02-03' });
    await w.harness('POST', '/faults', {
      status: 400,
      errorCode: 'UNABLE_TO_LOCK_ROW',
      count: 2,
      path: `/sobjects/Contact/${p.contactId}`,
      method: 'PATCH',
    });
    await hint.hub.api('PATCH', `/api/v1/patients/${p.patientId}`, { email: 'lok@first.example.com' });
    await waitFor(
      async () => (await contact(p.contactId)).Email === 'lok@first.example.com',
      'the write after the lock',
    );
    expect((await w.harness('GET', '/faults')).body).toEqual([]); // both locked answers were met
    await settled();
    expect((await sfLink(p.patientId)).status).toBe('synced');
    expect(await logRows(`entity_id = $2 AND level <> 'debug'`, [p.patientId])).toEqual([]);

    const { link, hits } = await lockForGood(p.patientId, p.contactId, { email: 'lok@second.example.com' });
    expect(hits).toBe(8); // two job attempts, each the call and three retries in the client
    expect(link.errorMessage).toMatch(/^Salesforce kept failing the update: UNABLE_TO_LOCK_ROW: /);
    expect((await contact(p.contactId)).Email).toBe('lok@first.example.com');
    // One Exception, on the last attempt (logged just after the link is marked), found with the patient and the contact.
    const exceptions = await waitFor(async () => {
      const lines = await logRows(`level = 'exception'`, []);
      return lines.length ? lines : undefined;
    }, 'the Exception line');
    await settled();
    expect(exceptions).toEqual([
      expect.objectContaining({
        message: 'salesforce:push-contact failed: UNABLE_TO_LOCK_ROW',
        context: expect.objectContaining({
          operation: 'salesforce:push-contact',
          contactId: p.contactId,
          details: expect.stringContaining('UNABLE_TO_LOCK_ROW (HTTP 400)'),
        }),
      }),
    ]);
    expect(await logRows(`level = 'exception' AND entity_id = $2`, [p.patientId])).toHaveLength(1);

    // The lock gone, the patient's next change heals the link.
    await hint.hub.api('PATCH', `/api/v1/patients/${p.patientId}`, { email: 'lok@third.example.com' });
    await waitFor(async () => (await sfLink(p.patientId)).status === 'synced', 'the link healed');
    expect((await contact(p.contactId)).Email).toBe('lok@third.example.com');
  }, 60_000);

  it('sf scenario 24: the live search finds Jane and Janet for "Jan" and takes reserved characters literally', async () => {
    const people = [
      { first_name: 'Jane', last_name: 'Citizen', dob: '1980-01-01' },
      { first_name: 'Janet', last_name: 'Moore', dob: '1981-02-02' },
      { first_name: 'Joan', last_name: 'Marsh', dob: '1982-03-03' },
      { first_name: 'Siobhan', last_name: "O'Brien", dob: '1983-04-04' },
      { first_name: 'Sean', last_name: 'Obrien', dob: '1984-05-05' },
      { first_name: 'Alex', last_name: 'Plus', dob: '1985-06-06', email: 'a+b@example.com' },
      { first_name: 'Alex', last_name: 'Minus', dob: '1986-07-07', email: 'ab@example.com' },
    ];
    for (const person of people) await newHintPatient(person);
    await settled();
    const page = (await w.harness('POST', '/ui/Contact', { fields: { FirstName: 'Jan', LastName: 'Search' } })).body
      .Id as string;
    const search = async (q: string) => {
      const res = await w.hub.api('GET', `/api/v1/salesforce/contacts/${page}/candidates?q=${encodeURIComponent(q)}`);
      expect(res.status, `${q}: ${JSON.stringify(res.body)}`).toBe(200);
      return (res.body.data as any[]).map((c) => `${c.firstName} ${c.lastName}`).sort();
    };
    const jan = await search('Jan');
    expect(jan).toEqual(expect.arrayContaining(['Jane Citizen', 'Janet Moore']));
    expect(jan).not.toContain('Joan Marsh');
    expect(await search('jane cit')).toEqual(['Jane Citizen']);
    expect(await search("O'Brien")).toEqual(["Siobhan O'Brien"]);
    expect(await search("o'b")).toEqual(["Siobhan O'Brien"]);
    expect(await search('A+B')).toEqual(['Alex Plus']);
    // LIKE's wildcards are letters here: unescaped, each would match every patient.
    expect(await search('%%')).toEqual([]);
    expect(await search('__')).toEqual([]);
    expect(await search('a_b')).toEqual([]);
    expect(await search('\\\\')).toEqual([]);
  });

  it('sf scenario 25: the mirror copies Error and Exception rows, not Debug; Exception details; one collections call per 200 rows', async () => {
    const on = await w.hub.api('PATCH', `/api/v1/salesforce/connections/${connectionId}`, {
      settings: { mirrorLogsToSalesforce: true, mirrorLogLevel: 'error' },
    });
    expect(on.status).toBe(200);
    const p = await linkedPatient({ first_name: 'Mira', last_name: 'Quill', dob: '1990-10-10' });
    const mirrored = async () =>
      soql(
        `SELECT Level__c, Message__c, Operation__c, Details__c FROM Hint_Log__c WHERE Contact__c = '${p.contactId}'`,
      );

    // Debug: a write that succeeds.
    await hint.hub.api('PATCH', `/api/v1/patients/${p.patientId}`, { email: 'mira@fine.example.com' });
    await waitFor(async () => (await contact(p.contactId)).Email === 'mira@fine.example.com', 'the write');
    await settled();
    // Error: a validation rule refuses the next one.
    await w.harness('POST', '/rules/validation', {
      name: 'Scenario_25',
      object: 'Contact',
      errorCondition: "Email LIKE '%@refused.example.com'",
      message: 'Clinic policy: refused domain',
    });
    await hint.hub.api('PATCH', `/api/v1/patients/${p.patientId}`, { email: 'mira@refused.example.com' });
    await waitFor(async () => (await sfLink(p.patientId)).status === 'errored', 'the refusal');
    await w.harness('DELETE', '/rules/validation/Scenario_25');
    // Exception: a lock that never clears.
    await lockForGood(p.patientId, p.contactId, { email: 'mira@locked.example.com' });

    const rows = await waitFor(async () => {
      const r = await mirrored();
      return r.some((x) => x.Level__c === 'Exception') ? r : undefined;
    }, 'the Exception row in Hint_Log__c');
    const debugLines = await logRows(`entity_id = $2 AND level = 'debug'`, [p.patientId]);
    expect(debugLines.length).toBeGreaterThan(0); // logged in Tandem…
    expect(rows.map((r) => r.Level__c).sort()).toEqual(['Error', 'Exception']); // …not mirrored
    const error = rows.find((r) => r.Level__c === 'Error')!;
    expect(error).toMatchObject({ Operation__c: 'push-contact', Details__c: null });
    const exception = rows.find((r) => r.Level__c === 'Exception')!;
    expect(exception.Operation__c).toBe('salesforce:push-contact');
    expect(exception.Details__c).toMatch(
      new RegExp(
        `^SalesforceError UNABLE_TO_LOCK_ROW \\(HTTP 400\\) on /services/data/v62\\.0/sobjects/Contact/${p.contactId}; attempt 2 of 2; retryable\\n\\s+at `,
      ),
    );
    const text = JSON.stringify(rows.map((r) => [r.Message__c, r.Details__c]));
    expect(text).not.toMatch(/mira|quill|example\.com|1990/i); // record ids and codes only

    // 450 rows: three collections calls (200, 200, 50), counted by a zero-latency fault on the route.
    await settled();
    await new Promise((r) => setTimeout(r, 1500)); // the mirror's one-second buffer has flushed
    await w.harness('POST', '/faults', { latencyMs: 0, path: '/composite/sobjects', method: 'POST' });
    const { config } = w.hub.tandem;
    const deps: SalesforceDeps = {
      config,
      db: db(),
      logger: createLogger('silent'),
      secrets: new SecretBox(await loadOrCreateSecretKey(config.secretKey, config.home)),
      publicUrl: () => w.hub.url,
    };
    const loaded = await loadConnection(deps, w.hub.practiceId, connectionId);
    for (let i = 0; i < 450; i++)
      await sfLog(deps, loaded, { level: i % 2 ? 'error' : 'debug', message: `row ${i}`, operation: 'scenario-25' });
    for (let i = 0; i < 450; i++)
      await sfLog(deps, loaded, { level: 'error', message: `row ${i}`, operation: 'scenario-25' });
    await flushMirror(deps, connectionId);
    const calls = (await w.harness('GET', '/faults')).body[0].hits;
    await w.harness('DELETE', '/faults');
    const total = (
      await w.sf(
        'GET',
        `/query?q=${encodeURIComponent("SELECT COUNT() FROM Hint_Log__c WHERE Operation__c = 'scenario-25'")}`,
      )
    ).body.totalSize;
    expect(total).toBe(225 + 450); // the Debug half of the first 450 was not mirrored
    expect(calls).toBe(Math.ceil(675 / 200));
  }, 90_000);
});
