// OAuth as Salesforce does it, over real HTTP: the web-server flow through the authorize page
// with PKCE, refresh, the JWT bearer flow against the registered certificate, revocation, and
// expiry → 401 INVALID_SESSION_ID. Token errors keep the token endpoint's own shape.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwtAssertion, startSalesforce, tokenRequest, type Harness } from './support.ts';

let h: Harness;
beforeAll(async () => {
  h = await startSalesforce();
});
afterAll(async () => h?.close());

const callback = 'http://localhost:1717/OauthRedirect';

async function authorize(extra: Record<string, string> = {}): Promise<URL> {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: h.creds.clientId,
    redirect_uri: callback,
    state: 's1',
    ...extra,
  });
  const page = await fetch(`${h.url}/services/oauth2/authorize?${params}`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('Allow Access?');
  const form = Object.fromEntries([...html.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  const approve = await fetch(`${h.url}/services/oauth2/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...form, username: h.creds.username, decision: 'allow' }).toString(),
  });
  expect(approve.status).toBe(302);
  return new URL(approve.headers.get('location')!);
}

describe('web-server flow', () => {
  it('exchanges an approved code (PKCE S256) for access and refresh tokens, refreshes, and revokes', async () => {
    const verifier = 'v'.repeat(64);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const landed = await authorize({
      code_challenge: challenge,
      code_challenge_method: 'S256',
      scope: 'api refresh_token',
    });
    expect(landed.searchParams.get('state')).toBe('s1');
    const code = landed.searchParams.get('code')!;
    const form = {
      grant_type: 'authorization_code',
      code,
      client_id: h.creds.clientId,
      client_secret: h.creds.clientSecret,
      redirect_uri: callback,
    };
    const wrong = await tokenRequest(h.url, { ...form, code_verifier: 'x'.repeat(64) });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ error: 'invalid_request', error_description: 'invalid code verifier' });
    // The code was spent by the failed attempt, as in Salesforce: a fresh one is needed.
    const again = await authorize({
      code_challenge: challenge,
      code_challenge_method: 'S256',
      scope: 'api refresh_token',
    });
    const granted = await tokenRequest(h.url, {
      ...form,
      code: again.searchParams.get('code')!,
      code_verifier: verifier,
    });
    expect(granted.status).toBe(200);
    const tokens = await granted.json();
    expect(Object.keys(tokens).sort()).toEqual([
      'access_token',
      'id',
      'instance_url',
      'issued_at',
      'refresh_token',
      'scope',
      'signature',
      'token_type',
    ]);
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.issued_at).toMatch(/^\d{13}$/);
    expect(tokens.instance_url).toBe(h.url);
    expect(tokens.id).toBe(`${h.url}/id/${h.creds.orgId}/${h.creds.users[0]!.id}`);

    const refreshed = await tokenRequest(h.url, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: h.creds.clientId,
      client_secret: h.creds.clientSecret,
    });
    const next = await refreshed.json();
    expect(refreshed.status).toBe(200);
    expect(next.refresh_token).toBeUndefined();
    expect(next.access_token).not.toBe(tokens.access_token);

    const revoke = await fetch(`${h.url}/services/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${encodeURIComponent(tokens.refresh_token)}`,
    });
    expect(revoke.status).toBe(200);
    const dead = await fetch(`${h.url}/services/data/v62.0/limits`, {
      headers: { authorization: `Bearer ${next.access_token}` },
    });
    expect(dead.status).toBe(401);
    expect(await dead.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    const afterRevoke = await tokenRequest(h.url, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: h.creds.clientId,
      client_secret: h.creds.clientSecret,
    });
    expect(await afterRevoke.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'expired access/refresh token',
    });
  });

  it('refuses an unregistered callback and a wrong client secret', async () => {
    const page = await fetch(
      `${h.url}/services/oauth2/authorize?response_type=code&client_id=${h.creds.clientId}&redirect_uri=${encodeURIComponent('http://evil.example/cb')}`,
    );
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('redirect_uri_mismatch');
    const landed = await authorize();
    const bad = await tokenRequest(h.url, {
      grant_type: 'authorization_code',
      code: landed.searchParams.get('code')!,
      client_id: h.creds.clientId,
      client_secret: 'nope',
      redirect_uri: callback,
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'invalid_client', error_description: 'invalid client credentials' });
  });
});

describe('JWT bearer flow', () => {
  it('accepts an assertion signed with the registered key and refuses others', async () => {
    const ok = await tokenRequest(h.url, {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: jwtAssertion(h.creds),
    });
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(body.refresh_token).toBeUndefined();
    expect(body.instance_url).toBe(h.url);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const forged = await tokenRequest(h.url, {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: jwtAssertion(h.creds, {}, other),
    });
    expect(await forged.json()).toEqual({ error: 'invalid_grant', error_description: 'invalid assertion' });
    const wrongAud = await tokenRequest(h.url, {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: jwtAssertion(h.creds, { aud: 'https://login.salesforce.com' }),
    });
    expect((await wrongAud.json()).error).toBe('invalid_grant');
    const staff = await tokenRequest(h.url, {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: jwtAssertion(h.creds, { sub: 'staff@clinic.example' }),
    });
    expect(await staff.json()).toEqual({
      error: 'invalid_grant',
      error_description: "user hasn't approved this consumer",
    });
    const unsupported = await tokenRequest(h.url, { grant_type: 'password' });
    expect(await unsupported.json()).toEqual({
      error: 'unsupported_grant_type',
      error_description: 'grant type not supported',
    });
  });

  it('expires idle sessions: the next call answers 401 INVALID_SESSION_ID', async () => {
    const before = await h.api('GET', '/limits');
    expect(before.status).toBe(200);
    await h.harness('POST', '/clock', { advanceMs: 2 * 3_600_000 + 1000 });
    const after = await h.api('GET', '/limits');
    expect(after.status).toBe(401);
    expect(await after.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  });
});
