// The one typed map of job name → payload. Connectors add their jobs by declaration merging:
//   declare module '../../jobs/types.ts' { interface JobPayloads { 'hint:push-patient': {...} } }
// Every payload names its practice, so failed jobs can be shown to that practice alone.
import type { Db } from '../db/pool.ts';
import type { Logger } from '../logger.ts';

export interface JobPayloads {
  'dispatch-events': { practiceId?: string };
  echo: { practiceId: string; message: string; failTimes?: number; sleepMs?: number; permanent?: boolean };
}

export type JobName = keyof JobPayloads;

export interface TaskContext {
  db: Db;
  logger: Logger;
  jobId: string;
  attempt: number;
  maxAttempts: number;
  /** Enqueue a follow-up job (outside any transaction of the handler). */
  enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options?: EnqueueOptions): Promise<void>;
  /** This job again at `runAt`, in its own queue, with its key and attempts (the handler then returns). */
  postpone<N extends JobName>(name: N, payload: JobPayloads[N], runAt: Date): Promise<void>;
}

export interface EnqueueOptions {
  /** Jobs sharing a queue run one at a time, in order (per-record ordering). */
  queue?: string;
  /** A pending job with the same key is replaced rather than duplicated. */
  jobKey?: string;
  jobKeyMode?: 'replace' | 'preserve_run_at' | 'unsafe_dedupe';
  runAt?: Date;
  maxAttempts?: number;
  priority?: number;
}

export type TaskHandler<N extends JobName> = (payload: JobPayloads[N], ctx: TaskContext) => Promise<void>;

export type TaskHandlers = { [N in JobName]?: TaskHandler<N> };

/** An error that retrying will not fix: the job fails at once, visible in `tandem jobs failed`. */
export class PermanentJobError extends Error {}
