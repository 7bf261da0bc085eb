// Empty job queues, deleted. graphile-worker 0.17 makes a row per queue name and never deletes
// it, and its job fetch locks every free queue row (a FOR UPDATE SKIP LOCKED sub-select over the
// whole table) to find one job. Tandem keeps a queue per record (its events and pushes in
// order), so without this every record that ever had a job is locked, and written to the WAL,
// by every fetch: 5 ms a fetch with 10 queue rows, 36 ms with 30,000 (measured here), 4–5
// fetches per change. A queue row comes back by itself with the record's next job.
//
// The race this must not lose: add_job finds the queue row present, then inserts the job
// pointing at it; a delete in between would leave the job outside its queue (out of order).
// Every enqueue that names a queue holds a shared advisory lock until its transaction ends
// (queueGcGuard); the delete runs only when it gets the exclusive one at once, so it never
// waits, and an enqueue waits at most for the one DELETE statement.
import type { Logger } from '../logger.ts';
import type { Db } from '../db/pool.ts';

/** The advisory lock's two keys (a space of its own: leases use the one-key form). */
const LOCK = [7261, 1] as const;

/** Select-list item for an enqueue statement naming a queue: `FROM (SELECT ${queueGcGuard}) gc`. */
export const queueGcGuard = `pg_advisory_xact_lock_shared(${LOCK[0]}, ${LOCK[1]})`;

/**
 * Deletes the empty, unlocked queues among `ids` (all of them when null), except the queues
 * named in `keep` (cron jobs name theirs without the guard). Undefined when an enqueue held the
 * guard: nothing was tried, the caller tries again later.
 */
export async function deleteEmptyQueues(db: Db, ids: number[] | null, keep: string[]): Promise<number | undefined> {
  // One statement (its own transaction): the exclusive lock is held only while it deletes, so an
  // enqueue arriving meanwhile waits for a few hundred microseconds at most.
  const { rows } = await db.query<{ got: boolean; deleted: number }>(
    `WITH g AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(${LOCK[0]}, ${LOCK[1]}) AS got),
     d AS (DELETE FROM graphile_worker._private_job_queues q
            WHERE (SELECT got FROM g) AND ($1::int[] IS NULL OR q.id = ANY($1::int[])) AND q.locked_at IS NULL
              AND q.queue_name <> ALL($2::text[])
              AND NOT EXISTS (SELECT 1 FROM graphile_worker._private_jobs j WHERE j.job_queue_id = q.id)
           RETURNING 1)
     SELECT (SELECT got FROM g) AS got, (SELECT count(*)::int FROM d) AS deleted`,
    [ids, keep],
  );
  return rows[0]?.got ? rows[0].deleted : undefined;
}

export interface QueueCollector {
  /** A job of this queue finished in this process: its queue may be empty now. */
  finished(queueId: number | null | undefined): void;
  stop(): Promise<void>;
}

/**
 * Collects the queues of jobs finished in this process and deletes the ones that stayed quiet
 * for a whole round (no job of theirs finished since) and are empty, every `everyMs` in one
 * statement: a busy queue (a connection's inbox drain, a record being edited) is not deleted and
 * re-made between its jobs. Every `sweepEveryMs`, all empty queues (those other processes, a
 * crash or a restart left). Best effort: a round that fails or finds the guard held keeps its
 * queues for the next one.
 */
export function collectEmptyQueues(
  db: Db,
  logger: Pick<Logger, 'warn'>,
  keep: string[],
  everyMs = 500,
  sweepEveryMs = 60_000,
): QueueCollector {
  const LIMIT = 10_000;
  let fresh = new Set<number>(); // a job of theirs finished this round
  let quiet = new Set<number>(); // finished in an earlier round, none since
  let lastSweep = 0;
  let running: Promise<void> = Promise.resolve();
  const round = async () => {
    const sweep = Date.now() - lastSweep >= sweepEveryMs;
    const ids = [...quiet].filter((id) => !fresh.has(id));
    quiet = fresh;
    fresh = new Set();
    if (ids.length === 0 && !sweep) return;
    const deleted = await deleteEmptyQueues(db, sweep ? null : ids, keep).catch((err: unknown) => {
      logger.warn({ err }, 'empty job queues not deleted; the next round will');
      return undefined;
    });
    if (deleted === undefined) {
      // Tried again next round, bounded: the minute sweep finds whatever is dropped here.
      for (const id of ids) if (quiet.size < LIMIT) quiet.add(id);
      return;
    }
    if (sweep) lastSweep = Date.now();
  };
  const timer = setInterval(() => {
    running = running.then(round);
  }, everyMs);
  timer.unref();
  return {
    finished(queueId) {
      if (typeof queueId === 'number' && fresh.size < LIMIT) fresh.add(queueId);
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
