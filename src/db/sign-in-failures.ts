// Failed sign-ins, counted per account (email) and per client address within a window, so
// guessing is slowed whichever of the two an attacker varies. Keys are stored hashed.
import { createHash } from 'node:crypto';
import type { Queryable } from './pool.ts';

export type FailureScope = 'account' | 'ip';
const sha256 = (value: string) => createHash('sha256').update(value).digest();

export interface FailureCount {
  count: number;
  /** Seconds until the oldest failure in the window leaves it. */
  retryAfterSeconds: number;
}

export async function countFailures(
  db: Queryable,
  scope: FailureScope,
  key: string,
  windowMinutes: number,
): Promise<FailureCount> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS n,
            ceil(extract(epoch FROM min(failed_at) + make_interval(mins => $3) - now()))::int AS retry
     FROM sign_in_failures WHERE scope = $1 AND key_hash = $2 AND failed_at > now() - make_interval(mins => $3)`,
    [scope, sha256(key), windowMinutes],
  );
  return { count: rows[0].n, retryAfterSeconds: Math.max(1, rows[0].retry ?? 1) };
}

export async function recordFailure(db: Queryable, scope: FailureScope, key: string): Promise<void> {
  await db.query('INSERT INTO sign_in_failures (scope, key_hash) VALUES ($1, $2)', [scope, sha256(key)]);
}

/** A successful sign-in clears the account's failures (not the address's). */
export async function clearFailures(db: Queryable, scope: FailureScope, key: string): Promise<void> {
  await db.query('DELETE FROM sign_in_failures WHERE scope = $1 AND key_hash = $2', [scope, sha256(key)]);
}

export async function deleteOldFailures(db: Queryable, olderThanMinutes: number): Promise<void> {
  await db.query('DELETE FROM sign_in_failures WHERE failed_at < now() - make_interval(mins => $1)', [
    olderThanMinutes,
  ]);
}
