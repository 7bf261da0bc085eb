// enqueueMany leaves the jobs table as the same enqueue calls one after another would: keys
// replace in place (the last payload wins, the first place in its queue is kept), other jobs
// keep their order, and a key already waiting in the table is replaced, not duplicated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue, enqueueMany } from '../../src/jobs/queue.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

const jobsIn = async (queue: string) =>
  (
    await database.db.query(
      `SELECT j.payload->>'message' AS message, j.key FROM graphile_worker._private_jobs j
   JOIN graphile_worker._private_job_queues q ON q.id = j.job_queue_id WHERE q.queue_name = $1 ORDER BY j.id`,
      [queue],
    )
  ).rows;

describe('enqueueMany', () => {
  it('adds many jobs in one statement with the semantics of enqueue called in a row', async () => {
    const practiceId = '00000000-0000-4000-8000-000000000001';
    await enqueue(database.db, 'echo', { practiceId, message: 'waiting' }, { queue: 'q-b', jobKey: 'k-b' });
    await enqueueMany(database.db, [
      { name: 'echo', payload: { practiceId, message: 'a1' }, options: { queue: 'q-a', jobKey: 'k-a' } },
      { name: 'echo', payload: { practiceId, message: 'plain' }, options: { queue: 'q-a' } },
      { name: 'echo', payload: { practiceId, message: 'a2' }, options: { queue: 'q-a', jobKey: 'k-a' } },
      { name: 'echo', payload: { practiceId, message: 'b-new' }, options: { queue: 'q-b', jobKey: 'k-b' } },
    ]);
    expect(await jobsIn('q-a')).toEqual([
      { message: 'a2', key: 'k-a' },
      { message: 'plain', key: null },
    ]);
    expect(await jobsIn('q-b')).toEqual([{ message: 'b-new', key: 'k-b' }]);
  });

  it('adds nothing for an empty list', async () => {
    const before = (await database.db.query('SELECT count(*)::int AS n FROM graphile_worker.jobs')).rows[0].n;
    await enqueueMany(database.db, []);
    expect((await database.db.query('SELECT count(*)::int AS n FROM graphile_worker.jobs')).rows[0].n).toBe(before);
  });
});
