// Starts the real Tandem composition (HTTP, workers, outbox) on a fresh test database and a
// free port, with an API token for a fresh practice. Tests then speak real HTTP to it.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { createLogger, type Logger } from '../../src/logger.ts';
import { startTandem, type RunningTandem } from '../../src/main.ts';
import { createApiToken, createPractice } from '../../src/db/practices.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

export interface TestHub {
  tandem: RunningTandem;
  database: TestDatabase;
  url: string;
  token: string;
  practiceId: string;
  api(
    method: string,
    route: string,
    body?: unknown,
    headers?: Record<string, string>,
    token?: string,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  newPractice(name?: string): Promise<{ practiceId: string; token: string }>;
  stop(): Promise<void>;
}

/** `logger`: to capture what Tandem logs (the default logs nothing). */
export async function startTestHub(env: Record<string, string> = {}, logger?: Logger): Promise<TestHub> {
  const database = await createTestDatabase();
  const home = await mkdtemp(path.join(os.tmpdir(), 'tandem-hub-'));
  const config = loadConfig({
    DATABASE_URL: database.url,
    PORT: '0',
    TANDEM_HOME: home,
    TANDEM_LOG_LEVEL: 'silent',
    TANDEM_SANDBOX: 'off',
    NODE_ENV: 'test',
    ...env,
  });
  const tandem = await startTandem(config, logger ?? createLogger('silent'));
  const newPractice = async (name = 'Test practice') => {
    const practice = await createPractice(database.db, { name, timeZone: 'Australia/Sydney', country: 'AU' });
    const { token } = await createApiToken(database.db, practice.id, 'test');
    return { practiceId: practice.id, token };
  };
  const { practiceId, token } = await newPractice();
  const api: TestHub['api'] = async (method, route, body, headers = {}, useToken = token) => {
    const response = await fetch(`${tandem.url}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${useToken}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
  return {
    tandem,
    database,
    url: tandem.url,
    token,
    practiceId,
    api,
    newPractice,
    async stop() {
      await tandem.stop();
      await database.drop();
    },
  };
}
