import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, ensureDefaultPractice } from '../../src/db/practices.ts';
import { startHintWorld, waitFor, type HintWorld } from './support.ts';

let w: HintWorld;
/** An admin of the default practice (the deployment's own), who decides parked activations. */
let admin: { practiceId: string; token: string };
beforeAll(async () => {
  w = await startHintWorld();
  const practice = await ensureDefaultPractice(w.hub.database.db);
  admin = { practiceId: practice.id, token: (await createApiToken(w.hub.database.db, practice.id, 'admin')).token };
});

const connectionsTo = async (hintPracticeId: string): Promise<number> =>
  (
    await w.hub.database.db.query('SELECT count(*)::int AS n FROM connections WHERE remote_account_id = $1', [
      hintPracticeId,
    ])
  ).rows[0].n;

/** The practice token Hint issued for this partner's integration (what Tandem would hold). */
async function tokenOf(hintPracticeId: string): Promise<string> {
  const creds = await w.harness('GET', '/credentials');
  return creds.practices.find((p: any) => p.id === hintPracticeId).accessToken;
}
afterAll(async () => {
  await w?.stop();
});

describe('Hint activation', () => {
  it('connects with a code through the API, stores the token sealed, and registers the webhook endpoint', async () => {
    const id = await w.connect();
    const status = await w.hub.api('GET', `/api/v1/hint/connections/${id}`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      status: 'active',
      hintPracticeId: w.hintPracticeId,
      integrationId: expect.stringMatching(/^int-/),
      webhook: { registered: true },
    });
    expect(status.body.integrationPageUrl).toContain(w.hintPracticeId);
    const { rows } = await w.hub.database.db.query('SELECT credentials_encrypted FROM connections WHERE id = $1', [id]);
    expect(rows[0].credentials_encrypted).toMatch(/^v1\./);
    expect(rows[0].credentials_encrypted).not.toContain(w.creds.practices[0]!.accessToken);
    const endpoints = await w.harness('GET', '/endpoints');
    expect(endpoints.some((e: any) => e.url === `${w.hub.url}/webhooks/hint`)).toBe(true);
  });

  it('follows the InstantOn redirect with a session cookie, to the practice that started it', async () => {
    const { practiceId, token } = await w.hub.newPractice('InstantOn practice');
    const newHint = await w.harness('POST', '/practices', { name: 'Redirect Clinic' });
    const session = await w.hub.api('POST', '/api/v1/hint/connect-sessions', {}, {}, token);
    expect(session.status).toBe(201);
    const cookie = session.headers.get('set-cookie')!.split(';')[0]!;
    const { code } = await w.harness('POST', `/practices/${newHint.id}/instanton-code`, {});
    const landed = await fetch(`${w.hub.url}/connect/hint/callback?code=${code}`, {
      headers: { cookie },
      redirect: 'manual',
    });
    const list = await w.hub.api('GET', '/api/v1/connections?system=hint', undefined, {}, token);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toMatchObject({ practiceId, remoteAccountId: newHint.id, status: 'active' });
    // The admin lands in the console on the new connection's field-mapping step.
    expect(landed.status).toBe(303);
    expect(landed.headers.get('location')).toBe(`/connections/${list.body.data[0].id}?setup=mapping`);
  });

  it('parks an unauthenticated headless connect: no binding, and no patient reaches that Hint practice', async () => {
    // The default practice is legitimately connected to one Hint practice by its admin.
    const home = await w.harness('POST', '/practices', { name: 'Home Clinic' });
    const homeCode = (await w.harness('POST', `/practices/${home.id}/instanton-code`, {})).code;
    expect((await w.hub.api('POST', '/api/v1/hint/connections', { code: homeCode }, {}, admin.token)).status).toBe(201);
    // Anyone whose Hint practice issues a code posts it, with no Tandem credentials at all.
    const intruder = await w.harness('POST', '/practices', { name: 'Intruder Clinic' });
    const { code } = await w.harness('POST', `/practices/${intruder.id}/instanton-code`, {});
    const res = await fetch(`${w.hub.url}/hint/connect/${code}`, { method: 'POST' });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: 'pending_approval', hintPracticeId: intruder.id });
    // The redirect without a connect session is parked the same way.
    const other = await w.harness('POST', '/practices', { name: 'Cookieless Clinic' });
    const code2 = (await w.harness('POST', `/practices/${other.id}/instanton-code`, {})).code;
    const landed = await fetch(`${w.hub.url}/connect/hint/callback?code=${code2}`);
    expect(landed.status).toBe(202);
    expect(await landed.text()).toContain('Waiting for approval in Tandem');
    expect(await connectionsTo(intruder.id)).toBe(0);
    expect(await connectionsTo(other.id)).toBe(0);
    // A patient of the default practice flows to its own Hint practice, and never to the intruder's.
    const created = await w.hub.api(
      'POST',
      '/api/v1/patients',
      { firstName: 'Private', lastName: 'Person' },
      {},
      admin.token,
    );
    const link = await waitFor(
      async () =>
        (await w.hub.api('GET', `/api/v1/patients/${created.body.id}`, undefined, {}, admin.token)).body.links[0],
      'patient linked to the home Hint practice',
    );
    expect(link.remoteId).toBeTruthy();
    const intruderPatients = await w.hint('GET', '/provider/patients?limit=100', undefined, await tokenOf(intruder.id));
    expect(intruderPatients.status).toBe(200);
    expect(intruderPatients.body.some((p: any) => p.last_name === 'Person')).toBe(false);
    expect(intruderPatients.body.some((p: any) => p.id === link.remoteId)).toBe(false);
  });

  it("lets only the default practice's admins see and decide parked activations; approval binds to the approver", async () => {
    const parked = await w.harness('POST', '/practices', { name: 'Marketplace Clinic' });
    const { code } = await w.harness('POST', `/practices/${parked.id}/instanton-code`, {});
    const res = await fetch(`${w.hub.url}/hint/connect/${code}`, { method: 'POST' });
    const { pendingActivationId } = (await res.json()) as any;
    // Another practice's admin sees nothing and cannot claim it.
    expect((await w.hub.api('GET', '/api/v1/hint/pending-activations')).body.data).toEqual([]);
    const claim = await w.hub.api('POST', `/api/v1/hint/pending-activations/${pendingActivationId}/approve`);
    expect(claim.status).toBe(404);
    expect(await connectionsTo(parked.id)).toBe(0);
    const list = await w.hub.api('GET', '/api/v1/hint/pending-activations', undefined, {}, admin.token);
    const entry = list.body.data.find((p: any) => p.id === pendingActivationId);
    expect(entry).toMatchObject({
      hintPracticeId: parked.id,
      hintPracticeName: 'Marketplace Clinic',
      source: 'headless',
      status: 'pending',
    });
    expect(JSON.stringify(list.body)).not.toMatch(/accessToken|credentials/);
    const approved = await w.hub.api(
      'POST',
      `/api/v1/hint/pending-activations/${pendingActivationId}/approve`,
      undefined,
      {},
      admin.token,
    );
    expect(approved.status).toBe(201);
    expect(approved.body).toMatchObject({ status: 'active', hintPracticeId: parked.id, webhook: { registered: true } });
    const { rows } = await w.hub.database.db.query('SELECT practice_id FROM connections WHERE remote_account_id = $1', [
      parked.id,
    ]);
    expect(rows).toEqual([{ practice_id: admin.practiceId }]);
    // Decided once: a second approval finds nothing.
    const again = await w.hub.api(
      'POST',
      `/api/v1/hint/pending-activations/${pendingActivationId}/approve`,
      undefined,
      {},
      admin.token,
    );
    expect(again.status).toBe(404);
  });

  it('rejects a parked activation: the token is dropped and the integration deactivated in Hint', async () => {
    const parked = await w.harness('POST', '/practices', { name: 'Unwanted Clinic' });
    const { code } = await w.harness('POST', `/practices/${parked.id}/instanton-code`, {});
    const { pendingActivationId } = (await (
      await fetch(`${w.hub.url}/hint/connect/${code}`, { method: 'POST' })
    ).json()) as any;
    const rejected = await w.hub.api(
      'POST',
      `/api/v1/hint/pending-activations/${pendingActivationId}/reject`,
      undefined,
      {},
      admin.token,
    );
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', decidedBy: expect.stringMatching(/^token:/) });
    const { rows } = await w.hub.database.db.query(
      'SELECT credentials_encrypted FROM hint_pending_activations WHERE id = $1',
      [pendingActivationId],
    );
    expect(rows[0].credentials_encrypted).toBeNull();
    const integrations = (await w.hint('GET', '/integrations', undefined, w.creds.partnerApiKey)).body;
    expect(integrations.find((i: any) => i.practice.id === parked.id).status).toBe('inactive');
    expect(await connectionsTo(parked.id)).toBe(0);
    const late = await w.hub.api(
      'POST',
      `/api/v1/hint/pending-activations/${pendingActivationId}/approve`,
      undefined,
      {},
      admin.token,
    );
    expect(late.status).toBe(404);
  });

  it('renews a headless connect for a Hint practice already bound, and refuses a used code without writing anything', async () => {
    const other = await w.harness('POST', '/practices', { name: 'Headless Clinic' });
    const { practiceId, token } = await w.hub.newPractice('Headless practice');
    const first = (await w.harness('POST', `/practices/${other.id}/instanton-code`, {})).code;
    expect((await w.hub.api('POST', '/api/v1/hint/connections', { code: first }, {}, token)).status).toBe(201);
    const { code } = await w.harness('POST', `/practices/${other.id}/instanton-code`, {});
    const renewed = await fetch(`${w.hub.url}/hint/connect/${code}`, { method: 'POST' });
    expect(renewed.status).toBe(200);
    expect(await renewed.json()).toMatchObject({ status: 'active', hintPracticeId: other.id });
    const { rows } = await w.hub.database.db.query('SELECT practice_id FROM connections WHERE remote_account_id = $1', [
      other.id,
    ]);
    expect(rows).toEqual([{ practice_id: practiceId }]);
    const count = async () =>
      (
        await w.hub.database.db.query(
          'SELECT (SELECT count(*) FROM connections) + (SELECT count(*) FROM hint_pending_activations) AS n',
        )
      ).rows[0].n;
    const before = await count();
    const again = await fetch(`${w.hub.url}/hint/connect/${code}`, { method: 'POST' });
    expect(again.status).toBe(422);
    expect(((await again.json()) as any).details[0].field).toBe('code');
    expect(await count()).toBe(before);
  });

  it('connects with a pasted access token, and refuses a bad one naming the field', async () => {
    const { token } = await w.hub.newPractice('Manual practice');
    const bad = await w.hub.api(
      'POST',
      '/api/v1/hint/connections',
      { accessToken: 'not-a-real-token-at-all' },
      {},
      token,
    );
    expect(bad.status).toBe(422);
    expect(bad.body.details[0].field).toBe('accessToken');
    const empty = await w.hub.api('POST', '/api/v1/hint/connections', {}, {}, token);
    expect(empty.status).toBe(422);
    const ok = await w.hub.api(
      'POST',
      '/api/v1/hint/connections',
      { accessToken: w.creds.practices[0]!.accessToken },
      {},
      token,
    );
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ status: 'active', hintPracticeId: w.hintPracticeId });
  });

  it('stops all traffic when Hint deactivates the integration', async () => {
    const other = await w.harness('POST', '/practices', { name: 'Leaving Clinic' });
    const { token } = await w.hub.newPractice('Leaving practice');
    const { code } = await w.harness('POST', `/practices/${other.id}/instanton-code`, {});
    const res = await w.hub.api('POST', '/api/v1/hint/connections', { code }, {}, token);
    expect(res.status).toBe(201);
    await w.harness('POST', `/practices/${other.id}/disconnect`, {});
    await waitFor(
      async () =>
        (await w.hub.api('GET', `/api/v1/hint/connections/${res.body.id}`, undefined, {}, token)).body.status ===
        'deactivated',
      'deactivation',
    );
    // A Tandem change no longer reaches Hint.
    const created = await w.hub.api('POST', '/api/v1/patients', { firstName: 'Quiet', lastName: 'Patient' }, {}, token);
    await new Promise((r) => setTimeout(r, 1500));
    const again = await w.hub.api('GET', `/api/v1/patients/${created.body.id}`, undefined, {}, token);
    expect(again.body.links).toEqual([]);
  });

  it('deactivates from Tandem: status, the integration in Hint, and its webhook endpoint', async () => {
    const other = await w.harness('POST', '/practices', { name: 'Paused Clinic' });
    const { token } = await w.hub.newPractice('Paused practice');
    const { code } = await w.harness('POST', `/practices/${other.id}/instanton-code`, {});
    const res = await w.hub.api('POST', '/api/v1/hint/connections', { code }, {}, token);
    const off = await w.hub.api('POST', `/api/v1/hint/connections/${res.body.id}/deactivate`, undefined, {}, token);
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ status: 'deactivated', statusMessage: 'deactivated in Tandem' });
    const integrations = (await w.hint('GET', '/integrations', undefined, w.creds.partnerApiKey)).body;
    expect(integrations.find((i: any) => i.practice.id === other.id).status).toBe('inactive');
    const hooks = (
      await w.hint('GET', `/integrations/${res.body.integrationId}/webhook_endpoints`, undefined, w.creds.partnerApiKey)
    ).body;
    expect(hooks).toEqual([]);
    expect((await w.hub.api('POST', `/api/v1/hint/connections/${res.body.id}/sync`, {}, {}, token)).status).toBe(409);
  });
});
