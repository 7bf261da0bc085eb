import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhookBody } from '../../src/emulators/hint/index.ts';
import { startHintWorld, tandemPatientOf, waitFor, type HintWorld } from './support.ts';

let w: HintWorld;
let connectionId: string;
beforeAll(async () => {
  w = await startHintWorld();
  connectionId = await w.connect();
});
afterAll(async () => {
  await w?.stop();
});

const hintPatient = async (id: string) => (await w.hint('GET', `/provider/patients/${id}`)).body;

describe('Hint ↔ Tandem patient sync', () => {
  it('brings a patient created in Hint into Tandem with its Hint data, and writes our id back', async () => {
    const created = await w.harness('POST', `/practices/${w.hintPracticeId}/patients`, {
      first_name: 'Hana',
      last_name: 'Okafor',
      dob: '1985-03-14',
      email: 'hana@example.com',
      sex: 'female',
      phones: [{ number: '4155550134', type: 'mobile' }],
      address_city: 'Oakland',
      address_country: 'United States',
    });
    const patient = await waitFor(() => tandemPatientOf(w, created.id), 'the patient in Tandem');
    expect(patient).toMatchObject({
      firstName: 'Hana',
      lastName: 'Okafor',
      dob: '1985-03-14',
      email: 'hana@example.com',
      sex: 'female',
      phones: [{ type: 'mobile', number: '+14155550134' }],
      address: { city: 'Oakland', country: 'US' },
    });
    expect(patient.hint).toMatchObject({
      webLink: `https://app.hint.com/patients/${created.id}`,
      membershipStatus: 'inactive',
      balanceCents: 0,
    });
    expect(patient.links).toEqual([
      expect.objectContaining({ system: 'hint', connectionId, remoteId: created.id, status: 'synced' }),
    ]);
    const inHint = await waitFor(async () => {
      const p = await hintPatient(created.id);
      return p.integration_record_id ? p : undefined;
    }, 'ids written back');
    expect(inHint).toMatchObject({
      integration_record_id: patient.id,
      integration_web_link: `${w.hub.url}/patients/${patient.id}`,
      integration_sync_status: 'synced',
    });
  });

  it('links the practitioner a Hint patient names, creating it in Tandem when new', async () => {
    const [practitioner] = (await w.hint('GET', '/provider/practitioners')).body;
    const created = await w.harness('POST', `/practices/${w.hintPracticeId}/patients`, {
      first_name: 'Pia',
      last_name: 'Doc',
      practitioner: { id: practitioner.id },
    });
    const patient = await waitFor(() => tandemPatientOf(w, created.id), 'the patient in Tandem');
    expect(patient.practitionerId).toBeTruthy();
    expect(patient.hint.practitionerName).toBe(practitioner.name);
    const local = (await w.hub.api('GET', `/api/v1/practitioners/${patient.practitionerId}`)).body;
    expect(local).toMatchObject({ title: 'Dr.', lastName: practitioner.name.split(' ').at(-1) });
  });

  it("creates a patient made through Tandem's API in Hint, then PATCHes edits", async () => {
    const res = await w.hub.api('POST', '/api/v1/patients', {
      firstName: 'Theo',
      lastName: 'Marsh',
      dob: '1990-07-01',
      email: 'theo@example.com',
    });
    expect(res.status).toBe(201);
    const id = res.body.id;
    const link = await waitFor(
      async () => (await w.hub.api('GET', `/api/v1/patients/${id}`)).body.links[0],
      'a Hint link',
    );
    const inHint = await hintPatient(link.remoteId);
    expect(inHint).toMatchObject({
      first_name: 'Theo',
      last_name: 'Marsh',
      dob: '1990-07-01',
      email: 'theo@example.com',
      integration_record_id: id,
      integration_web_link: `${w.hub.url}/patients/${id}`,
    });
    await w.hub.api('PATCH', `/api/v1/patients/${id}`, {
      email: 'theo.marsh@example.com',
      address: { city: 'Berkeley' },
    });
    await waitFor(
      async () => (await hintPatient(link.remoteId)).email === 'theo.marsh@example.com',
      'the edit in Hint',
    );
    expect((await hintPatient(link.remoteId)).address_city).toBe('Berkeley');
  });

  it('takes an edit made in Hint, and its own write coming back causes no write anywhere', async () => {
    const res = await w.hub.api('POST', '/api/v1/patients', { firstName: 'Ivy', lastName: 'Stone', dob: '1979-11-30' });
    const id = res.body.id;
    const link = await waitFor(
      async () => (await w.hub.api('GET', `/api/v1/patients/${id}`)).body.links[0],
      'a Hint link',
    );
    await w.harness('PATCH', `/practices/${w.hintPracticeId}/patients/${link.remoteId}`, { last_name: 'Stone-Park' });
    await waitFor(
      async () => (await w.hub.api('GET', `/api/v1/patients/${id}`)).body.lastName === 'Stone-Park',
      'the Hint edit in Tandem',
    );
    // Settle, then nothing more happens on either side.
    await new Promise((r) => setTimeout(r, 1500));
    const version = (await w.hub.api('GET', `/api/v1/patients/${id}`)).body.version;
    const hintUpdated = (await hintPatient(link.remoteId)).updated_at;
    await new Promise((r) => setTimeout(r, 2000));
    expect((await w.hub.api('GET', `/api/v1/patients/${id}`)).body.version).toBe(version);
    expect((await hintPatient(link.remoteId)).updated_at).toBe(hintUpdated);
  });

  it('refuses forged and altered webhooks with 401 and stores nothing; a duplicate changes nothing', async () => {
    const count = async () => (await w.hub.database.db.query('SELECT count(*)::int AS n FROM inbox')).rows[0].n;
    const before = await count();
    const body = JSON.stringify({
      id: 'evt-forged00001',
      type: 'patient.created',
      practice_id: w.hintPracticeId,
      created_at: new Date().toISOString(),
      object: { id: 'pat-forged000001', first_name: 'Mallory', last_name: 'Forged' },
    });
    const post = (raw: string, signature?: string) =>
      fetch(`${w.hub.url}/webhooks/hint`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(signature ? { 'x-hint-signature': signature } : {}) },
        body: raw,
      });
    expect((await post(body)).status).toBe(401);
    expect((await post(body, signWebhookBody('wrong-secret', body))).status).toBe(401);
    const signed = signWebhookBody(w.creds.webhookSecret, body);
    expect((await post(body.replace('Mallory', 'Mallorz'), signed)).status).toBe(401);
    expect(await count()).toBe(before);
    const first = await post(body, signed);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ received: true, duplicate: false });
    const dup = await post(body, signed);
    expect(await dup.json()).toMatchObject({ received: true, duplicate: true });
    expect(await count()).toBe(before + 1);
  });

  it('fails at once on a permanent Hint answer: a patient.created for a Hint id Hint does not know', async () => {
    const hintId = 'pat-NotInHint0001';
    const body = JSON.stringify({
      id: 'evt-unknown00001',
      type: 'patient.created',
      practice_id: w.hintPracticeId,
      created_at: new Date().toISOString(),
      object: { id: hintId, first_name: 'Nobody', last_name: 'Known', dob: '1980-01-01' },
    });
    const res = await fetch(`${w.hub.url}/webhooks/hint`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hint-signature': signWebhookBody(w.creds.webhookSecret, body) },
      body,
    });
    expect(res.status).toBe(200);
    // The job fails on its first attempt (Hint's 404 cannot change on retry) and shows in failed jobs.
    const failed = await waitFor(async () => {
      const jobs = (await w.hub.api('GET', '/api/v1/jobs/failed')).body.data as any[];
      return jobs.find((j) => String(j.lastError).includes(hintId));
    }, 'the job failed');
    expect(failed).toMatchObject({ task: 'hint:process-event', attempts: 1 });
    // The link shows Hint's reason.
    const patient = await waitFor(() => tandemPatientOf(w, hintId), 'the patient in Tandem');
    expect(patient.links[0]).toMatchObject({ remoteId: hintId, status: 'errored' });
    expect(patient.links[0].errorMessage).toMatch(/^Hint answered 404: /);
    expect(patient.links[0].errorMessage).not.toMatch(/Nobody|Known/);
  });

  it('marks a record that Tandem cannot accept as errored on both sides, and fixing it clears both', async () => {
    const res = await w.hub.api('POST', '/api/v1/patients', { firstName: 'Eve', lastName: 'Brook' });
    const id = res.body.id;
    const link = await waitFor(
      async () => (await w.hub.api('GET', `/api/v1/patients/${id}`)).body.links[0],
      'a Hint link',
    );
    await w.harness('PATCH', `/practices/${w.hintPracticeId}/patients/${link.remoteId}`, {
      dob: '2999-01-01',
      phones: [{ number: '12', type: 'mobile' }],
    });
    const errored = await waitFor(async () => {
      const l = (await w.hub.api('GET', `/api/v1/patients/${id}`)).body.links[0];
      return l.status === 'errored' ? l : undefined;
    }, 'errored link');
    expect(errored.errorMessage).toMatch(/phones/);
    expect(errored.errorMessage).not.toContain('12');
    // The link is marked errored first, then the reason is written to Hint.
    const inHint = await waitFor(async () => {
      const h = await hintPatient(link.remoteId);
      return h.integration_error_message ? h : undefined;
    }, 'the reason written to Hint');
    expect(inHint.integration_error_message).toBe(errored.errorMessage);
    expect(inHint.integration_sync_status).toBe('errored');
    // Another edit in Hint while the phone is still bad: it merges, and the same error is not
    // written again (no second log line, Hint's message unchanged).
    const errorLines = async () =>
      (
        await w.hub.database.db.query(
          `SELECT count(*)::int AS n FROM log_entries WHERE level = 'error' AND entity_id = $1`,
          [id],
        )
      ).rows[0].n as number;
    // The link shows the error before the log line is written (a Hint PATCH comes in between).
    await waitFor(async () => (await errorLines()) > 0, 'the error logged');
    const linesBefore = await errorLines();
    await w.harness('PATCH', `/practices/${w.hintPracticeId}/patients/${link.remoteId}`, { first_name: 'Evie' });
    await waitFor(
      async () => (await w.hub.api('GET', `/api/v1/patients/${id}`)).body.firstName === 'Evie',
      'the other edit merged',
    );
    expect((await w.hub.api('GET', `/api/v1/patients/${id}`)).body.links[0]).toMatchObject({
      status: 'errored',
      errorMessage: errored.errorMessage,
    });
    expect(await errorLines()).toBe(linesBefore);
    expect((await hintPatient(link.remoteId)).integration_error_message).toBe(errored.errorMessage);
    await w.harness('PATCH', `/practices/${w.hintPracticeId}/patients/${link.remoteId}`, {
      phones: [{ number: '4155550199', type: 'mobile' }],
    });
    await waitFor(
      async () => (await w.hub.api('GET', `/api/v1/patients/${id}`)).body.links[0].status === 'synced',
      'the link synced again',
    );
    await waitFor(
      async () => (await hintPatient(link.remoteId)).integration_error_message === null,
      'the Hint error cleared',
    );
    const logs = await w.hub.database.db.query(
      `SELECT message FROM log_entries WHERE level = 'error' AND entity_id = $1`,
      [id],
    );
    expect(logs.rows.length).toBeGreaterThan(0);
    expect(logs.rows.map((r) => r.message).join(' ')).not.toMatch(/Eve|Brook|4155/); // (and not Evie)
  });

  it('refuses locally what Hint requires, naming the field, with the reason on the Hint record', async () => {
    const settings = await w.hub.api('PATCH', `/api/v1/hint/connections/${connectionId}/settings`, {
      hintRequiredFields: ['dob'],
    });
    expect(settings.status).toBe(200);
    const res = await w.hub.api('POST', '/api/v1/patients', { firstName: 'Nod', lastName: 'Ob', dob: '1970-01-01' });
    const link = await waitFor(
      async () => (await w.hub.api('GET', `/api/v1/patients/${res.body.id}`)).body.links[0],
      'a Hint link',
    );
    await w.hub.api('PATCH', `/api/v1/patients/${res.body.id}`, { dob: null });
    await waitFor(
      async () => (await hintPatient(link.remoteId)).integration_error_message === 'dob is required by Hint',
      'the reason in Hint',
    );
    expect((await w.hub.api('GET', `/api/v1/patients/${res.body.id}`)).body.links[0]).toMatchObject({
      status: 'errored',
      errorMessage: 'dob is required by Hint',
    });
    await w.hub.api('PATCH', `/api/v1/patients/${res.body.id}`, { dob: '1970-01-02' });
    await waitFor(async () => {
      const p = await hintPatient(link.remoteId);
      return p.integration_error_message === null && p.dob === '1970-01-02';
    }, 'fixed in Hint');
    await w.hub.api('PATCH', `/api/v1/hint/connections/${connectionId}/settings`, { hintRequiredFields: [] });
  });

  it('shows a patient destroyed in Hint on the link and keeps the Tandem record', async () => {
    const res = await w.hub.api('POST', '/api/v1/patients', { firstName: 'Gone', lastName: 'Away', dob: '1950-05-05' });
    const link = await waitFor(
      async () => (await w.hub.api('GET', `/api/v1/patients/${res.body.id}`)).body.links[0],
      'a Hint link',
    );
    await w.harness('DELETE', `/practices/${w.hintPracticeId}/patients/${link.remoteId}`);
    await waitFor(
      async () =>
        (await w.hub.database.db.query(`SELECT remote_state FROM links WHERE local_id = $1`, [res.body.id])).rows[0]
          ?.remote_state === 'destroyed',
      'the link marked destroyed',
    );
    expect((await w.hub.api('GET', `/api/v1/patients/${res.body.id}`)).status).toBe(200);
    // Tandem no longer writes to a record Hint destroyed.
    await w.hub.api('PATCH', `/api/v1/patients/${res.body.id}`, { lastName: 'Still-Here' });
    await new Promise((r) => setTimeout(r, 1000));
    expect((await w.hub.api('GET', `/api/v1/patients/${res.body.id}`)).body.lastName).toBe('Still-Here');
  });

  it('creates a practitioner made in Tandem in Hint with integration_record_id', async () => {
    const res = await w.hub.api('POST', '/api/v1/practitioners', {
      title: 'Dr.',
      firstName: 'Nia',
      lastName: 'Oduya',
      email: 'nia@clinic.example.com',
      npi: '1234567893',
    });
    expect(res.status).toBe(201);
    const inHint = await waitFor(
      async () =>
        (await w.hint('GET', '/provider/practitioners?limit=100')).body.find(
          (p: any) => p.integration_record_id === res.body.id,
        ),
      'the practitioner in Hint',
    );
    expect(inHint).toMatchObject({ name: 'Dr. Nia Oduya', email: 'nia@clinic.example.com' });
  });
});
