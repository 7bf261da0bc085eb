// Failed jobs, visible and replayable from the CLI and the API. graphile-worker 0.17's public
// view (graphile_worker.jobs) has no payload, and a job belongs to a practice by its payload, so
// the reads join its (pinned-version) private tables; every write goes through its public
// function graphile_worker.reschedule_jobs, never into those tables.
import type { Queryable } from '../db/pool.ts';

export interface FailedJob {
  id: string;
  task: string;
  queue: string | null;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  practiceId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Jobs that used up their attempts. A job running its last attempt (locked) has not failed yet. */
export async function listFailedJobs(db: Queryable, practiceId: string | null, limit = 100): Promise<FailedJob[]> {
  const { rows } = await db.query(
    `SELECT j.id::text, t.identifier AS task, q.queue_name, j.attempts, j.max_attempts, j.last_error,
            j.payload->>'practiceId' AS practice_id, j.created_at, j.updated_at
     FROM graphile_worker._private_jobs j
     JOIN graphile_worker._private_tasks t ON t.id = j.task_id
     LEFT JOIN graphile_worker._private_job_queues q ON q.id = j.job_queue_id
     WHERE j.attempts >= j.max_attempts AND j.locked_at IS NULL AND ($1::text IS NULL OR j.payload->>'practiceId' = $1)
     ORDER BY j.updated_at DESC LIMIT $2`,
    [practiceId, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    task: r.task,
    queue: r.queue_name,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    lastError: r.last_error,
    practiceId: r.practice_id,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  }));
}

// The failed jobs among those the WHERE clause names, given a fresh set of attempts to run now by
// graphile-worker's own reschedule_jobs (which also skips any a worker has locked meanwhile).
// Their last error stays until the next attempt replaces it: no view lists a job no longer failed.
const rescheduleFailed = (where: string) => `
  SELECT id::text FROM graphile_worker.reschedule_jobs(
    ARRAY(SELECT id FROM graphile_worker._private_jobs
          WHERE attempts >= max_attempts AND locked_at IS NULL AND ${where}),
    run_at => now(), attempts => 0)`;

/** Gives a failed job a fresh set of attempts, to run now. Returns false when no such failed job. */
export async function retryFailedJob(db: Queryable, id: string, practiceId: string | null): Promise<boolean> {
  // graphile-worker ids are bigint: 19 digits may overflow it, and no job has such an id yet.
  if (!/^\d{1,18}$/.test(id)) return false;
  const { rows } = await db.query(rescheduleFailed(`id = $1 AND ($2::text IS NULL OR payload->>'practiceId' = $2)`), [
    id,
    practiceId,
  ]);
  if (rows.length) await db.query(`SELECT pg_notify('jobs:insert', '')`);
  return rows.length > 0;
}

/** Retries every failed job of the practice (not running ones); returns their ids. */
export async function retryAllFailedJobs(db: Queryable, practiceId: string): Promise<string[]> {
  const { rows } = await db.query(rescheduleFailed(`payload->>'practiceId' = $1`), [practiceId]);
  if (rows.length) await db.query(`SELECT pg_notify('jobs:insert', '')`);
  return rows.map((r) => r.id);
}
