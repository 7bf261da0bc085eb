// Console users and their memberships (user × practice → role). Every query that lists or
// changes users is scoped to one practice through memberships.
import type { Role } from '../core/roles.ts';
import type { Queryable } from './pool.ts';

export interface UserRow {
  id: string;
  email: string;
  passwordHash: string | null;
  lastSignInAt: string | null;
}

export interface MemberRow {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  pending: boolean;
  createdAt: string;
  lastSignInAt: string | null;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null ? null : String(v));

export async function countUsers(db: Queryable): Promise<number> {
  const { rows } = await db.query('SELECT count(*)::int AS n FROM users');
  return rows[0].n;
}

export async function findUserByEmail(db: Queryable, email: string): Promise<UserRow | undefined> {
  const { rows } = await db.query('SELECT * FROM users WHERE email = $1', [email.toLowerCase()]);
  const r = rows[0];
  return r
    ? { id: r.id, email: r.email, passwordHash: r.password_hash, lastSignInAt: iso(r.last_sign_in_at) }
    : undefined;
}

/** The user with this email, created (without a password) when there is none. */
export async function ensureUser(db: Queryable, email: string): Promise<{ id: string; created: boolean }> {
  const { rows } = await db.query(
    `WITH ins AS (INSERT INTO users (email) VALUES ($1) ON CONFLICT (email) DO NOTHING RETURNING id)
     SELECT id, true AS created FROM ins UNION ALL SELECT id, false FROM users WHERE email = $1 LIMIT 1`,
    [email.toLowerCase()],
  );
  return { id: rows[0].id, created: rows[0].created };
}

export async function setPasswordHash(db: Queryable, userId: string, passwordHash: string): Promise<void> {
  await db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [userId, passwordHash]);
}

/** Sets the first password; false when the user already has one. */
export async function setPasswordIfUnset(db: Queryable, userId: string, passwordHash: string): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE users SET password_hash = $2 WHERE id = $1 AND password_hash IS NULL', [
    userId,
    passwordHash,
  ]);
  return rowCount === 1;
}

/** The first admin may name the practice during setup. */
export async function renamePractice(db: Queryable, practiceId: string, name: string): Promise<void> {
  await db.query('UPDATE practices SET name = $2 WHERE id = $1', [practiceId, name]);
}

export async function recordSignIn(db: Queryable, userId: string): Promise<void> {
  await db.query('UPDATE users SET last_sign_in_at = now() WHERE id = $1', [userId]);
}

/** Adds the user to a practice (or changes their role there); re-enables a disabled membership. */
export async function upsertMembership(db: Queryable, userId: string, practiceId: string, role: Role): Promise<void> {
  await db.query(
    `INSERT INTO memberships (user_id, practice_id, role) VALUES ($1, $2, $3)
     ON CONFLICT (user_id, practice_id) DO UPDATE SET role = EXCLUDED.role, disabled_at = NULL`,
    [userId, practiceId, role],
  );
}

export interface PracticeMembership {
  practiceId: string;
  practiceName: string;
  role: Role;
}

/** The practices a user may work in now: enabled membership, enabled practice. Oldest first. */
export async function activeMemberships(db: Queryable, userId: string): Promise<PracticeMembership[]> {
  const { rows } = await db.query(
    `SELECT p.id, p.name, m.role FROM memberships m JOIN practices p ON p.id = m.practice_id
     WHERE m.user_id = $1 AND m.disabled_at IS NULL AND p.disabled_at IS NULL ORDER BY m.created_at, p.name`,
    [userId],
  );
  return rows.map((r) => ({ practiceId: r.id, practiceName: r.name, role: r.role }));
}

const toMember = (r: Record<string, unknown>): MemberRow => ({
  id: r.id as string,
  email: r.email as string,
  role: r.role as Role,
  disabled: r.disabled_at !== null,
  pending: r.password_hash === null,
  createdAt: iso(r.created_at) as string,
  lastSignInAt: iso(r.last_sign_in_at),
});

const MEMBER_SELECT = `SELECT u.id, u.email, u.password_hash, u.last_sign_in_at, m.role, m.disabled_at, m.created_at
  FROM memberships m JOIN users u ON u.id = m.user_id`;

export async function listMembers(db: Queryable, practiceId: string): Promise<MemberRow[]> {
  const { rows } = await db.query(`${MEMBER_SELECT} WHERE m.practice_id = $1 ORDER BY u.email`, [practiceId]);
  return rows.map(toMember);
}

export async function getMember(db: Queryable, practiceId: string, userId: string): Promise<MemberRow | undefined> {
  const { rows } = await db.query(`${MEMBER_SELECT} WHERE m.practice_id = $1 AND m.user_id = $2`, [practiceId, userId]);
  return rows[0] ? toMember(rows[0]) : undefined;
}

export async function updateMember(
  db: Queryable,
  practiceId: string,
  userId: string,
  change: { role?: Role; disabled?: boolean },
): Promise<void> {
  await db.query(
    `UPDATE memberships SET role = coalesce($3, role),
       disabled_at = CASE WHEN $4::boolean IS NULL THEN disabled_at WHEN $4 THEN coalesce(disabled_at, now()) ELSE NULL END
     WHERE practice_id = $1 AND user_id = $2`,
    [practiceId, userId, change.role ?? null, change.disabled ?? null],
  );
}

/** Enabled admins of a practice (a practice must keep one). */
export async function countEnabledAdmins(db: Queryable, practiceId: string): Promise<number> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS n FROM memberships WHERE practice_id = $1 AND role = 'admin' AND disabled_at IS NULL`,
    [practiceId],
  );
  return rows[0].n;
}

/** How many practices a user belongs to (enabled or not). */
export async function userPracticeCount(db: Queryable, userId: string): Promise<number> {
  const { rows } = await db.query('SELECT count(*)::int AS n FROM memberships WHERE user_id = $1', [userId]);
  return rows[0].n;
}
