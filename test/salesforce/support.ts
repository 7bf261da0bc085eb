// End-to-end support for the Salesforce connector: the Salesforce emulator on a free port (real
// HTTP, real time), the real Tandem composition on a fresh database, and helpers to act as a
// Salesforce user (the emulator's harness) or as the org's API, and to wait for effects.
import type { Queryable } from '../../src/db/pool.ts';
import { startEmulator } from '../../src/emulators/salesforce/index.ts';
import type { RunningEmulator } from '../../src/emulators/shared/types.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { waitFor as waitForImpl } from '../support/wait.ts';

export interface SfCreds {
  loginUrl: string;
  instanceUrl: string;
  clientId: string;
  clientSecret: string;
  callbackUrls: string[];
  username: string;
  jwt: { privateKeyPem: string; certificatePem: string };
  orgId: string;
}

export interface SfWorld {
  hub: TestHub;
  emulator: RunningEmulator;
  creds: SfCreds;
  harness(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** The org's REST API as the integration user (its own session, not Tandem's). */
  sf(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Connects the test practice with the JWT bearer flow; returns the connection id. */
  connectJwt(settings?: Record<string, unknown>): Promise<string>;
  stop(): Promise<void>;
}

export async function startSfWorld(
  options: { seed?: number; deploy?: boolean; env?: Record<string, string>; hub?: TestHub } = {},
): Promise<SfWorld> {
  const emulator = await startEmulator({ seed: options.seed });
  const call = async (url: string, method: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(url, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as any };
  };
  const harness: SfWorld['harness'] = (method, path, body) => call(`${emulator.url}/_emulator${path}`, method, body);
  const creds = (await harness('GET', '/credentials')).body as SfCreds;
  if (options.deploy !== false) await harness('POST', '/setup/deploy', {});
  // CometD connects held 1 s instead of 25: a stopped subscriber does not hold the emulator's close.
  await harness('PATCH', '/config', { connectTimeoutMs: 1000 });
  const hub = options.hub ?? (await startTestHub(options.env));
  let token: string | undefined;
  const sf: SfWorld['sf'] = async (method, path, body) => {
    if (!token) token = await jwtToken(creds);
    return call(`${emulator.url}/services/data/v62.0${path}`, method, body, { authorization: `Bearer ${token}` });
  };
  return {
    hub,
    emulator,
    creds,
    harness,
    sf,
    async connectJwt(settings) {
      const res = await hub.api('POST', '/api/v1/salesforce/connections/jwt', {
        loginUrl: creds.loginUrl,
        clientId: creds.clientId,
        username: creds.username,
        privateKeyPem: creds.jwt.privateKeyPem,
        ...(settings ? { settings } : {}),
      });
      if (res.status !== 201) throw new Error(`connect failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.connection.id as string;
    },
    async stop() {
      if (!options.hub) await hub.stop();
      await emulator.close();
    },
  };
}

async function jwtToken(creds: SfCreds): Promise<string> {
  const { createSign } = await import('node:crypto');
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const unsigned = `${enc({ alg: 'RS256' })}.${enc({ iss: creds.clientId, sub: creds.username, aud: creds.loginUrl, exp: Math.floor(Date.now() / 1000) + 180 })}`;
  const assertion = `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(creds.jwt.privateKeyPem, 'base64url')}`;
  const res = await fetch(`${creds.loginUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

// The one polling helper of the tests (20 s by default: a loaded 2-core machine).
export { waitFor } from '../support/wait.ts';

/**
 * Salesforce jobs that can still run, narrowed by an SQL condition on graphile_worker.jobs
 * (jobs that used up their attempts stay in the table: they are not counted).
 */
export async function salesforceJobs(db: Queryable, where = 'true'): Promise<number> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS n FROM graphile_worker.jobs
      WHERE task_identifier LIKE 'salesforce:%' AND attempts < max_attempts AND (${where})`,
  );
  return rows[0].n as number;
}

/** No Salesforce job waiting or running. */
export function salesforceSettled(db: Queryable, what = 'Salesforce jobs done', timeoutMs?: number) {
  return waitForImpl(async () => (await salesforceJobs(db)) === 0, what, timeoutMs);
}
