// The connection pool and the two helpers every SQL module uses.
import pg from 'pg';

// Dates stay strings (YYYY-MM-DD): a calendar date has no time zone to shift it.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
// bigint ids and counts fit comfortably in a JS number here.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export type Db = pg.Pool;
export type Tx = pg.PoolClient;
/** Anything that can run a query: the pool, or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

/** Client: a pg.Client subclass for every connection (the job runner's labels connection losses). */
export function createPool(connectionString: string, max = 20, Client?: typeof pg.Client): Db {
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000, ...(Client ? { Client } : {}) });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  // A checked-out client's failure reaches its caller as a rejected query; the 'error' event a
  // client also emits is handled here so it cannot crash the process either.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return pool;
}

// The database could not be reached or dropped the session: connection exceptions (class 08),
// the server shutting down or terminating the backend (57P01-57P03), no connection slot left
// (53300), or the socket failing under the driver. Nothing the request did; it may succeed soon.
const UNAVAILABLE_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
]);
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'connection error and is not queryable',
  'timeout exceeded when trying to connect',
];

export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code.startsWith('08') || UNAVAILABLE_CODES.has(code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return code === '' && UNAVAILABLE_MESSAGES.some((m) => message.includes(m));
}

// PostgreSQL aborts one of two transactions that deadlock (40P01) or, under SERIALIZABLE, that
// cannot be serialised (40001): the victim did nothing wrong and succeeds when run again.
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 5;

export const isRetryableConflict = (error: unknown): boolean =>
  RETRYABLE.has((error as { code?: string } | null)?.code ?? '');

/**
 * Runs fn (a statement, or a whole transaction) again when PostgreSQL aborted it as a deadlock
 * victim or a serialisation failure, up to 5 attempts with a short random pause; fn must have
 * no effect outside the database. The last failure is rethrown (callers map it to 409).
 */
export async function retryingConflicts<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isRetryableConflict(error) || attempt >= MAX_ATTEMPTS) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * 2 ** attempt));
    }
  }
}

/**
 * Runs fn inside one transaction; commits on success, rolls back on any throw. With
 * `retryConflicts`, a transaction aborted by a deadlock or serialisation failure runs again
 * from the start (fn must then touch nothing but the database).
 */
export async function inTransaction<T>(
  db: Db,
  fn: (tx: Tx) => Promise<T>,
  options: { retryConflicts?: boolean } = {},
): Promise<T> {
  if (options.retryConflicts) return retryingConflicts(() => inTransaction(db, fn));
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Creates the database named in the URL if the server lacks it (embedded first start). */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`).catch((e: { code?: string }) => {
        if (e.code !== '42P04') throw e; // created meanwhile by another process
      });
    }
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
