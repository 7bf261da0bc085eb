// One-time links: the first-admin setup link and set-password links. The code in the link is
// random; only its SHA-256 is stored. A link is used at most once (the UPDATE that consumes
// it is the check) and expires after 24 hours.
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from './pool.ts';

export type LinkPurpose = 'setup' | 'set-password';
export const LINK_HOURS = 24;

const sha256 = (value: string) => createHash('sha256').update(value).digest();

export async function createLink(
  db: Queryable,
  link: { purpose: 'setup'; practiceId: string } | { purpose: 'set-password'; userId: string },
): Promise<{ code: string; expiresAt: string }> {
  const code = randomBytes(24).toString('base64url');
  const { rows } = await db.query(
    `INSERT INTO auth_links (code_hash, purpose, user_id, practice_id, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(hours => $5)) RETURNING expires_at`,
    [
      sha256(code),
      link.purpose,
      link.purpose === 'set-password' ? link.userId : null,
      link.purpose === 'setup' ? link.practiceId : null,
      LINK_HOURS,
    ],
  );
  return { code, expiresAt: (rows[0].expires_at as Date).toISOString() };
}

export type LinkState =
  | {
      state: 'valid';
      purpose: LinkPurpose;
      userId: string | null;
      practiceId: string | null;
      email: string | null;
      expiresAt: string;
    }
  | { state: 'used' | 'expired' | 'unknown' };

/** What a code is, without using it. */
export async function inspectLink(db: Queryable, code: string): Promise<LinkState> {
  const { rows } = await db.query(
    `SELECT l.purpose, l.user_id, l.practice_id, l.expires_at, l.used_at, l.expires_at <= now() AS expired, u.email
     FROM auth_links l LEFT JOIN users u ON u.id = l.user_id WHERE l.code_hash = $1`,
    [sha256(code)],
  );
  const r = rows[0];
  if (!r) return { state: 'unknown' };
  if (r.used_at) return { state: 'used' };
  if (r.expired) return { state: 'expired' };
  return {
    state: 'valid',
    purpose: r.purpose,
    userId: r.user_id,
    practiceId: r.practice_id,
    email: r.email,
    expiresAt: (r.expires_at as Date).toISOString(),
  };
}

/** Marks the link used; false when it was used meanwhile or has expired (run inside the transaction that acts on it). */
export async function consumeLink(db: Queryable, code: string, purpose: LinkPurpose): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE auth_links SET used_at = now() WHERE code_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()`,
    [sha256(code), purpose],
  );
  return rowCount === 1;
}

/** Earlier unused links of the same kind stop working when a new one is issued. */
export async function retireLinks(db: Queryable, filter: { purpose: 'setup' } | { userId: string }): Promise<void> {
  if ('userId' in filter)
    await db.query(`UPDATE auth_links SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, [filter.userId]);
  else await db.query(`UPDATE auth_links SET used_at = now() WHERE purpose = 'setup' AND used_at IS NULL`);
}

/** The newest setup link still usable (its code is not recoverable; only when it expires). */
export async function liveSetupLink(db: Queryable): Promise<{ createdAt: string; expiresAt: string } | undefined> {
  const { rows } = await db.query(
    `SELECT created_at, expires_at FROM auth_links WHERE purpose = 'setup' AND used_at IS NULL AND expires_at > now()
     ORDER BY created_at DESC LIMIT 1`,
  );
  return rows[0]
    ? { createdAt: (rows[0].created_at as Date).toISOString(), expiresAt: (rows[0].expires_at as Date).toISOString() }
    : undefined;
}
