import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Receiver, startHint, waitFor, type Harness, request } from './support.ts';

describe('Hint emulator: InstantOn', () => {
  let h: Harness;
  let rx: Receiver;
  let practiceId: string;
  const harness = async (method: string, path: string, body?: unknown) =>
    request(`${h.url}/_emulator${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
  const exchange = (code: string, activate?: boolean) =>
    h.call('POST', '/api/oauth/tokens', h.creds.partnerApiKey, {
      grant_type: 'authorization_code',
      code,
      ...(activate === undefined ? {} : { activate }),
    });

  beforeAll(async () => {
    h = await startHint();
    rx = await new Receiver(h.creds.webhookSecret).start();
    await h.call('POST', '/api/global_webhook_endpoints', h.creds.partnerApiKey, { webhook_url: rx.url });
    await harness('PATCH', '/partner', { redirectUrl: 'https://partner.example.com/hint/callback?code=' });
    practiceId = (await (await harness('POST', '/practices', { name: 'New Clinic' })).json()).id;
  });
  afterAll(async () => {
    await rx.close();
    await h.close();
  });

  it('shows a marketplace page where the admin clicks Connect and is redirected with code= appended', async () => {
    const page = await request(`${h.url}/marketplace/connect?practice=${practiceId}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('New Clinic');
    const partnerId = h.creds.partners[0]?.id ?? '';
    expect(html).toContain(`value="${partnerId}"`);
    // what the browser's form submission sends
    const click = await request(`${h.url}/marketplace/connect`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ practice: practiceId, partner: partnerId }).toString(),
    });
    expect(click.status).toBe(302);
    const location = click.headers.get('location') ?? '';
    expect(location).toMatch(/^https:\/\/partner\.example\.com\/hint\/callback\?code=[0-9A-Za-z]+$/);
    const code = new URL(location).searchParams.get('code') ?? '';

    const res = await exchange(code);
    expect(res.status).toBe(200);
    const integration = await res.json();
    expect(integration).toMatchObject({
      id: expect.stringMatching(/^int-/),
      status: 'active',
      token_type: 'bearer',
      expires_in: null,
      refresh_token: null,
      practice: { id: practiceId, name: 'New Clinic' },
      product: { id: expect.stringMatching(/^ppro-/) },
      activated_by: { id: expect.stringMatching(/^user-/) },
    });
    expect(integration.access_token).toMatch(/^[0-9A-Za-z]{36}$/);
    expect(integration.api_keys[0].token).toBe(integration.access_token);
    const practice = await (await h.call('GET', '/api/provider/practice', integration.access_token)).json();
    expect(practice.id).toBe(practiceId);
    await waitFor(
      () => rx.ofType('integration.activated').some((r) => r.body.object.id === integration.id),
      'integration.activated',
    );
    expect(rx.ofType('integration.activated')[0]?.body.practice_id).toBe(practiceId);
  });

  it("makes codes single-use and rejects unknown ones, another partner's and bad grant types", async () => {
    const { code } = await (await harness('POST', `/practices/${practiceId}/instanton-code`)).json();
    expect((await exchange(code)).status).toBe(200);
    const again = await exchange(code);
    expect(again.status).toBe(422);
    expect((await again.json()).message).toMatch(/already been used/);
    expect((await exchange('nope')).status).toBe(422);
    const fresh = (await (await harness('POST', `/practices/${practiceId}/instanton-code`)).json()).code;
    const otherPartner = await h.call('POST', '/api/oauth/tokens', h.creds.partners[1]?.apiKey, {
      grant_type: 'authorization_code',
      code: fresh,
    });
    expect(otherPartner.status).toBe(422);
    const badGrant = await h.call('POST', '/api/oauth/tokens', h.creds.partnerApiKey, {
      grant_type: 'password',
      code: fresh,
    });
    expect(badGrant.status).toBe(422);
    expect((await badGrant.json()).message).toMatch(/Grant type/);
    // the failed attempts did not burn the code
    expect((await exchange(fresh)).status).toBe(200);
    // a practice token cannot exchange codes
    expect(
      (await h.call('POST', '/api/oauth/tokens', h.token, { grant_type: 'authorization_code', code: fresh })).status,
    ).toBe(403);
  });

  it('expires codes after the configured time', async () => {
    const { code } = await (await harness('POST', `/practices/${practiceId}/instanton-code`)).json();
    h.clock.advance(11 * 60_000);
    expect((await exchange(code)).status).toBe(422);
  });

  it('keeps the integration pending with activate:false; activate and deactivate flip it and fire events', async () => {
    const other = (await (await harness('POST', '/practices', { name: 'Pending Clinic' })).json()).id;
    const { code } = await (await harness('POST', `/practices/${other}/instanton-code`)).json();
    const integration = await (await exchange(code, false)).json();
    expect(integration.status).toBe('pending');
    expect((await h.call('GET', '/api/provider/practice', integration.access_token)).status).toBe(401);
    const activated = await (
      await h.call('POST', `/api/integrations/${integration.id}/activate`, h.creds.partnerApiKey)
    ).json();
    expect(activated.status).toBe('active');
    expect((await h.call('GET', '/api/provider/practice', integration.access_token)).status).toBe(200);
    await waitFor(
      () => rx.ofType('integration.activated').some((r) => r.body.object.id === integration.id),
      'activated event',
    );
    const deactivated = await (
      await h.call('POST', `/api/integrations/${integration.id}/deactivate`, h.creds.partnerApiKey)
    ).json();
    expect(deactivated.status).toBe('inactive');
    await waitFor(
      () => rx.ofType('integration.deactivated').some((r) => r.body.object.id === integration.id),
      'deactivated event',
    );
    expect((await h.call('GET', '/api/provider/practice', integration.access_token)).status).toBe(401);
    // no more practice events once inactive
    const before = rx.received.length;
    await harness('POST', `/practices/${other}/patients`, { first_name: 'After', last_name: 'Deactivation' });
    await new Promise((r) => setTimeout(r, 100));
    expect(rx.received.length).toBe(before);
    const shown = await (await h.call('GET', `/api/integrations/${integration.id}`, h.creds.partnerApiKey)).json();
    expect(shown).toMatchObject({ id: integration.id, status: 'inactive', practice: { id: other } });
  });

  it('also connects through the newer /partner/installations surface', async () => {
    const clinic = (await (await harness('POST', '/practices', { name: 'Install Clinic' })).json()).id;
    const { code } = await (await harness('POST', `/practices/${clinic}/instanton-code`)).json();
    const res = await h.call('POST', '/api/partner/installations/connect', h.creds.partnerApiKey, { code });
    expect(res.status).toBe(200);
    const installation = await res.json();
    expect(installation).toMatchObject({
      id: expect.stringMatching(/^inst-/),
      status: 'active',
      practice: { id: clinic },
      product: { id: expect.stringMatching(/^ppro-/) },
    });
    const token = installation.api_keys[0].token as string;
    expect(token).toMatch(/^[0-9A-Za-z]{36}$/);
    expect((await h.call('GET', '/api/provider/practice', token)).status).toBe(200);
    const shown = await (
      await h.call('GET', `/api/partner/installations/${installation.id}`, h.creds.partnerApiKey)
    ).json();
    expect(shown.api_keys[0].token).toBeNull(); // only shown on create
    const listed = await h.call('GET', '/api/partner/installations?status=active', h.creds.partnerApiKey);
    expect((await listed.json()).map((i: { id: string }) => i.id)).toContain(installation.id);
    const off = await (
      await h.call('POST', `/api/partner/installations/${installation.id}/deactivate`, h.creds.partnerApiKey)
    ).json();
    expect(off.status).toBe('deactivated');
    await waitFor(
      () => rx.ofType('installation.deactivated').some((r) => r.body.object.id === installation.id),
      'installation.deactivated',
    );
    expect((await h.call('GET', '/api/partner/installations?status=bogus', h.creds.partnerApiKey)).status).toBe(400);
  });

  it("lets a practice admin disconnect from Hint's side", async () => {
    const res = await harness('POST', `/practices/${practiceId}/disconnect`, {});
    expect((await res.json()).status).toBe('inactive');
    await waitFor(
      () => rx.ofType('integration.deactivated').some((r) => r.body.practice_id === practiceId),
      'deactivated',
    );
  });
});
