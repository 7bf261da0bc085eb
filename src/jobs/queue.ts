// Enqueueing through SQL, so a job can be added inside the same transaction as the change
// that calls for it (graphile_worker.add_job).
import type { Queryable } from '../db/pool.ts';
import type { EnqueueOptions, JobName, JobPayloads } from './types.ts';

export const DEFAULT_MAX_ATTEMPTS = 12;

export async function enqueue<N extends JobName>(db: Queryable, name: N, payload: JobPayloads[N], options: EnqueueOptions = {}): Promise<void> {
  await db.query(
    `SELECT graphile_worker.add_job($1, $2::json, queue_name => $3, run_at => $4, max_attempts => $5,
       job_key => $6, priority => $7, job_key_mode => $8)`,
    [name, JSON.stringify(payload), options.queue ?? null, options.runAt ?? null, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      options.jobKey ?? null, options.priority ?? null, options.jobKeyMode ?? 'replace']);
}
