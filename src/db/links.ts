// Links between a canonical record and its twin on a connected system.
import type { Queryable } from './pool.ts';

export interface LinkSummary {
  system: string; connectionId: string; remoteId: string; status: string;
  errorMessage: string | null; lastSyncedAt: string | null;
}

/** Resolves "<system>:<remoteId>" (e.g. hint:pat-ab12C345DeF6) to a local id within the practice. */
export async function findLocalIdByAlias(db: Queryable, practiceId: string, entityKind: string, alias: string): Promise<string | undefined> {
  const colon = alias.indexOf(':');
  if (colon <= 0) return undefined;
  const { rows } = await db.query(
    `SELECT l.local_id FROM links l JOIN connections c ON c.id = l.connection_id AND c.practice_id = l.practice_id
     WHERE l.practice_id = $1 AND l.entity_kind = $2 AND c.system = $3 AND l.remote_id = $4
     ORDER BY l.created_at LIMIT 1`,
    [practiceId, entityKind, alias.slice(0, colon), alias.slice(colon + 1)]);
  return rows[0]?.local_id;
}

export async function linksFor(db: Queryable, practiceId: string, entityKind: string, localIds: string[]): Promise<Map<string, LinkSummary[]>> {
  const out = new Map<string, LinkSummary[]>();
  if (localIds.length === 0) return out;
  const { rows } = await db.query(
    `SELECT l.local_id, c.system, l.connection_id, l.remote_id, l.status, l.error_message, l.last_synced_at
     FROM links l JOIN connections c ON c.id = l.connection_id
     WHERE l.practice_id = $1 AND l.entity_kind = $2 AND l.local_id = ANY($3::uuid[]) ORDER BY l.created_at`,
    [practiceId, entityKind, localIds]);
  for (const r of rows) {
    const list = out.get(r.local_id) ?? [];
    list.push({ system: r.system, connectionId: r.connection_id, remoteId: r.remote_id, status: r.status,
      errorMessage: r.error_message, lastSyncedAt: r.last_synced_at ? r.last_synced_at.toISOString() : null });
    out.set(r.local_id, list);
  }
  return out;
}
