// Practices (the tenants) and their API tokens.
import type { Queryable } from './pool.ts';
import { generateToken, hashToken } from '../security/tokens.ts';

export interface Practice {
  id: string;
  name: string;
  timeZone: string;
  country: string;
  isDefault: boolean;
  /** Set while the practice is disabled: its tokens and sessions are refused, nothing is deleted. */
  disabledAt: string | null;
}

const toPractice = (r: Record<string, unknown>): Practice => ({
  id: r.id as string,
  name: r.name as string,
  timeZone: r.time_zone as string,
  country: r.country as string,
  isDefault: r.is_default as boolean,
  disabledAt: r.disabled_at ? (r.disabled_at as Date).toISOString() : null,
});

export async function createPractice(
  db: Queryable,
  input: { name: string; timeZone?: string; country?: string; isDefault?: boolean },
): Promise<Practice> {
  const { rows } = await db.query(
    `INSERT INTO practices (name, time_zone, country, is_default) VALUES ($1, coalesce($2, 'UTC'), coalesce($3, 'AU'), $4) RETURNING *`,
    [input.name, input.timeZone ?? null, input.country ?? null, input.isDefault ?? false],
  );
  return toPractice(rows[0]);
}

export async function getPractice(db: Queryable, id: string): Promise<Practice | undefined> {
  const { rows } = await db.query('SELECT * FROM practices WHERE id = $1', [id]);
  return rows[0] ? toPractice(rows[0]) : undefined;
}

export async function listPractices(db: Queryable): Promise<Practice[]> {
  const { rows } = await db.query('SELECT * FROM practices ORDER BY created_at');
  return rows.map(toPractice);
}

/** The default practice (created on first start), used by the bootstrap token and sandbox mode. */
export async function ensureDefaultPractice(db: Queryable): Promise<Practice> {
  const { rows } = await db.query(
    `INSERT INTO practices (name, is_default, time_zone) VALUES ('Default practice', true, 'Australia/Sydney')
     ON CONFLICT (is_default) WHERE is_default DO NOTHING RETURNING *`,
  );
  if (rows[0]) return toPractice(rows[0]);
  const existing = await db.query('SELECT * FROM practices WHERE is_default');
  return toPractice(existing.rows[0]);
}

export async function createApiToken(
  db: Queryable,
  practiceId: string,
  name: string,
): Promise<{ id: string; token: string }> {
  const token = generateToken();
  const { rows } = await db.query(
    'INSERT INTO api_tokens (practice_id, name, token_hash) VALUES ($1, $2, $3) RETURNING id',
    [practiceId, name, hashToken(token)],
  );
  return { id: rows[0].id, token };
}

export interface TokenOwner {
  tokenId: string;
  practiceId: string;
  /** The practice is disabled: the token is known but must be refused. */
  practiceDisabled: boolean;
}

/** The live token's owner; also stamps last_used_at (at most once a minute, so it costs little). */
export async function findTokenOwner(db: Queryable, token: string): Promise<TokenOwner | undefined> {
  const { rows } = await db.query(
    `WITH t AS (SELECT t.id, t.practice_id, p.disabled_at IS NOT NULL AS disabled
                  FROM api_tokens t JOIN practices p ON p.id = t.practice_id
                 WHERE t.token_hash = $1 AND t.revoked_at IS NULL),
          used AS (UPDATE api_tokens SET last_used_at = now() WHERE id IN (SELECT id FROM t)
                     AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute'))
     SELECT * FROM t`,
    [hashToken(token)],
  );
  return rows[0]
    ? { tokenId: rows[0].id, practiceId: rows[0].practice_id, practiceDisabled: rows[0].disabled }
    : undefined;
}

export interface ApiTokenInfo {
  id: string;
  practiceId: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : null);

/** A practice's tokens (never the token itself: only its hash is stored), newest first. */
export async function listApiTokens(
  db: Queryable,
  practiceId?: string,
  options: { includeRevoked?: boolean } = {},
): Promise<ApiTokenInfo[]> {
  const { rows } = await db.query(
    `SELECT * FROM api_tokens WHERE ($1::uuid IS NULL OR practice_id = $1) AND ($2 OR revoked_at IS NULL)
      ORDER BY created_at DESC, id`,
    [practiceId ?? null, options.includeRevoked ?? false],
  );
  return rows.map((r) => ({
    id: r.id,
    practiceId: r.practice_id,
    name: r.name,
    createdAt: iso(r.created_at)!,
    lastUsedAt: iso(r.last_used_at),
    revokedAt: iso(r.revoked_at),
  }));
}

/**
 * Revokes a token (scoped to a practice when one is given). True when the token exists, even
 * if it was already revoked; the table's trigger tells every Tandem process to forget it.
 */
export async function revokeApiToken(db: Queryable, tokenId: string, practiceId?: string): Promise<boolean> {
  const { rows } = await db.query(
    `WITH t AS (SELECT id FROM api_tokens WHERE id = $1 AND ($2::uuid IS NULL OR practice_id = $2)),
          r AS (UPDATE api_tokens SET revoked_at = now() WHERE id IN (SELECT id FROM t) AND revoked_at IS NULL)
     SELECT id FROM t`,
    [tokenId, practiceId ?? null],
  );
  return rows.length > 0;
}

/**
 * Whether the practice is disabled. Read fresh on every background job (not cached): a disabled
 * practice's connections stop syncing at once and resume when it is enabled again.
 */
export async function practiceDisabled(db: Queryable, practiceId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT disabled_at IS NOT NULL AS disabled FROM practices WHERE id = $1', [
    practiceId,
  ]);
  return rows[0]?.disabled === true;
}

/** SQL condition on a `connections` row aliased `alias`: its practice is not disabled (pollers, sweeps). */
export const practiceEnabledSql = (alias: string) =>
  `NOT EXISTS (SELECT 1 FROM practices dp WHERE dp.id = ${alias}.practice_id AND dp.disabled_at IS NOT NULL)`;

/** Disables (or re-enables) a practice; false when there is no such practice. */
export async function setPracticeDisabled(db: Queryable, practiceId: string, disabled: boolean): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE practices SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END WHERE id = $1`,
    [practiceId, disabled],
  );
  return (rowCount ?? 0) > 0;
}

/** Deletes a practice and everything it owns (records cascade; the append-only logs are cleared here). */
export async function deletePractice(db: Queryable, id: string): Promise<void> {
  await db.query(
    `WITH a AS (DELETE FROM domain_events WHERE practice_id = $1), b AS (DELETE FROM audit_events WHERE practice_id = $1),
    c AS (DELETE FROM log_entries WHERE practice_id = $1) DELETE FROM practices WHERE id = $1`,
    [id],
  );
}
