// SQL for the embedded app's own tables (018_hint_app.sql): sessions and seen handshakes.
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../../../db/pool.ts';

export const SESSION_TTL_HOURS = 12;
/** Seen handshakes are kept well past the timestamp window, then forgotten. */
const HANDSHAKE_MEMORY_MINUTES = 30;

export interface HintAppUser {
  id: string;
  name: string;
  email: string;
  partnerRoles: string[];
}

export interface HintAppSession {
  id: string;
  practiceId: string;
  connectionId: string;
  hintPracticeId: string;
  user: HintAppUser;
  expiresAt: string;
}

const sha256 = (value: string | Buffer) => createHash('sha256').update(value).digest();

/**
 * Remembers a signed handshake body; false when the same body was seen before (a replay).
 * Old entries are pruned by the same statement's neighbour, so the table stays small.
 */
export async function rememberHandshake(db: Queryable, raw: Buffer): Promise<boolean> {
  const { rowCount } = await db.query(
    `WITH pruned AS (DELETE FROM hint_app_handshakes WHERE seen_at < now() - make_interval(mins => $2))
     INSERT INTO hint_app_handshakes (body_hash) VALUES ($1) ON CONFLICT DO NOTHING`,
    [sha256(raw), HANDSHAKE_MEMORY_MINUTES],
  );
  return rowCount === 1;
}

/** Mints a session key (256 random bits) and stores only its hash; the key is returned once. */
export async function createAppSession(
  db: Queryable,
  binding: { practiceId: string; connectionId: string; user: HintAppUser },
): Promise<{ key: string; expiresAt: string }> {
  const key = randomBytes(32).toString('base64url');
  const { rows } = await db.query(
    `INSERT INTO hint_app_sessions
       (practice_id, connection_id, key_hash, hint_user_id, user_name, user_email, partner_roles, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(hours => $8)) RETURNING expires_at`,
    [
      binding.practiceId,
      binding.connectionId,
      sha256(key),
      binding.user.id,
      binding.user.name,
      binding.user.email,
      binding.user.partnerRoles,
      SESSION_TTL_HOURS,
    ],
  );
  return { key, expiresAt: rows[0].expires_at.toISOString() };
}

/** The live session a key belongs to: unexpired, unrevoked, its Hint connection still active. */
export async function findAppSession(db: Queryable, key: string): Promise<HintAppSession | undefined> {
  const { rows } = await db.query(
    `SELECT s.id, s.practice_id, s.connection_id, c.remote_account_id, s.hint_user_id, s.user_name, s.user_email,
            s.partner_roles, s.expires_at
     FROM hint_app_sessions s JOIN connections c ON c.id = s.connection_id AND c.practice_id = s.practice_id
     WHERE s.key_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND c.status = 'active'`,
    [sha256(key)],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    id: r.id,
    practiceId: r.practice_id,
    connectionId: r.connection_id,
    hintPracticeId: r.remote_account_id,
    user: { id: r.hint_user_id, name: r.user_name, email: r.user_email, partnerRoles: r.partner_roles },
    expiresAt: r.expires_at.toISOString(),
  };
}

/** Ends every session of a connection (Hint deactivated it, or Tandem did). */
export async function revokeAppSessions(db: Queryable, connectionId: string): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE hint_app_sessions SET revoked_at = now() WHERE connection_id = $1 AND revoked_at IS NULL`,
    [connectionId],
  );
  return rowCount ?? 0;
}
