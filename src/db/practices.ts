// Practices (the tenants) and their API tokens.
import type { Queryable } from './pool.ts';
import { generateToken, hashToken } from '../security/tokens.ts';

export interface Practice {
  id: string;
  name: string;
  timeZone: string;
  country: string;
  isDefault: boolean;
}

const toPractice = (r: Record<string, unknown>): Practice => ({
  id: r.id as string,
  name: r.name as string,
  timeZone: r.time_zone as string,
  country: r.country as string,
  isDefault: r.is_default as boolean,
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
}

export async function findTokenOwner(db: Queryable, token: string): Promise<TokenOwner | undefined> {
  const { rows } = await db.query(
    'SELECT id, practice_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL',
    [hashToken(token)],
  );
  return rows[0] ? { tokenId: rows[0].id, practiceId: rows[0].practice_id } : undefined;
}

/** Deletes a practice and everything it owns (records cascade; the append-only logs are cleared here). */
export async function deletePractice(db: Queryable, id: string): Promise<void> {
  await db.query(
    `WITH a AS (DELETE FROM domain_events WHERE practice_id = $1), b AS (DELETE FROM audit_events WHERE practice_id = $1),
    c AS (DELETE FROM log_entries WHERE practice_id = $1) DELETE FROM practices WHERE id = $1`,
    [id],
  );
}
