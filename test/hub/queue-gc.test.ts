// Empty job queues are deleted (queue-gc.ts): graphile-worker's job fetch locks every free queue
// row, so queue rows left by every record that ever had a job made each fetch slower. The
// deletion must never leave a job outside its queue, so it stands aside while an enqueue that
// names a queue is in flight.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/pool.ts';
import { deleteEmptyQueues } from '../../src/jobs/queue-gc.ts';
import { enqueue, enqueueMany } from '../../src/jobs/queue.ts';
import type { Db } from '../../src/db/pool.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { waitFor } from '../support/wait.ts';

// A running hub (its collector) for the first test; a database no process works on for the
// others, so that no sweep of a running process deletes what they leave empty on purpose.
let hub: TestHub;
let database: TestDatabase;
let db: Db;
beforeAll(async () => {
  [hub, database] = await Promise.all([startTestHub(), createTestDatabase()]);
  db = database.db;
});
afterAll(async () => {
  await Promise.all([hub?.stop(), database?.drop()]);
});

const queueRow = async (name: string, on: Db = db) =>
  (await on.query('SELECT id FROM graphile_worker._private_job_queues WHERE queue_name = $1', [name])).rows[0] as
    { id: number } | undefined;
const echo = (message: string) => ({ practiceId: '00000000-0000-4000-8000-000000000001', message });
// Due in an hour: the running workers leave these jobs where they are.
const later = () => new Date(Date.now() + 3_600_000);

describe('empty job queues', () => {
  it('are deleted by the process that ran their last job', async () => {
    // Due in a moment, so its queue is surely there when first looked at.
    const soon = new Date(Date.now() + 500);
    await enqueue(
      hub.database.db,
      'echo',
      { practiceId: hub.practiceId, message: 'gc-done' },
      { queue: 'gc:done', runAt: soon },
    );
    expect(await queueRow('gc:done', hub.database.db)).toBeDefined();
    await waitFor(async () => (await queueRow('gc:done', hub.database.db)) === undefined, 'the queue deleted', {
      timeoutMs: 15_000,
    });
  });

  it('are deleted when empty and unlocked, except the queues kept by name', async () => {
    await enqueue(db, 'echo', echo('gc-waiting'), { queue: 'gc:waiting', runAt: later() });
    await enqueue(db, 'echo', echo('gc-kept'), { queue: 'gc:kept', runAt: later() });
    await db.query(
      `INSERT INTO graphile_worker._private_job_queues (queue_name, locked_at, locked_by) VALUES ('gc:locked', now(), 'w')`,
    );
    const kept = (await queueRow('gc:kept'))!;
    await db.query('DELETE FROM graphile_worker._private_jobs WHERE job_queue_id = $1', [kept.id]);
    expect(await deleteEmptyQueues(db, null, ['gc:kept'])).toBe(0);
    expect(await queueRow('gc:waiting')).toBeDefined();
    expect(await queueRow('gc:locked')).toBeDefined();
    expect(await queueRow('gc:kept')).toBeDefined();
    // Without the keep list, the empty one goes; the locked one stays until unlocked.
    expect(await deleteEmptyQueues(db, [kept.id], [])).toBe(1);
    expect(await queueRow('gc:kept')).toBeUndefined();
    expect(await queueRow('gc:locked')).toBeDefined();
  });

  it('stands aside while an enqueue naming a queue is in flight, and the job keeps its queue', async () => {
    const name = 'gc:race';
    await enqueue(db, 'echo', echo('gc-race-0'), { queue: name, runAt: later() });
    const queue = (await queueRow(name))!;
    await db.query('DELETE FROM graphile_worker._private_jobs WHERE job_queue_id = $1', [queue.id]);
    // An enqueue inside a transaction not yet committed holds the guard: nothing is deleted,
    // and the job it adds still points at its (existing) queue once it commits.
    for (const add of [
      (tx: Parameters<Parameters<typeof inTransaction>[1]>[0]) =>
        enqueue(tx, 'echo', echo('gc-race-1'), { queue: name, runAt: later() }),
      (tx: Parameters<Parameters<typeof inTransaction>[1]>[0]) =>
        enqueueMany(tx, [{ name: 'echo', payload: echo('gc-race-2'), options: { queue: name, runAt: later() } }]),
    ]) {
      await inTransaction(db, async (tx) => {
        await add(tx);
        expect(await deleteEmptyQueues(db, [queue.id], [])).toBeUndefined();
      });
    }
    const { rows } = await db.query(
      `SELECT j.job_queue_id FROM graphile_worker._private_jobs j WHERE j.payload->>'message' LIKE 'gc-race-%'`,
    );
    expect(rows).toEqual([{ job_queue_id: queue.id }, { job_queue_id: queue.id }]);
    // Nothing in flight: it is tried, and a queue holding jobs is kept.
    expect(await deleteEmptyQueues(db, [queue.id], [])).toBe(0);
    expect(await queueRow(name)).toEqual(queue);
  });
});
