// Roles, loop ownership and metrics (docs/operations.md): several Tandem processes on one
// PostgreSQL. Processes here are in-process Tandem instances with their own pools, which is all
// that two processes share: the database.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startTandem, type RunningTandem } from '../../src/main.ts';
import { createApiToken, createPractice } from '../../src/db/practices.ts';
import { createPool } from '../../src/db/pool.ts';
import { ownLoop } from '../../src/jobs/leases.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { waitFor } from '../hint/support.ts';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

async function start(database: TestDatabase, role: string): Promise<RunningTandem> {
  const home = await mkdtemp(path.join(os.tmpdir(), `tandem-${role}-`));
  const config = loadConfig({
    DATABASE_URL: database.url,
    PORT: '0',
    TANDEM_HOME: home,
    TANDEM_SECRET_KEY: 'k'.repeat(64),
    TANDEM_LOG_LEVEL: 'silent',
    TANDEM_SANDBOX: 'off',
    NODE_ENV: 'test',
    TANDEM_ROLE: role,
    TANDEM_METRICS_TOKEN: METRICS_TOKEN,
  });
  return startTandem(config, createLogger('silent'));
}

describe('roles: api and worker processes on one database', () => {
  let database: TestDatabase;
  let api: RunningTandem;
  let worker: RunningTandem | undefined;
  let token: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    api = await start(database, 'api');
    const practice = await createPractice(database.db, { name: 'Roles', timeZone: 'Australia/Sydney', country: 'AU' });
    token = (await createApiToken(database.db, practice.id, 'test')).token;
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await api?.stop();
    await database?.drop();
  });
  const call = (t: RunningTandem, route: string, init: RequestInit = {}) =>
    fetch(`${t.url}${route}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });

  it('an api process serves and enqueues but runs no job; a worker process runs them', async () => {
    expect((await call(api, '/health/ready')).status).toBe(200);
    const created = await call(api, '/api/v1/patients', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ firstName: 'Roland', lastName: 'Split' }),
    });
    expect(created.status).toBe(201);
    const undispatched = async () =>
      (await database.db.query('SELECT count(*)::int AS n FROM domain_events WHERE dispatched_at IS NULL')).rows[0]
        .n as number;
    await new Promise((r) => setTimeout(r, 1500));
    expect(await undispatched()).toBeGreaterThan(0); // nobody runs the outbox yet
    worker = await start(database, 'worker');
    await waitFor(async () => (await undispatched()) === 0, 'the worker dispatched the change', 30_000);
  });

  it('a worker serves probes and metrics only', async () => {
    expect(worker).toBeDefined();
    const w = worker!;
    expect((await call(w, '/health/live')).status).toBe(200);
    expect(await (await call(w, '/health/ready')).json()).toEqual({ status: 'ok' });
    expect((await call(w, '/api/v1/patients')).status).toBe(404);
    expect((await call(w, '/webhooks/hint', { method: 'POST' })).status).toBe(404);
  });

  it('serves /metrics only to the metrics token, without a patient in it', async () => {
    for (const t of [api, worker!]) {
      expect((await fetch(`${t.url}/metrics`)).status).toBe(404);
      expect((await call(t, '/metrics')).status).toBe(404); // an API token is not the metrics token
      const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(res.status).toBe(200);
      const text = await res.text();
      for (const name of [
        'tandem_outbox_backlog',
        'tandem_db_pool_connections',
        'tandem_process_cpu_user_seconds_total',
      ])
        expect(text).toContain(name);
      expect(text).not.toMatch(/Roland|Split/);
    }
    const apiText = await (
      await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    expect(apiText).toMatch(
      /tandem_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/patients",status="2xx"\} [1-9]/,
    );
  });

  it('refuses a split role without DATABASE_URL, in one line', () => {
    expect(() => loadConfig({ TANDEM_ROLE: 'worker' })).toThrow(ConfigError);
    expect(() => loadConfig({ TANDEM_ROLE: 'workers', DATABASE_URL: 'postgres://x' })).toThrow(
      /TANDEM_ROLE: must be all, api or worker/,
    );
  });
});

describe('one owner for each long-lived loop', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  it('runs a loop in one process at a time; another takes it over when the owner stops or loses its session', async () => {
    const pools = [createPool(database.url, 3), createPool(database.url, 3)];
    const running: [number, number] = [0, 0];
    const total = () => running[0] + running[1];
    let overlap = false;
    const loops = pools.map((db, i) =>
      ownLoop(
        db,
        'test:poller',
        () => {
          running[i as 0 | 1] = 1;
          if (total() > 1) overlap = true;
          return { stop: () => void (running[i as 0 | 1] = 0) };
        },
        { retryMs: 200 },
      ),
    );
    const sampler = setInterval(() => {
      if (total() > 1) overlap = true;
    }, 20);
    try {
      await waitFor(async () => total() === 1, 'an owner');
      await new Promise((r) => setTimeout(r, 600));
      expect(total()).toBe(1);
      // The owner's database session dies (as when its process is killed): the other takes over.
      const owner: 0 | 1 = running[0] ? 0 : 1;
      const other: 0 | 1 = owner === 0 ? 1 : 0;
      const pid = (
        await database.db.query(
          `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        )
      ).rows[0].pid;
      await database.db.query('SELECT pg_terminate_backend($1)', [pid]);
      const t0 = Date.now();
      await waitFor(async () => running[other] === 1, 'the other process took over', 15_000);
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(running[owner]).toBe(0);
      // A clean stop hands it back at once.
      await loops[other]!.stop();
      await waitFor(async () => running[owner] === 1, 'handed back', 15_000);
      expect(overlap).toBe(false);
    } finally {
      clearInterval(sampler);
      for (const l of loops) await l.stop();
      for (const p of pools) await p.end();
    }
  });
});
