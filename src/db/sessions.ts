// Console sessions. The cookie carries a random id; only its SHA-256 is stored, with the user,
// the practice being worked on and the CSRF token the console must echo on writes.
import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../core/roles.ts';
import type { Queryable } from './pool.ts';

const sha256 = (value: string) => createHash('sha256').update(value).digest();

export interface NewSession {
  id: string;
  csrfToken: string;
}

export async function createSession(db: Queryable, userId: string, practiceId: string): Promise<NewSession> {
  const id = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  await db.query('INSERT INTO sessions (id_hash, user_id, practice_id, csrf_token) VALUES ($1, $2, $3, $4)', [
    sha256(id),
    userId,
    practiceId,
    csrfToken,
  ]);
  return { id, csrfToken };
}

export interface LiveSession {
  idHash: Buffer;
  userId: string;
  email: string;
  practiceId: string;
  role: Role;
  csrfToken: string;
  practiceDisabled: boolean;
  /** Seconds since the session was last touched. */
  idleSeconds: number;
}

/**
 * The session behind a cookie, if it is still alive: not idle longer than `idleMinutes`, not
 * older than `maxHours`, and its user still an enabled member of the practice.
 */
export async function findLiveSession(
  db: Queryable,
  id: string,
  limits: { idleMinutes: number; maxHours: number },
): Promise<LiveSession | undefined> {
  const { rows } = await db.query(
    `SELECT s.id_hash, s.user_id, u.email, s.practice_id, m.role, s.csrf_token, p.disabled_at IS NOT NULL AS practice_disabled,
            extract(epoch FROM now() - s.last_seen_at)::int AS idle_seconds
     FROM sessions s
     JOIN users u ON u.id = s.user_id
     JOIN memberships m ON m.user_id = s.user_id AND m.practice_id = s.practice_id AND m.disabled_at IS NULL
     JOIN practices p ON p.id = s.practice_id
     WHERE s.id_hash = $1
       AND s.last_seen_at > now() - make_interval(mins => $2)
       AND s.created_at > now() - make_interval(hours => $3)`,
    [sha256(id), limits.idleMinutes, limits.maxHours],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    idHash: r.id_hash,
    userId: r.user_id,
    email: r.email,
    practiceId: r.practice_id,
    role: r.role,
    csrfToken: r.csrf_token,
    practiceDisabled: r.practice_disabled,
    idleSeconds: r.idle_seconds,
  };
}

export async function touchSession(db: Queryable, idHash: Buffer): Promise<void> {
  await db.query('UPDATE sessions SET last_seen_at = now() WHERE id_hash = $1', [idHash]);
}

export async function switchSessionPractice(db: Queryable, idHash: Buffer, practiceId: string): Promise<void> {
  await db.query('UPDATE sessions SET practice_id = $2, last_seen_at = now() WHERE id_hash = $1', [idHash, practiceId]);
}

export async function deleteSession(db: Queryable, idHash: Buffer): Promise<void> {
  await db.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
}

/** Signs a user out everywhere (optionally only from one practice's sessions). */
export async function deleteUserSessions(db: Queryable, userId: string, practiceId?: string): Promise<number> {
  const { rowCount } = await db.query(
    'DELETE FROM sessions WHERE user_id = $1 AND ($2::uuid IS NULL OR practice_id = $2)',
    [userId, practiceId ?? null],
  );
  return rowCount ?? 0;
}

/** Housekeeping: sessions past any limit are gone for good. */
export async function deleteDeadSessions(db: Queryable, limits: { idleMinutes: number; maxHours: number }) {
  await db.query(
    `DELETE FROM sessions WHERE last_seen_at < now() - make_interval(mins => $1) OR created_at < now() - make_interval(hours => $2)`,
    [limits.idleMinutes, limits.maxHours],
  );
}
