// Connecting an org (go-live scenarios 1–3): the web-server flow with PKCE through the
// emulator's Allow page and Tandem's callback, the JWT bearer flow, tokens sealed at rest,
// refresh on INVALID_SESSION_ID, a revoked refresh token surfacing "reconnect", org
// verification naming what is missing, and deactivation revoking the tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSfWorld, waitFor, type SfWorld } from './support.ts';

let w: SfWorld;

beforeAll(async () => {
  w = await startSfWorld({ seed: 10 });
  await w.harness('PATCH', '/connected-app', {
    callbackUrls: [...w.creds.callbackUrls, `${w.hub.url}/connect/salesforce/callback`],
  });
});
afterAll(async () => w?.stop());

/** The admin's browser: follow the authorize URL, click Allow as `username`, land on Tandem's callback. */
async function allowInSalesforce(authorizeUrl: string, username: string, decision = 'allow') {
  const url = new URL(authorizeUrl);
  const page = await fetch(url);
  expect(page.status).toBe(200);
  const form = new URLSearchParams({ ...Object.fromEntries(url.searchParams), username, decision });
  const allowed = await fetch(`${url.origin}/services/oauth2/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  expect(allowed.status).toBe(302);
  return fetch(allowed.headers.get('location')!, { redirect: 'manual' });
}

describe('connecting Salesforce', () => {
  it('sf scenario 01: web-server flow with PKCE — code exchanged, tokens sealed, instance URL used, org verified', async () => {
    const started = await w.hub.api('POST', '/api/v1/salesforce/connections/web', {
      name: 'Clinic org',
      loginUrl: w.creds.loginUrl,
      clientId: w.creds.clientId,
      clientSecret: w.creds.clientSecret,
    });
    expect(started.status).toBe(201);
    expect(started.body.connection.status).toBe('pending');
    const authorize = new URL(started.body.authorizeUrl);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const landed = await allowInSalesforce(started.body.authorizeUrl, 'admin@clinic.example');
    expect(landed.status).toBe(303);
    const id = started.body.connection.id;
    expect(landed.headers.get('location')).toBe(`/connections/${id}?connected=1`);

    const view = await w.hub.api('GET', `/api/v1/salesforce/connections/${id}`);
    expect(view.body).toMatchObject({ status: 'active', flow: 'web', instanceUrl: w.creds.instanceUrl });
    expect(view.body.verification.ok).toBe(true);
    expect(view.body.orgId).toBe(w.creds.orgId);
    // Sealed at rest: no token in the row.
    const { rows } = await w.hub.database.db.query(
      'SELECT credentials_encrypted::text AS c FROM connections WHERE id = $1',
      [id],
    );
    // (Not a search for "00D" or "access" in it: a random ciphertext sometimes holds those letters.)
    expect(rows[0].c).toMatch(/^v1\.[A-Za-z0-9._-]+$/);
    expect(rows[0].c).not.toContain(w.creds.orgId);
    // The state is single-use.
    const again = await fetch(
      `${w.hub.url}/connect/salesforce/callback?code=x&state=${authorize.searchParams.get('state')}`,
    );
    expect(again.status).toBe(400);
    expect(await again.text()).toMatch(/expired or was already used/);
    await w.hub.api('POST', `/api/v1/salesforce/connections/${id}/deactivate`);
  });

  it('a denied authorization is shown in words and connects nothing', async () => {
    const started = await w.hub.api('POST', '/api/v1/salesforce/connections/web', {
      loginUrl: w.creds.loginUrl,
      clientId: w.creds.clientId,
      clientSecret: w.creds.clientSecret,
    });
    const landed = await allowInSalesforce(started.body.authorizeUrl, 'admin@clinic.example', 'deny');
    expect(landed.status).toBe(400);
    expect(await landed.text()).toMatch(/access_denied/);
    const view = await w.hub.api('GET', `/api/v1/salesforce/connections/${started.body.connection.id}`);
    expect(view.body.status).toBe('pending');
  });

  it('bad input names the field and connects nothing', async () => {
    const res = await w.hub.api('POST', '/api/v1/salesforce/connections/jwt', {
      loginUrl: w.creds.loginUrl,
      clientId: w.creds.clientId,
      username: 'integration@clinic.example',
      privateKeyPem: 'not a key',
    });
    expect(res.status).toBe(422);
    expect(res.body.details[0].field).toBe('privateKeyPem');
    const wrongUser = await w.hub.api('POST', '/api/v1/salesforce/connections/jwt', {
      loginUrl: w.creds.loginUrl,
      clientId: w.creds.clientId,
      username: 'staff@clinic.example', // not pre-authorized
      privateKeyPem: w.creds.jwt.privateKeyPem,
    });
    expect(wrongUser.status).toBe(422);
    expect(wrongUser.body.details[0]).toMatchObject({ field: 'username' });
    expect(wrongUser.body.details[0].message).toMatch(/invalid_grant/);
  });

  it('sf scenario 02: an expired session is refreshed once and the call replayed; a revoked refresh token asks to reconnect', async () => {
    const id = await w.connectJwt();
    await w.harness('POST', '/sessions/expire');
    const verified = await w.hub.api('POST', `/api/v1/salesforce/connections/${id}/verify`);
    expect(verified.status).toBe(200);
    expect(verified.body.connection.status).toBe('active');
    await w.hub.api('POST', `/api/v1/salesforce/connections/${id}/deactivate`);

    // Web flow: revoke the refresh token behind Tandem's back, then expire the session.
    const started = await w.hub.api('POST', '/api/v1/salesforce/connections/web', {
      loginUrl: w.creds.loginUrl,
      clientId: w.creds.clientId,
      clientSecret: w.creds.clientSecret,
    });
    await allowInSalesforce(started.body.authorizeUrl, 'admin@clinic.example');
    const webId = started.body.connection.id;
    const { openCredentials } = await import('./support-secrets.ts');
    const creds = await openCredentials(w, webId);
    await fetch(`${w.creds.loginUrl}/services/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: creds.refreshToken }).toString(),
    });
    const failed = await w.hub.api('POST', `/api/v1/salesforce/connections/${webId}/verify`);
    expect(failed.status).toBe(409);
    expect(failed.body.error).toMatch(/invalid_grant.*Reconnect the org/);
    const after = await w.hub.api('GET', `/api/v1/salesforce/connections/${webId}`);
    expect(after.body).toMatchObject({ status: 'error' });
    await w.hub.api('POST', `/api/v1/salesforce/connections/${webId}/deactivate`);
  });

  it("sf scenario 03: an org without Tandem's package is refused with exactly what is missing and how to add it", async () => {
    const bare = await startSfWorld({ seed: 5, deploy: false, hub: w.hub });
    try {
      const res = await w.hub.api('POST', '/api/v1/salesforce/connections/jwt', {
        loginUrl: bare.creds.loginUrl,
        clientId: bare.creds.clientId,
        username: bare.creds.username,
        privateKeyPem: bare.creds.jwt.privateKeyPem,
      });
      expect(res.status).toBe(201);
      expect(res.body.connection.status).toBe('error');
      expect(res.body.connection.statusMessage).toMatch(/Contact\.Hint_Patient_Id__c is missing/);
      const names = res.body.verification.findings.map((f: any) => f.name);
      expect(names).toEqual(
        expect.arrayContaining([
          'Contact.Hint_Patient_Id__c',
          'Contact.Synced_to_Hint__c',
          'Contact.Last_Batch_Sync_Id__c',
          'Contact.Hint_Practitioner_Name__c',
          'Hint_Log__c',
          'Contact.Sync_to_Hint',
          'Contact.Unlink_Patient',
        ]),
      );
      const blocking = res.body.verification.findings
        .filter((f: any) => f.severity === 'blocking')
        .map((f: any) => f.name);
      expect(blocking.sort()).toEqual([
        'Contact.Hint_Patient_Id__c',
        'Contact.Last_Batch_Sync_Id__c',
        'Contact.Synced_to_Hint__c',
      ]);
      expect(res.body.verification.findings[0].fix).toMatch(/cd salesforce && sf project deploy start --target-org/);

      // Deployed, verified again: active.
      await bare.harness('POST', '/setup/deploy', {});
      const again = await w.hub.api('POST', `/api/v1/salesforce/connections/${res.body.connection.id}/verify`);
      expect(again.body.connection.status).toBe('active');
      expect(again.body.verification.findings.every((f: any) => f.severity === 'warning')).toBe(true);
      // The overview says it in words too: from the connector's own health report.
      const overview = await w.hub.api('GET', '/api/v1/overview');
      const card = overview.body.connections.find((c: any) => c.id === res.body.connection.id);
      expect(card.health.ok).toBe(true);
      expect(card.health.facts.join(' ')).toMatch(/Org verified with \d+ warnings? \(see the connection page\)/);
      expect(card.health.times.map((t: any) => t.label)).toContain('Org last verified');
      await w.hub.api('POST', `/api/v1/salesforce/connections/${res.body.connection.id}/deactivate`);
    } finally {
      await bare.emulator.close();
    }
  });

  it("deactivating revokes Tandem's tokens in Salesforce and keeps the connection's records", async () => {
    const id = await w.connectJwt();
    const { openCredentials } = await import('./support-secrets.ts');
    const creds = await openCredentials(w, id);
    const before = await fetch(`${w.creds.instanceUrl}/services/data/v62.0/limits`, {
      headers: { authorization: `Bearer ${creds.accessToken}` },
    });
    expect(before.status).toBe(200);
    const res = await w.hub.api('POST', `/api/v1/salesforce/connections/${id}/deactivate`);
    expect(res.body.status).toBe('deactivated');
    expect(res.body.statusMessage).toMatch(/revoked/);
    const after = await fetch(`${w.creds.instanceUrl}/services/data/v62.0/limits`, {
      headers: { authorization: `Bearer ${creds.accessToken}` },
    });
    expect(after.status).toBe(401);
    await waitFor(async () => true, 'nothing');
  });
});
