import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHintWorld, waitFor, type HintWorld } from './support.ts';

let w: HintWorld;
beforeAll(async () => {
  w = await startHintWorld();
});
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
    const landed = await fetch(`${w.hub.url}/connect/hint/callback?code=${code}`, { headers: { cookie } });
    expect(landed.status).toBe(200);
    expect(await landed.text()).toContain('Hint is connected');
    const list = await w.hub.api('GET', '/api/v1/connections?system=hint', undefined, {}, token);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toMatchObject({ practiceId, remoteAccountId: newHint.id, status: 'active' });
  });

  it('activates headless (POST /hint/connect/:code) and refuses a used code without writing anything', async () => {
    const other = await w.harness('POST', '/practices', { name: 'Headless Clinic' });
    const { code } = await w.harness('POST', `/practices/${other.id}/instanton-code`, {});
    const first = await fetch(`${w.hub.url}/hint/connect/${code}`, { method: 'POST' });
    expect(first.status).toBe(200);
    const body = (await first.json()) as any;
    expect(body).toMatchObject({ status: 'active', hintPracticeId: other.id });
    const before = (await w.hub.database.db.query('SELECT count(*)::int AS n FROM connections')).rows[0].n;
    const again = await fetch(`${w.hub.url}/hint/connect/${code}`, { method: 'POST' });
    expect(again.status).toBe(422);
    expect(((await again.json()) as any).details[0].field).toBe('code');
    expect((await w.hub.database.db.query('SELECT count(*)::int AS n FROM connections')).rows[0].n).toBe(before);
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
