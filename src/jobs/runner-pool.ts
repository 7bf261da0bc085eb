// The job runner's own connection pool, made to ride out a database that drops its sessions.
// graphile-worker (0.17) retries a failed statement only when the error's code is in its
// RETRYABLE_ERROR_CODES; a session the server terminated (57P01), a broken socket, or pg's own
// codeless "Connection terminated unexpectedly" are not there, and the failure to record a
// job's completion then rejects unhandled and ends the process (the chaos suite found this:
// bench/chaos.ts, database-cut-mid-burst). So: connection losses get a code, and those codes
// are retried with backoff until the database is back, as a deadlock is.
import { RETRYABLE_ERROR_CODES } from 'graphile-worker/dist/lib.js';
import pg from 'pg';
import { createPool, isDatabaseUnavailable, type Db } from '../db/pool.ts';

/** SQLSTATE connection_failure: what a codeless connection loss is labelled with. */
const CONNECTION_FAILURE = '08006';
const CONNECTION_LOSS_CODES = [
  '57P01',
  '57P02',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  '53300',
];

for (const code of CONNECTION_LOSS_CODES) RETRYABLE_ERROR_CODES[code] ??= { minDelay: 500, maxDelay: 10_000 };

function labelled(error: unknown): unknown {
  const e = error as { code?: unknown } | null;
  if (e && typeof e === 'object' && e.code === undefined && isDatabaseUnavailable(error)) e.code = CONNECTION_FAILURE;
  return error;
}

/** A pg client whose promise queries fail with a code when the connection was lost. */
class LabellingClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    const query = this.query.bind(this) as (...a: unknown[]) => unknown;
    // query() has many overloads; only the promise form (graphile-worker's) is wrapped.
    this.query = ((...args: unknown[]) => {
      const result = query(...args);
      return result instanceof Promise
        ? result.catch((error: unknown) => {
            throw labelled(error);
          })
        : result;
    }) as pg.Client['query'];
  }
}

export function createRunnerPool(connectionString: string, max: number): Db {
  return createPool(connectionString, max, LabellingClient);
}
