// Runs the job workers (graphile-worker): typed handlers, retries with exponential backoff plus
// jitter, permanent failures, crash recovery of jobs locked by dead processes.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import os from 'node:os';
import { jobDuration, jobLatency } from '../metrics.ts';
import { Logger as WorkerLogger, run, type Runner, type Task, type TaskList, type WorkerEvents } from 'graphile-worker';
import { ConnectionGone, IntegrationError } from '../core/errors.ts';
import type { Db } from '../db/pool.ts';
import type { Logger } from '../logger.ts';
import { enqueue, postponeJob } from './queue.ts';
import { collectEmptyQueues } from './queue-gc.ts';
import { createRunnerPool } from './runner-pool.ts';
import { PermanentJobError, type JobName, type TaskContext, type TaskHandlers } from './types.ts';

export interface WorkerOptions {
  db: Db;
  connectionString: string;
  logger: Logger;
  concurrency: number;
  handlers: TaskHandlers;
  /** Extra crontab lines, e.g. "*\/5 * * * * hint:reconcile". */
  crontab?: string[];
  pollIntervalMs?: number;
  /** How often this node heartbeats and sweeps for dead nodes' jobs. Default 10 s. */
  heartbeatMs?: number;
}

export interface RunningWorkers {
  stop(): Promise<void>;
  isRunning(): boolean;
  nodeId: string;
}

const HEARTBEAT_MS = 10_000;
const DEAD_AFTER_SECONDS = 45;

/** Extra delay before a retry: random, up to half of graphile-worker's exp(attempts) seconds. */
export function retryJitterSeconds(attempt: number, random = Math.random): number {
  return random() * Math.exp(Math.min(attempt, 10)) * 0.5;
}

/** Failures no retry can fix: a PermanentJobError, or an external system's answer marked not retryable. */
export function isPermanent(error: unknown): boolean {
  return error instanceof PermanentJobError || (error instanceof IntegrationError && !error.retryable);
}

function wrap(name: JobName, handler: NonNullable<TaskHandlers[JobName]>, opts: WorkerOptions): Task {
  return async (payload, helpers) => {
    const ctx: TaskContext = {
      db: opts.db,
      logger: opts.logger.child({ job: name, jobId: helpers.job.id }),
      jobId: helpers.job.id,
      attempt: helpers.job.attempts,
      maxAttempts: helpers.job.max_attempts,
      enqueue: (n, p, o) => enqueue(opts.db, n, p, o),
      postpone: (n, p, runAt) => postponeJob(opts.db, helpers.job.id, n, p, runAt),
    };
    const startedAt = Date.now();
    jobLatency.observe({ task: name }, Math.max(0, startedAt - new Date(helpers.job.run_at).getTime()) / 1000);
    let outcome: 'completed' | 'skipped' | 'failed' = 'completed';
    try {
      await (handler as (p: unknown, c: TaskContext) => Promise<void>)(payload, ctx);
    } catch (error) {
      // The connection was removed, deactivated or lost its credentials: nothing left to do.
      if (error instanceof ConnectionGone) {
        outcome = 'skipped';
        ctx.logger.debug({ connectionId: error.connectionId, reason: error.reason }, 'job skipped: connection gone');
        return;
      }
      outcome = 'failed';
      // graphile-worker sets run_at = greatest(now(), run_at) + exp(attempts) s after we throw;
      // moving run_at first adds jitter, so retries of many failed jobs do not arrive in lockstep.
      // (The row is ours, locked, while the handler runs: graphile-worker's public functions skip
      // locked jobs, so this one statement writes its private table.)
      const permanent = isPermanent(error);
      await opts.db
        .query(
          `UPDATE graphile_worker._private_jobs SET run_at = now() + make_interval(secs => $2),
           max_attempts = CASE WHEN $3 THEN attempts ELSE max_attempts END WHERE id = $1`,
          [helpers.job.id, retryJitterSeconds(helpers.job.attempts), permanent],
        )
        // Best effort: without it graphile-worker still retries (no jitter; a permanent error is
        // retried until max_attempts). The job's own error is what must surface, so it is rethrown.
        .catch((err: unknown) => ctx.logger.warn({ err }, 'job retry jitter not applied'));
      throw error;
    } finally {
      jobDuration.observe({ task: name, outcome }, (Date.now() - startedAt) / 1000);
    }
  };
}

export async function startWorkers(opts: WorkerOptions): Promise<RunningWorkers> {
  const nodeId = `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const workerIds = new Set<string>();
  const events: WorkerEvents = new EventEmitter() as WorkerEvents;
  events.on('worker:create', ({ worker }) => {
    workerIds.add(worker.workerId);
    void heartbeat();
  });
  // graphile-worker 0.17 locks jobs with the pool's id (batchGetJobs), not a worker's: without
  // it here, every job running longer than a heartbeat was taken for a dead node's and re-run.
  events.on('pool:create', ({ workerPool }) => {
    workerIds.add(workerPool.id);
    void heartbeat();
  });
  // Heartbeats run one after another, so the last write always carries every worker id.
  let beating: Promise<unknown> = Promise.resolve();
  const heartbeat = () =>
    (beating = beating.then(() =>
      opts.db
        .query(
          `INSERT INTO worker_nodes (node_id, worker_ids) VALUES ($1, $2)
     ON CONFLICT (node_id) DO UPDATE SET worker_ids = $2, heartbeat_at = now()`,
          [nodeId, [...workerIds]],
        )
        // A missed heartbeat is retried on the next tick; only a long silence marks the node dead.
        .catch((err: unknown) => opts.logger.warn({ err }, 'worker heartbeat not written')),
    ));
  await heartbeat();
  await releaseJobsOfDeadNodes(opts.db);
  // Cron jobs name their queues without the guard (queue-gc.ts): those queues are kept.
  const cronQueues = (opts.crontab ?? []).flatMap((line) => /[?&]queue=([^&\s]+)/.exec(line)?.[1] ?? []);
  const queues = collectEmptyQueues(opts.db, opts.logger, cronQueues);
  events.on('job:complete', ({ job }) => queues.finished(job.job_queue_id));
  // Each tick is kept so stop() can wait for it (a tick still running when the pool closes would
  // query a closed pool), and its failure is logged: a tick during a database outage must not
  // become an unhandled rejection, which ends a Node process.
  let ticking: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    ticking = heartbeat()
      .then(() => releaseJobsOfDeadNodes(opts.db))
      .then(
        () => undefined,
        (err: unknown) => opts.logger.warn({ err }, 'jobs of dead workers not checked; the next tick will'),
      );
  }, opts.heartbeatMs ?? HEARTBEAT_MS);
  timer.unref();

  const taskList: TaskList = {};
  for (const [name, handler] of Object.entries(opts.handlers)) {
    if (handler) taskList[name] = wrap(name as JobName, handler as NonNullable<TaskHandlers[JobName]>, opts);
  }
  const workerLogger = new WorkerLogger(() => (level, message) => {
    if (level === 'error') opts.logger.error({ component: 'jobs' }, message);
    else if (level === 'warning') opts.logger.warn({ component: 'jobs' }, message);
  });
  // Its own pool (the job runner's statements must not wait behind requests), labelled so that
  // a dropped session is retried rather than fatal (runner-pool.ts).
  const pgPool = createRunnerPool(opts.connectionString, opts.concurrency + 3);
  let runner: Runner | undefined = await run({
    pgPool,
    concurrency: opts.concurrency,
    taskList,
    events,
    crontab: (opts.crontab ?? []).join('\n'),
    noHandleSignals: true,
    pollInterval: opts.pollIntervalMs ?? 1000,
    logger: workerLogger,
  });
  const done = runner.promise
    // graphile-worker's run ending in error is logged through workerLogger above; stop() only waits for it.
    .catch((err: unknown) => opts.logger.error({ err }, 'job runner stopped with an error'))
    .finally(() => {
      runner = undefined;
    });
  return {
    nodeId,
    isRunning: () => runner !== undefined,
    async stop() {
      clearInterval(timer);
      await ticking;
      await runner?.stop();
      await done;
      await queues.stop();
      // Bounded: a client graphile-worker never handed back must not hold the shutdown up.
      await Promise.race([pgPool.end().catch(() => {}), new Promise((r) => setTimeout(r, 3000).unref())]);
      // Shutting down: a row left behind ages out (deleted after a day, treated as dead much sooner).
      await opts.db
        .query('DELETE FROM worker_nodes WHERE node_id = $1', [nodeId])
        .catch((err: unknown) => opts.logger.warn({ err }, 'worker node row not removed'));
    },
  };
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Nodes on this host whose process is gone are dead at once, without waiting for the heartbeat to age. */
async function forgetDeadLocalNodes(db: Db): Promise<void> {
  const prefix = `${os.hostname()}-`;
  const { rows } = await db.query<{ node_id: string }>(
    'SELECT node_id FROM worker_nodes WHERE starts_with(node_id, $1)',
    [prefix],
  );
  const dead = rows
    .map((r) => r.node_id)
    .filter((id) => {
      const pid = Number(id.slice(prefix.length).split('-')[0]);
      return Number.isInteger(pid) && pid !== process.pid && !processIsAlive(pid);
    });
  if (dead.length > 0) await db.query('DELETE FROM worker_nodes WHERE node_id = ANY($1)', [dead]);
}

/** Unlocks jobs held by workers whose process died (killed, crashed) or stopped heartbeating. */
export async function releaseJobsOfDeadNodes(db: Db): Promise<number> {
  await forgetDeadLocalNodes(db);
  const { rows } = await db.query<{ locked_by: string }>(
    `SELECT DISTINCT j.locked_by FROM graphile_worker._private_jobs j
     WHERE j.locked_by IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM worker_nodes n WHERE j.locked_by = ANY(n.worker_ids)
         AND n.heartbeat_at > now() - make_interval(secs => $1))`,
    [DEAD_AFTER_SECONDS],
  );
  const dead = rows.map((r) => r.locked_by);
  if (dead.length > 0) await db.query('SELECT graphile_worker.force_unlock_workers($1::text[])', [dead]);
  // Housekeeping only (old rows are ignored by the query above): the next start tries again.
  await db.query(`DELETE FROM worker_nodes WHERE heartbeat_at < now() - interval '1 day'`).catch((e: unknown) => {
    if (!isDatabaseError(e)) throw e;
  });
  return dead.length;
}

/** A PostgreSQL error (a five-character SQLSTATE): the database refused or was unreachable mid-query. */
function isDatabaseError(e: unknown): boolean {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string';
}
