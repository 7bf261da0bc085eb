// Enqueueing through SQL, so a job can be added inside the same transaction as the change
// that calls for it (graphile_worker.add_job).
import type { Queryable } from '../db/pool.ts';
import { queueGcGuard } from './queue-gc.ts';
import type { EnqueueOptions, JobName, JobPayloads } from './types.ts';

export const DEFAULT_MAX_ATTEMPTS = 12;

export async function enqueue<N extends JobName>(
  db: Queryable,
  name: N,
  payload: JobPayloads[N],
  options: EnqueueOptions = {},
): Promise<void> {
  // A job naming its queue holds the guard against that queue's deletion until it commits.
  await db.query(
    `SELECT graphile_worker.add_job($1, $2::json, queue_name => $3, run_at => $4, max_attempts => $5,
       job_key => $6, priority => $7, job_key_mode => $8)${options.queue ? ` FROM (SELECT ${queueGcGuard}) gc` : ''}`,
    [
      name,
      JSON.stringify(payload),
      options.queue ?? null,
      options.runAt ?? null,
      options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      options.jobKey ?? null,
      options.priority ?? null,
      options.jobKeyMode ?? 'replace',
    ],
  );
}

/**
 * The same job again at `runAt`, in the running job's queue, with its key and attempts: a job
 * postponed (an API allowance used up) keeps its per-record ordering and its coalescing.
 * The running job's key is moved to the copy (graphile-worker clears it on a locked job).
 */
export async function postponeJob<N extends JobName>(
  db: Queryable,
  jobId: string,
  name: N,
  payload: JobPayloads[N],
  runAt: Date,
): Promise<void> {
  const { rows } = await db.query(
    `SELECT q.queue_name, j.key, j.max_attempts FROM graphile_worker._private_jobs j
       LEFT JOIN graphile_worker._private_job_queues q ON q.id = j.job_queue_id WHERE j.id = $1`,
    [jobId],
  );
  const job = rows[0] as { queue_name: string | null; key: string | null; max_attempts: number } | undefined;
  await enqueue(db, name, payload, {
    runAt,
    queue: job?.queue_name ?? undefined,
    jobKey: job?.key ?? undefined,
    maxAttempts: job?.max_attempts,
  });
}

/**
 * Runs now the waiting jobs of one connector's tasks whose payload names the connection (an
 * admin's "Try now" once a pause is over sooner than planned): jobs not started, due later.
 * Workers see them at their next poll. Returns how many were brought forward.
 */
export async function runWaitingJobsNow(db: Queryable, taskPrefix: string, connectionId: string): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE graphile_worker._private_jobs j SET run_at = now()
       FROM graphile_worker._private_tasks t
      WHERE t.id = j.task_id AND starts_with(t.identifier, $1) AND j.payload->>'connectionId' = $2
        AND j.run_at > now() AND j.locked_at IS NULL`,
    [taskPrefix, connectionId],
  );
  return rowCount ?? 0;
}

export interface JobToAdd<N extends JobName = JobName> {
  name: N;
  payload: JobPayloads[N];
  options?: Omit<EnqueueOptions, 'jobKeyMode'>;
}

/**
 * Many jobs in a few statements (graphile_worker.add_jobs), leaving the table as the same
 * enqueue calls in a row would: a later job with a key already given replaces the earlier one
 * in its place. add_jobs does not insert in array order, so jobs sharing a queue go in
 * successive statements (usually there is one job per queue, and so one statement).
 */
export async function enqueueMany(db: Queryable, jobs: JobToAdd[]): Promise<void> {
  const specs: JobToAdd[] = [];
  const placeOfKey = new Map<string, number>();
  for (const job of jobs) {
    const key = job.options?.jobKey;
    const place = key === undefined ? undefined : placeOfKey.get(key);
    if (place !== undefined) {
      specs[place] = job;
      continue;
    }
    if (key !== undefined) placeOfKey.set(key, specs.length);
    specs.push(job);
  }
  for (const round of roundsByQueue(specs)) await addJobs(db, round);
}

/** Round k holds the k-th job of every queue; jobs without a queue have no order and go first. */
function roundsByQueue(specs: JobToAdd[]): JobToAdd[][] {
  const rounds: JobToAdd[][] = [];
  const seen = new Map<string, number>();
  for (const job of specs) {
    const queue = job.options?.queue;
    const k = queue === undefined ? 0 : (seen.get(queue) ?? 0);
    if (queue !== undefined) seen.set(queue, k + 1);
    (rounds[k] ??= []).push(job);
  }
  return rounds;
}

async function addJobs(db: Queryable, specs: JobToAdd[]): Promise<void> {
  // Inside add_jobs' argument, so it is taken before add_jobs runs (see enqueue).
  const guard = specs.some((j) => j.options?.queue) ? `, (SELECT ${queueGcGuard}) gc` : '';
  await db.query(
    `SELECT count(*) FROM graphile_worker.add_jobs(
       (SELECT array_agg(ROW(s.name, s.payload, s.queue, s.run_at, s.max_attempts, s.job_key, s.priority, NULL)::graphile_worker.job_spec)
        FROM jsonb_to_recordset($1::jsonb) AS s(name text, payload json, queue text, run_at timestamptz, max_attempts smallint, job_key text, priority smallint)${guard}),
       false)`,
    [
      JSON.stringify(
        specs.map((j) => ({
          name: j.name,
          payload: j.payload,
          queue: j.options?.queue ?? null,
          run_at: j.options?.runAt ?? null,
          max_attempts: j.options?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
          job_key: j.options?.jobKey ?? null,
          priority: j.options?.priority ?? null,
        })),
      ),
    ],
  );
}
