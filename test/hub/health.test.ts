import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/db/embedded.ts';
import { createPool } from '../../src/db/pool.ts';
import { buildApp } from '../../src/http/app.ts';
import { createHealthProbe } from '../../src/http/routes/health.ts';
import { createTestDatabase } from '../support/db.ts';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

async function healthOf(db: ReturnType<typeof createPool>, workers: boolean) {
  const app = await buildApp({
    config: { bodyLimitBytes: 1024, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 },
    db,
    logger: false,
    health: createHealthProbe(db, () => workers),
  });
  const res = await app.inject({ method: 'GET', url: '/health' });
  await app.close();
  return { status: res.statusCode, body: res.json() };
}

describe('GET /health', () => {
  it('is 200 only with a reachable, migrated database and running workers', async () => {
    const t = await createTestDatabase();
    cleanups.push(() => t.drop());
    expect(await healthOf(t.db, true)).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await healthOf(t.db, false)).toEqual({
      status: 503,
      body: { status: 'unavailable', problems: ['job workers not running'] },
    });
    await t.db.query('DELETE FROM tandem_migrations WHERE id = (SELECT max(id) FROM tandem_migrations)');
    expect((await healthOf(t.db, true)).body.problems).toEqual(['migrations not applied']);
  });

  it('is 503 when the database is unreachable', async () => {
    const dead = createPool(`postgres://nobody@127.0.0.1:${await freePort()}/none`, 1);
    cleanups.push(() => dead.end());
    expect(await healthOf(dead, true)).toEqual({
      status: 503,
      body: { status: 'unavailable', problems: ['database unreachable'] },
    });
  });
});
