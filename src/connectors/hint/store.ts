// The Hint connector's own SQL: the merge snapshot per link and InstantOn sessions. Webhooks
// are stored by the hub's InboxWriter; inbound-drain.ts turns inbox rows into jobs.
import { upsertLink, type Link, type LinkKey, type LinkPatch } from '../../db/links.ts';
import { inTransaction, type Db, type Queryable } from '../../db/pool.ts';
import type { Snapshot } from './mapping-merge.ts';
import { isUuid } from '../../core/ids.ts';

export async function readSnapshot(db: Queryable, linkId: string): Promise<Snapshot | null> {
  const { rows } = await db.query('SELECT snapshot FROM hint_sync_state WHERE link_id = $1', [linkId]);
  return rows[0] ? (rows[0].snapshot as Snapshot) : null;
}

export async function writeSnapshot(
  db: Queryable,
  practiceId: string,
  linkId: string,
  snapshot: Snapshot,
): Promise<void> {
  await db.query(
    `INSERT INTO hint_sync_state (link_id, practice_id, snapshot) VALUES ($1, $2, $3)
     ON CONFLICT (link_id) DO UPDATE SET snapshot = EXCLUDED.snapshot, updated_at = now()`,
    [linkId, practiceId, JSON.stringify(snapshot)],
  );
}

/**
 * The link's new state and the merge base it goes with, in one transaction: a crash between
 * the two would leave a hash that does not match its snapshot, and a wrong base for the next merge.
 */
export async function saveLinkState(
  db: Db,
  key: LinkKey & { remoteId: string },
  patch: LinkPatch,
  snapshot: Snapshot,
): Promise<Link> {
  return inTransaction(db, async (tx) => {
    const link = await upsertLink(tx, key, patch);
    await writeSnapshot(tx, key.practiceId, link.id, snapshot);
    return link;
  });
}

export async function createConnectSession(
  db: Queryable,
  practiceId: string,
  ttlMinutes = 30,
): Promise<{ id: string; expiresAt: string }> {
  const { rows } = await db.query(
    `INSERT INTO hint_connect_sessions (practice_id, expires_at) VALUES ($1, now() + make_interval(mins => $2)) RETURNING id, expires_at`,
    [practiceId, ttlMinutes],
  );
  return { id: rows[0].id, expiresAt: rows[0].expires_at.toISOString() };
}

/** The practice a live, unused session belongs to; the session is used up. */
export async function useConnectSession(db: Queryable, id: string): Promise<string | undefined> {
  if (!isUuid(id)) return undefined;
  const { rows } = await db.query(
    `UPDATE hint_connect_sessions SET used_at = now() WHERE id = $1 AND used_at IS NULL AND expires_at > now() RETURNING practice_id`,
    [id],
  );
  return rows[0]?.practice_id;
}
