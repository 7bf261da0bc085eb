// Console sign-in over real HTTP against a real Tandem: setup link, sessions, CSRF, roles,
// practice scoping, rate limits. Each refusal is checked to have written nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueSetupLink } from '../../src/http/setup-link.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { addUser, CookieClient, TEST_PASSWORD } from '../support/console.ts';

const codeOf = (url: string) => new URL(url).searchParams.get('code')!;

describe('console auth API', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => hub?.stop());

  const count = async (sql: string, params: unknown[] = []) =>
    (await hub.database.db.query(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0].n as number;

  it('a setup link creates the first admin once; reused or expired it is refused and nothing is written', async () => {
    const { url } = await issueSetupLink(hub.database.db, hub.practiceId, hub.url);
    expect(url).toMatch(new RegExp(`^${hub.url}/setup\\?code=`));
    const code = codeOf(url);
    const client = new CookieClient(hub.url);
    const check = await client.call('POST', '/api/v1/auth/links/check', { code, purpose: 'setup' });
    expect(check.status).toBe(200);

    const bad = await client.call('POST', '/api/v1/auth/setup', { code, email: 'not-an-email', password: 'short' });
    expect(bad.status).toBe(422);
    expect(bad.body.details.map((d: any) => d.field).sort()).toEqual(['email', 'password']);

    const created = await client.call('POST', '/api/v1/auth/setup', {
      code,
      email: 'Boss@Clinic.example',
      password: TEST_PASSWORD,
      practiceName: 'Harbour Clinic',
    });
    expect(created.status).toBe(200);
    expect(created.body.user).toMatchObject({ email: 'boss@clinic.example', role: 'admin' });
    expect(created.body.practice).toEqual({ id: hub.practiceId, name: 'Harbour Clinic' });
    const setCookie = created.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/tandem_session=[^;]+;.*HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i);
    expect((await client.call('GET', '/api/v1/auth/session')).body.user.email).toBe('boss@clinic.example');

    const users = await count('users');
    const again = await new CookieClient(hub.url).call('POST', '/api/v1/auth/setup', {
      code,
      email: 'intruder@example.com',
      password: TEST_PASSWORD,
    });
    expect(again.status).toBe(410);
    expect(again.body.error).toMatch(/already been used/);
    expect(await count('users')).toBe(users);

    const expired = await issueSetupLink(hub.database.db, hub.practiceId, hub.url);
    await hub.database.db.query(`UPDATE auth_links SET expires_at = now() - interval '1 minute' WHERE used_at IS NULL`);
    const late = await new CookieClient(hub.url).call('POST', '/api/v1/auth/setup', {
      code: codeOf(expired.url),
      email: 'late@example.com',
      password: TEST_PASSWORD,
    });
    expect(late.status).toBe(410);
    expect(late.body.error).toMatch(/expired/);
    expect(await count('users')).toBe(users);
    expect(
      (
        await new CookieClient(hub.url).call('POST', '/api/v1/auth/links/check', {
          code: 'x'.repeat(32),
          purpose: 'setup',
        })
      ).status,
    ).toBe(404);
  });

  it('wrong passwords are 401 with a clear message, then rate-limited per account (429, Retry-After)', async () => {
    await addUser(hub.database.db, hub.practiceId, 'limited@example.com', 'staff');
    const client = new CookieClient(hub.url);
    const messages: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await client.signIn('limited@example.com', 'wrong password');
      expect(res.status).toBe(401);
      messages.push(res.body.error);
    }
    expect(messages[0]).toBe('The email or password is not right');
    expect(messages[3]).toMatch(/1 more try/);
    const blocked = await client.signIn('limited@example.com');
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toMatch(/Too many failed sign-ins for this account\. Try again in \d+ minutes?/);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(client.cookies.has('tandem_session')).toBe(false);
    // An unknown email is answered like a wrong password.
    expect((await client.signIn('nobody@example.com')).body.error).toBe('The email or password is not right');
  });

  it('a write without the CSRF header is 403 and changes nothing; with it, it goes through', async () => {
    await addUser(hub.database.db, hub.practiceId, 'csrf-admin@example.com', 'admin');
    const { body: patient } = await hub.api('POST', '/api/v1/patients', { firstName: 'Ann', lastName: 'Lee' });
    const client = new CookieClient(hub.url);
    expect((await client.signIn('csrf-admin@example.com')).status).toBe(200);
    const users = await count('users');
    const refused = await client.call(
      'POST',
      '/api/v1/users',
      { email: 'x@example.com', role: 'staff' },
      { csrf: false },
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatch(/x-csrf-token/);
    expect(await count('users')).toBe(users);
    const wrong = await client.call(
      'PATCH',
      `/api/v1/patients/${patient.id}`,
      { lastName: 'Changed' },
      { csrf: false, headers: { 'x-csrf-token': 'nope' } },
    );
    expect(wrong.status).toBe(403);
    expect((await hub.api('GET', `/api/v1/patients/${patient.id}`)).body.lastName).toBe('Lee');
    const ok = await client.call('PATCH', `/api/v1/patients/${patient.id}`, { lastName: 'Changed' });
    expect(ok.status).toBe(200);
    expect((await hub.api('GET', `/api/v1/patients/${patient.id}`)).body.lastName).toBe('Changed');
  });

  it('staff cannot touch users, tokens or connections (403, nothing written) but work with records', async () => {
    await addUser(hub.database.db, hub.practiceId, 'front-desk@example.com', 'staff');
    const client = new CookieClient(hub.url);
    expect((await client.signIn('front-desk@example.com')).body.user.role).toBe('staff');
    const tokens = await count('api_tokens');
    for (const [method, path, body] of [
      ['GET', '/api/v1/users'],
      ['POST', '/api/v1/users', { email: 'y@example.com', role: 'admin' }],
      ['GET', '/api/v1/tokens'],
      ['POST', '/api/v1/tokens', { name: 'mine' }],
      ['POST', '/api/v1/hint/connections', {}],
      ['PATCH', '/api/v1/hint/connections/00000000-0000-0000-0000-000000000000/settings', {}],
      ['POST', '/api/v1/practice/disable', {}],
    ] as const) {
      const res = await client.call(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error).toBe('Only an admin of this practice can do that');
    }
    expect(await count('api_tokens')).toBe(tokens);
    expect(await count('users WHERE email = $1', ['y@example.com'])).toBe(0);
    expect((await client.call('GET', '/api/v1/patients')).status).toBe(200);
    expect((await client.call('GET', '/api/v1/connections')).status).toBe(200);
    expect((await client.call('POST', '/api/v1/patients', { firstName: 'Sam', lastName: 'Fry' })).status).toBe(201);
  });

  it("another practice's record by id is 404, for a user of both until they switch to it", async () => {
    const other = await hub.newPractice('Other clinic');
    const { body: theirs } = await hub.api(
      'POST',
      '/api/v1/patients',
      { firstName: 'Zed', lastName: 'Ng' },
      {},
      other.token,
    );
    await addUser(hub.database.db, hub.practiceId, 'both@example.com', 'staff');
    const client = new CookieClient(hub.url);
    const signedIn = await client.signIn('both@example.com');
    expect(signedIn.body.practices).toHaveLength(1);
    expect((await client.call('GET', `/api/v1/patients/${theirs.id}`)).status).toBe(404);
    expect((await client.call('PATCH', `/api/v1/patients/${theirs.id}`, { lastName: 'X' })).status).toBe(404);
    expect((await client.call('PUT', '/api/v1/auth/practice', { practiceId: other.practiceId })).status).toBe(404);

    await addUser(hub.database.db, other.practiceId, 'both@example.com', 'admin');
    const switched = await client.call('PUT', '/api/v1/auth/practice', { practiceId: other.practiceId });
    expect(switched.status).toBe(200);
    expect(switched.body).toMatchObject({ practice: { id: other.practiceId }, user: { role: 'admin' } });
    expect(switched.body.practices).toHaveLength(2);
    expect((await client.call('GET', `/api/v1/patients/${theirs.id}`)).body.lastName).toBe('Ng');
  });

  it('sign out ends the session; sign out everywhere ends all of them; idle sessions end', async () => {
    await addUser(hub.database.db, hub.practiceId, 'leaver@example.com', 'staff');
    const a = new CookieClient(hub.url);
    const b = new CookieClient(hub.url);
    await a.signIn('leaver@example.com');
    await b.signIn('leaver@example.com');
    const stolen = new Map(a.cookies);
    expect((await a.call('POST', '/api/v1/auth/sign-out')).status).toBe(204);
    expect(a.cookies.has('tandem_session')).toBe(false);
    const replay = new CookieClient(hub.url);
    for (const [k, v] of stolen) replay.cookies.set(k, v);
    expect((await replay.call('GET', '/api/v1/patients')).status).toBe(401);
    expect((await b.call('GET', '/api/v1/patients')).status).toBe(200);

    const c = new CookieClient(hub.url);
    await c.signIn('leaver@example.com');
    expect((await c.call('POST', '/api/v1/auth/sign-out-everywhere')).body.ended).toBe(2);
    expect((await b.call('GET', '/api/v1/patients')).status).toBe(401);

    const d = new CookieClient(hub.url);
    await d.signIn('leaver@example.com');
    await hub.database.db.query(
      `UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE user_id = (SELECT id FROM users WHERE email = 'leaver@example.com')`,
    );
    const idle = await d.call('GET', '/api/v1/patients');
    expect(idle.status).toBe(401);
    expect(idle.body.error).toMatch(/idle too long/);
  });

  it('Bearer tokens work exactly as before, without CSRF, even next to a cookie', async () => {
    const res = await hub.api('POST', '/api/v1/patients', { firstName: 'Tok', lastName: 'En' });
    expect(res.status).toBe(201);
    expect((await hub.api('GET', '/api/v1/patients', undefined, { cookie: 'tandem_session=garbage' })).status).toBe(
      200,
    );
    expect((await hub.api('GET', '/api/v1/auth/session')).status).toBe(403);
  });

  it('admins invite staff with a one-time link, change roles, and disable users (their sessions end)', async () => {
    await addUser(hub.database.db, hub.practiceId, 'chief@example.com', 'admin');
    const admin = new CookieClient(hub.url);
    await admin.signIn('chief@example.com');
    const invited = await admin.call('POST', '/api/v1/users', { email: 'New.Hire@example.com', role: 'staff' });
    expect(invited.status).toBe(201);
    expect(invited.body.user).toMatchObject({ email: 'new.hire@example.com', role: 'staff', pending: true });
    expect(invited.body.link).toMatch(new RegExp(`^${hub.url}/set-password\\?code=`));
    expect((await admin.call('POST', '/api/v1/users', { email: 'new.hire@example.com', role: 'staff' })).status).toBe(
      409,
    );

    const hire = new CookieClient(hub.url);
    const code = codeOf(invited.body.link);
    expect((await hire.call('POST', '/api/v1/auth/links/check', { code, purpose: 'set-password' })).body.email).toBe(
      'new.hire@example.com',
    );
    const set = await hire.call('POST', '/api/v1/auth/set-password', { code, password: 'a long new password' });
    expect(set.status).toBe(200);
    expect(set.body.user.role).toBe('staff');
    expect(
      (
        await new CookieClient(hub.url).call('POST', '/api/v1/auth/set-password', {
          code,
          password: 'another password',
        })
      ).status,
    ).toBe(410);

    const id = invited.body.user.id;
    const promoted = await admin.call('PATCH', `/api/v1/users/${id}`, { role: 'admin' });
    expect(promoted.body.role).toBe('admin');
    expect((await hire.call('GET', '/api/v1/patients')).status).toBe(401); // role changed: sign in again
    await hire.signIn('new.hire@example.com', 'a long new password');
    expect((await hire.call('GET', '/api/v1/users')).status).toBe(200);
    const disabled = await admin.call('PATCH', `/api/v1/users/${id}`, { disabled: true });
    expect(disabled.body.disabled).toBe(true);
    expect((await hire.call('GET', '/api/v1/patients')).status).toBe(401);
    expect((await hire.signIn('new.hire@example.com', 'a long new password')).status).toBe(403);
  });
});

describe('console auth over https', () => {
  it('marks the cookies Secure when TANDEM_PUBLIC_URL is https', async () => {
    const hub = await startTestHub({ TANDEM_PUBLIC_URL: 'https://tandem.example.com' });
    try {
      await addUser(hub.database.db, hub.practiceId, 'secure@example.com', 'admin');
      const res = await new CookieClient(hub.url).signIn('secure@example.com');
      for (const line of res.headers.getSetCookie()) expect(line).toMatch(/; Secure/);
    } finally {
      await hub.stop();
    }
  });
});
