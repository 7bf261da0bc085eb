// The embedded app's handshake and API over real HTTP: Hint's emulator signs and sends the
// handshake; the bad cases are signed (or mis-signed) here by an independent HMAC, as an
// attacker or a misconfigured partner would. Every refusal writes no session.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHintWorld, waitFor, type HintWorld } from './support.ts';

let world: HintWorld;
let connectionId: string;

const sign = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

function handshakeBody(overrides: Record<string, unknown> = {}, at = new Date()): string {
  return JSON.stringify({
    timestamp: at.toISOString(),
    user: { id: 'user-1', email: 'dev@example.com', name: 'Dev User', partner_roles: ['tandem_clinician'] },
    practice: { id: world.hintPracticeId, name: 'Example Practice' },
    integration: { id: 'int-1' },
    access_token: 'ignored',
    ...overrides,
  });
}

async function post(body: string, signature?: string) {
  const res = await fetch(`${world.hub.url}/hint/app/handshake`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { 'x-hint-signature': signature } : {}) },
    body,
  });
  return { status: res.status, body: (await res.json()) as any };
}

const sessions = async () =>
  Number((await world.hub.database.db.query('SELECT count(*) FROM hint_app_sessions')).rows[0].count);

async function app(method: string, path: string, key: string | undefined, body?: unknown) {
  const res = await fetch(`${world.hub.url}${path}`, {
    method,
    headers: {
      ...(key ? { authorization: `HintSession ${key}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function sessionFor(roles: string[]): Promise<string> {
  const body = handshakeBody({ user: { id: 'user-2', email: 'x@example.com', name: 'X', partner_roles: roles } });
  const res = await post(body, sign(world.creds.webhookSecret, body));
  expect(res.status).toBe(200);
  return res.body.session_key;
}

beforeAll(async () => {
  world = await startHintWorld({ seed: 7 });
  connectionId = await world.connect();
  await world.harness('PATCH', '/partner', {
    handshakeUrl: `${world.hub.url}/hint/app/handshake`,
    surfaces: { core_page: `${world.hub.url}/hint/app/core` },
  });
});
afterAll(() => world.stop());

describe('Hint app handshake', () => {
  it('answers the handshake Hint signs with a session key of 256 bits, stored only hashed', async () => {
    const res = await world.harness('POST', `/practices/${world.hintPracticeId}/handshake`, {
      user: { partner_roles: ['tandem_front_desk'] },
    });
    expect(res.statusCode).toBe(200);
    expect(res.sessionKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.iframeUrl).toContain(`/hint/app/core?session_key=${res.sessionKey}`);
    const stored = await world.hub.database.db.query(
      'SELECT key_hash, expires_at - created_at AS ttl FROM hint_app_sessions',
    );
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0].key_hash.toString('utf8')).not.toContain(res.sessionKey);
    expect(stored.rows[0].ttl.hours).toBe(12);
    const me = await app('GET', '/hint/app/api/session', res.sessionKey);
    expect(me.status).toBe(200);
    expect(me.body.roles).toEqual(['tandem_front_desk']);
    expect(me.body.permissions).toEqual(['view', 'retry']);
  });

  it('refuses forged, altered, stale, future and replayed handshakes, writing nothing', async () => {
    const secret = world.creds.webhookSecret;
    const before = await sessions();
    const good = handshakeBody();
    expect((await post(good)).status).toBe(401);
    expect((await post(good, sign('not-the-key', good))).status).toBe(401);
    const altered = good.replace('tandem_clinician', 'tandem_admin');
    expect((await post(altered, sign(secret, good))).status).toBe(401);
    const stale = handshakeBody({}, new Date(Date.now() - 6 * 60_000));
    const staleRes = await post(stale, sign(secret, stale));
    expect(staleRes.status).toBe(401);
    expect(staleRes.body.error).toMatch(/older than 5 minutes/);
    const future = handshakeBody({}, new Date(Date.now() + 5 * 60_000));
    expect((await post(future, sign(secret, future))).status).toBe(401);
    const malformed = handshakeBody({ timestamp: 'yesterday' });
    const malformedRes = await post(malformed, sign(secret, malformed));
    expect(malformedRes.status).toBe(400);
    expect(malformedRes.body.error).toMatch(/timestamp/);
    expect(await sessions()).toBe(before);

    expect((await post(good, sign(secret, good))).status).toBe(200);
    const replay = await post(good, sign(secret, good));
    expect(replay.status).toBe(401);
    expect(replay.body.error).toMatch(/replay/);
    expect(await sessions()).toBe(before + 1);
  });

  it('tells an unconnected Hint practice to connect first (404)', async () => {
    const body = handshakeBody({ practice: { id: 'pra-unknown0000', name: 'Other' } });
    const res = await post(body, sign(world.creds.webhookSecret, body));
    expect(res.status).toBe(404);
    expect(res.body.error).toMatch(/connect Hint/);
  });
});

describe('Hint app API', () => {
  it('needs a live session key', async () => {
    expect((await app('GET', '/hint/app/api/session', undefined)).status).toBe(401);
    expect((await app('GET', '/hint/app/api/session', 'x'.repeat(43))).status).toBe(401);
  });

  it('enforces the role table on the server', async () => {
    const { body: patients } = await world.hint('GET', '/provider/patients?limit=1');
    const hintId = patients[0].id as string;
    const none = await sessionFor(['some_other_partner_role']);
    const noRole = await app('GET', `/hint/app/api/patients/${hintId}`, none);
    expect(noRole.status).toBe(403);
    expect(noRole.body.error).toMatch(/ask your practice admin/);

    const frontDesk = await sessionFor(['tandem_front_desk']);
    expect((await app('GET', `/hint/app/api/patients/${hintId}`, frontDesk)).status).toBe(200);
    const refused = await app('POST', `/hint/app/api/patients/${hintId}/link`, frontDesk);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatch(/"link"/);
    expect((await app('GET', '/hint/app/api/settings', frontDesk)).status).toBe(403);

    const clinician = await sessionFor(['tandem_clinician']);
    const linked = await app('POST', `/hint/app/api/patients/${hintId}/link`, clinician);
    expect(linked.status).toBe(200);
    expect(linked.body.outcome).toBe('merged');
    const panel = await waitFor(async () => {
      const res = await app('GET', `/hint/app/api/patients/${hintId}`, clinician);
      // A seeded Hint patient may carry data Tandem refuses (then the link is errored, with the reason).
      return ['linked', 'errored'].includes(res.body.status) ? res.body : undefined;
    }, 'the Hint patient linked');
    expect(panel.patient.consoleUrl).toContain(`/patients/${panel.patient.id}`);
    const hintLink = panel.links.find((l: any) => l.system === 'hint' && l.remoteId === hintId);
    expect(hintLink).toBeDefined();
    if (panel.status === 'errored') expect(hintLink.errorMessage).toBeTruthy();
    const retried = await app('POST', `/hint/app/api/patients/${hintId}/retry`, frontDesk);
    expect(retried.status).toBe(200);
    expect(retried.body.queued).toBe(true);

    const admin = await sessionFor(['admin']);
    const bad = await app('PATCH', '/hint/app/api/settings', admin, { partnerInteractions: 'yes' });
    expect(bad.status).toBe(422);
    expect(bad.body.details[0].field).toBe('partnerInteractions');
    const ok = await app('PATCH', '/hint/app/api/settings', admin, { partnerInteractions: false });
    expect(ok.status).toBe(200);
    expect((await app('GET', '/hint/app/api/settings', admin)).body.partnerInteractions).toBe(false);
    await app('PATCH', '/hint/app/api/settings', admin, { partnerInteractions: true });
  });

  it("never shows another practice's patient, and a malformed id is a 400", async () => {
    const key = await sessionFor(['tandem_admin']);
    const other = await app('GET', '/hint/app/api/patients/pat-notinthispractice', key);
    expect(other.status).toBe(200);
    expect(other.body.status).toBe('unsynced');
    expect(other.body.patient).toBeNull();
    const malformed = await app('GET', '/hint/app/api/patients/bad!id', key);
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatch(/hintPatientId/);
    // A NUL byte is refused before any route runs (the hub's hostile-input guard), naming the field.
    const nul = await app('GET', '/hint/app/api/patients/%00bad', key);
    expect(nul.status).toBe(422);
  });

  it('only the surfaces may be framed, and only by the configured Hint origins', async () => {
    const surface = await fetch(`${world.hub.url}/hint/app/core?session_key=abc`);
    const csp = surface.headers.get('content-security-policy') ?? '';
    expect(csp).toContain('frame-ancestors https://app.hint.com https://app.staging.hint.com');
    expect(surface.headers.get('x-frame-options')).toBeNull();
    const api = await fetch(`${world.hub.url}/api/v1/patients`);
    expect(api.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('ends every session when the Hint connection is deactivated', async () => {
    const key = await sessionFor(['tandem_admin']);
    expect((await app('GET', '/hint/app/api/session', key)).status).toBe(200);
    const res = await world.hub.api('POST', `/api/v1/hint/connections/${connectionId}/deactivate`);
    expect(res.status).toBe(200);
    expect((await app('GET', '/hint/app/api/session', key)).status).toBe(401);
  });
});
