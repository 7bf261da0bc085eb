// End-to-end support for the Hint connector: the Hint emulator on a free port (real HTTP),
// the real Tandem composition on a fresh database pointed at it, and helpers to act as a
// Hint user (the emulator's harness) and to wait for asynchronous effects.
import { hintDeps, type HintDeps } from '../../src/connectors/hint/connection.ts';
import { createConnection } from '../../src/db/connections.ts';
import type { Queryable } from '../../src/db/pool.ts';
import { createPractice } from '../../src/db/practices.ts';
import { startEmulator } from '../../src/emulators/hint/index.ts';
import { createLogger } from '../../src/logger.ts';
import { loadOrCreateSecretKey, SecretBox } from '../../src/security/secrets.ts';
import type { RunningEmulator } from '../../src/emulators/shared/types.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { waitFor } from '../support/wait.ts';

/** The shared polling helper (test/support/wait.ts): truthy within 20 s by default. */
export { waitFor };

export interface HintCreds {
  partnerApiKey: string;
  webhookSecret: string;
  practices: { id: string; name: string; accessToken: string | null }[];
}

export interface HintWorld {
  hub: TestHub;
  emulator: RunningEmulator;
  creds: HintCreds;
  hintPracticeId: string;
  /** The emulator's harness (no auth). */
  harness(method: string, path: string, body?: unknown): Promise<any>;
  /** Hint's API with a practice token. */
  hint(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }>;
  connect(): Promise<string>;
  stop(): Promise<void>;
}

export async function startHintWorld(
  options: { seed?: number; rateLimit?: number; env?: Record<string, string> } = {},
): Promise<HintWorld> {
  const emulator = await startEmulator({ seed: options.seed, rateLimit: options.rateLimit ?? 50 });
  const harness = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emulator.url}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return text ? JSON.parse(text) : undefined;
  };
  const creds = (await harness('GET', '/credentials')) as HintCreds;
  const hub = await startTestHub({
    HINT_API_URL: emulator.url,
    HINT_PARTNER_API_KEY: creds.partnerApiKey,
    HINT_WEBHOOK_SECRET: creds.webhookSecret,
    ...options.env,
  });
  const hintPracticeId = creds.practices[0]!.id;
  const hint: HintWorld['hint'] = async (method, path, body, token = creds.practices[0]!.accessToken ?? '') => {
    const res = await fetch(`${emulator.url}/api${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    hub,
    emulator,
    creds,
    hintPracticeId,
    harness,
    hint,
    /** Connects the test practice with a code typed in through Tandem's API; returns the connection id. */
    async connect() {
      const { code } = await harness('POST', `/practices/${hintPracticeId}/instanton-code`, {});
      const res = await hub.api('POST', '/api/v1/hint/connections', { code });
      if (res.status !== 201) throw new Error(`connect failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.id as string;
    },
    async stop() {
      await hub.stop();
      await emulator.close();
    },
  };
}

/** The Tandem patient linked to a Hint patient, via the alias route. */
export async function tandemPatientOf(world: HintWorld, hintId: string): Promise<any> {
  const res = await world.hub.api('GET', `/api/v1/patients/hint:${hintId}`);
  return res.status === 200 ? res.body : undefined;
}

/** A patient created through Tandem's API, once the connection has created and linked it in Hint. */
export async function linkedTandemPatient(
  world: HintWorld,
  body: Record<string, unknown>,
): Promise<{ patientId: string; hintPatientId: string }> {
  const res = await world.hub.api('POST', '/api/v1/patients', body);
  if (res.status !== 201) throw new Error(`patient not created: ${res.status} ${JSON.stringify(res.body)}`);
  const patientId = res.body.id as string;
  const link = await waitFor(
    async () => (await world.hub.api('GET', `/api/v1/patients/${patientId}`)).body.links[0],
    'patient linked',
  );
  return { patientId, hintPatientId: link.remoteId as string };
}

/** Debian's Chromium, headless, for the app-inside-Hint browser tests: the console tests' launcher. */
/** The Hint connector's dependencies as the world's Tandem has them (to call a connector step directly). */
export async function worldDeps(world: HintWorld): Promise<HintDeps> {
  const { config } = world.hub.tandem;
  return hintDeps({
    config,
    db: world.hub.database.db,
    logger: createLogger('silent'),
    secrets: new SecretBox(await loadOrCreateSecretKey(config.secretKey, config.home)),
    publicUrl: () => world.hub.url,
  });
}

export { launchChromium } from '../support/browser.ts';

/** A practice of its own with an active Hint connection (no emulator: tests of the hub side). */
export async function hintConnectionIn(
  db: Queryable,
  secrets: SecretBox,
  name: string,
): Promise<{ practiceId: string; connectionId: string }> {
  const practice = await createPractice(db, { name });
  const connection = await createConnection(db, secrets, {
    practiceId: practice.id,
    system: 'hint',
    name: 'H',
    status: 'active',
    credentials: { accessToken: 'token-123' },
  });
  return { practiceId: practice.id, connectionId: connection.id };
}
