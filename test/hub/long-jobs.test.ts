// A job that runs longer than the heartbeat is not mistaken for a dead node's and run twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPractice } from '../../src/db/practices.ts';
import { createLogger } from '../../src/logger.ts';
import { enqueue } from '../../src/jobs/queue.ts';
import { startWorkers, type RunningWorkers } from '../../src/jobs/runner.ts';
import { echo } from '../../src/jobs/tasks/echo.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let database: TestDatabase;
let workers: RunningWorkers;
beforeAll(async () => {
  database = await createTestDatabase();
  workers = await startWorkers({
    db: database.db,
    connectionString: database.url,
    logger: createLogger('silent'),
    concurrency: 2,
    handlers: { echo },
    heartbeatMs: 100,
    pollIntervalMs: 100,
  });
});
afterAll(async () => {
  await workers.stop();
  await database.drop();
});

describe('long jobs', () => {
  it('run once even when they outlast many heartbeats and dead-node sweeps', async () => {
    const practice = await createPractice(database.db, { name: 'Long' });
    await enqueue(database.db, 'echo', { practiceId: practice.id, message: 'slow', sleepMs: 1500 });
    const until = Date.now() + 20_000;
    let done = false;
    while (!done && Date.now() < until) {
      const { rows } = await database.db.query(
        `SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'echo'`,
      );
      done = rows[0].n === 0;
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 1600)); // a wrongly released duplicate would finish by now
    const { rows } = await database.db.query(`SELECT count(*)::int AS n FROM log_entries WHERE message = 'echo: slow'`);
    expect(rows[0].n).toBe(1);
  });
});
