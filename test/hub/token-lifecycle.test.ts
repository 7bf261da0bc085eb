// Tokens and practices end for real: revoking a token or disabling a practice takes effect at
// once in every Tandem process on the database (LISTEN/NOTIFY drops each process's auth cache),
// through the API, the CLI or plain SQL alike. Two Tandem instances share one database here.
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startTandem, type RunningTandem } from '../../src/main.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

let hub: TestHub;
let other: RunningTandem;

beforeAll(async () => {
  hub = await startTestHub();
  const home = await mkdtemp(path.join(os.tmpdir(), 'tandem-hub-'));
  const config = loadConfig({
    DATABASE_URL: hub.database.url,
    PORT: '0',
    TANDEM_HOME: home,
    TANDEM_SANDBOX: 'off',
    NODE_ENV: 'test',
  });
  other = await startTandem(config, createLogger('silent'));
});
afterAll(async () => {
  await other.stop();
  await hub.stop();
});

const get = (url: string, token: string, route = '/api/v1/patients') =>
  fetch(`${url}${route}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);

/** The status the other process answers once its cache has had the chance to hear the news. */
async function refusedByOther(token: string, status: number): Promise<boolean> {
  // A notification crosses a socket; give it a moment, never the old 30 s cache lifetime.
  for (let i = 0; i < 50; i++) {
    if ((await get(other.url, token)) === status) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe('token lifecycle', () => {
  it('lists, creates and revokes tokens over the API; a revoked token stops in both processes', async () => {
    const created = await hub.api('POST', '/api/v1/tokens', { name: 'integration' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'integration', token: expect.stringMatching(/^tdm_/) });
    const token = created.body.token as string;
    // Both processes have now resolved (and cached) the token.
    expect(await get(hub.url, token)).toBe(200);
    expect(await get(other.url, token)).toBe(200);

    const list = await hub.api('GET', '/api/v1/tokens');
    expect(list.status).toBe(200);
    const listed = list.body.data.find((t: { id: string }) => t.id === created.body.id);
    expect(listed).toMatchObject({ name: 'integration', revokedAt: null, lastUsedAt: expect.any(String) });
    expect(JSON.stringify(list.body)).not.toContain(token);

    expect((await hub.api('DELETE', `/api/v1/tokens/${created.body.id}`)).status).toBe(204);
    expect(await get(hub.url, token)).toBe(401);
    expect(await refusedByOther(token, 401)).toBe(true);
    const after = await hub.api('GET', '/api/v1/tokens?includeRevoked=true');
    expect(after.body.data.find((t: { id: string }) => t.id === created.body.id).revokedAt).toEqual(expect.any(String));
    expect((await hub.api('GET', '/api/v1/tokens')).body.data.map((t: { id: string }) => t.id)).not.toContain(
      created.body.id,
    );
  });

  it('a revocation by plain SQL reaches every process too', async () => {
    const { token } = (await hub.api('POST', '/api/v1/tokens', { name: 'sql' })).body;
    expect(await get(other.url, token)).toBe(200);
    await hub.database.db.query(`UPDATE api_tokens SET revoked_at = now() WHERE name = 'sql'`);
    expect(await refusedByOther(token, 401)).toBe(true);
  });

  it("cannot revoke another practice's token, and refuses bad ids and names", async () => {
    const theirs = await hub.newPractice('Other clinic');
    const ownList = await hub.api('GET', '/api/v1/tokens', undefined, {}, theirs.token);
    const theirTokenId = ownList.body.data[0].id;
    const attempt = await hub.api('DELETE', `/api/v1/tokens/${theirTokenId}`);
    expect(attempt.status).toBe(404);
    expect(await get(hub.url, theirs.token)).toBe(200);
    expect((await hub.api('DELETE', '/api/v1/tokens/not-a-uuid')).status).toBe(404);
    const noName = await hub.api('POST', '/api/v1/tokens', { name: '' });
    expect(noName.status).toBe(422);
    expect(noName.body.details[0].field).toBe('name');
  });
});

describe('practice disable', () => {
  it('refuses every token of a disabled practice at once in both processes; enable restores them', async () => {
    const practice = await hub.newPractice('Closing clinic');
    expect(await get(other.url, practice.token)).toBe(200);
    const disabled = await hub.api('POST', '/api/v1/practice/disable', {}, {}, practice.token);
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ id: practice.practiceId, disabledAt: expect.any(String) });
    const refused = await hub.api('GET', '/api/v1/patients', undefined, {}, practice.token);
    expect(refused).toMatchObject({ status: 403, body: { error: 'This practice is disabled', details: [] } });
    expect(await refusedByOther(practice.token, 403)).toBe(true);
    // Other practices are untouched.
    expect(await get(other.url, hub.token)).toBe(200);

    const enable = await promisify(execFile)(
      process.execPath,
      ['bin/tandem.js', 'practice', 'enable', practice.practiceId],
      { env: { ...process.env, DATABASE_URL: hub.database.url } },
    );
    expect(enable.stdout).toContain('enabled');
    expect(await refusedByOther(practice.token, 200)).toBe(true);
    expect(await get(hub.url, practice.token)).toBe(200);
  });
});
