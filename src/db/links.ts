// Links between a canonical record and its twin on a connected system.
import type { QueryResultRow } from 'pg';
import type { Queryable } from './pool.ts';

export interface LinkSummary {
  system: string;
  connectionId: string;
  remoteId: string | null;
  status: string;
  errorMessage: string | null;
  lastSyncedAt: string | null;
}

/** A link summary plus the read-only facts the remote system holds (shown to staff). */
export interface LinkWithData extends LinkSummary {
  remoteData: Record<string, unknown>;
}

/** Resolves "<system>:<remoteId>" (e.g. hint:pat-ab12C345DeF6) to a local id within the practice. */
export async function findLocalIdByAlias(
  db: Queryable,
  practiceId: string,
  entityKind: string,
  alias: string,
): Promise<string | undefined> {
  const colon = alias.indexOf(':');
  if (colon <= 0) return undefined;
  const { rows } = await db.query(
    `SELECT l.local_id FROM links l JOIN connections c ON c.id = l.connection_id AND c.practice_id = l.practice_id
     WHERE l.practice_id = $1 AND l.entity_kind = $2 AND c.system = $3 AND l.remote_id = $4
     ORDER BY l.created_at LIMIT 1`,
    [practiceId, entityKind, alias.slice(0, colon), alias.slice(colon + 1)],
  );
  return rows[0]?.local_id;
}

export async function linksFor(
  db: Queryable,
  practiceId: string,
  entityKind: string,
  localIds: string[],
): Promise<Map<string, LinkWithData[]>> {
  const out = new Map<string, LinkWithData[]>();
  if (localIds.length === 0) return out;
  const { rows } = await db.query(
    `SELECT l.local_id, c.system, l.connection_id, l.remote_id, l.status, l.error_message, l.last_synced_at, l.remote_data
     FROM links l JOIN connections c ON c.id = l.connection_id
     WHERE l.practice_id = $1 AND l.entity_kind = $2 AND l.local_id = ANY($3::uuid[]) ORDER BY l.created_at`,
    [practiceId, entityKind, localIds],
  );
  for (const r of rows) {
    const list = out.get(r.local_id) ?? [];
    list.push({
      system: r.system,
      connectionId: r.connection_id,
      remoteId: r.remote_id,
      status: r.status,
      errorMessage: r.error_message,
      lastSyncedAt: r.last_synced_at ? r.last_synced_at.toISOString() : null,
      remoteData: r.remote_data,
    });
    out.set(r.local_id, list);
  }
  return out;
}

export type LinkStatus = 'synced' | 'unsynced' | 'errored' | 'enabled';

/** A row of the links table. remoteId is null only on an errored link whose remote record was never made. */
export interface StoredLink {
  id: string;
  practiceId: string;
  connectionId: string;
  entityKind: string;
  localId: string;
  remoteId: string | null;
  status: LinkStatus;
  remoteState: string | null;
  errorMessage: string | null;
  lastSyncedAt: string | null;
  remoteVersion: string | null;
  writtenHash: string | null;
  readHash: string | null;
  remoteData: Record<string, unknown>;
}

/** A link to a record that exists on the remote system: what sync code works with. */
export interface Link extends StoredLink {
  remoteId: string;
}

export interface LinkKey {
  practiceId: string;
  connectionId: string;
  entityKind: string;
  localId: string;
  remoteId: string | null;
}

export const toLink = (r: QueryResultRow): StoredLink => ({
  id: r.id,
  practiceId: r.practice_id,
  connectionId: r.connection_id,
  entityKind: r.entity_kind,
  localId: r.local_id,
  remoteId: r.remote_id,
  status: r.status,
  remoteState: r.remote_state,
  errorMessage: r.error_message,
  lastSyncedAt: r.last_synced_at ? r.last_synced_at.toISOString() : null,
  remoteVersion: r.remote_version,
  writtenHash: r.written_hash,
  readHash: r.read_hash,
  remoteData: r.remote_data,
});

/** The link of a record to its twin; an errored link without a remote record is not one. */
export async function findLink(
  db: Queryable,
  practiceId: string,
  connectionId: string,
  entityKind: string,
  by: { localId: string } | { remoteId: string },
): Promise<Link | undefined> {
  const [column, value] = 'localId' in by ? ['local_id', by.localId] : ['remote_id', by.remoteId];
  const { rows } = await db.query(
    `SELECT * FROM links WHERE practice_id = $1 AND connection_id = $2 AND entity_kind = $3 AND ${column} = $4 AND remote_id IS NOT NULL`,
    [practiceId, connectionId, entityKind, value],
  );
  return rows[0] ? (toLink(rows[0]) as Link) : undefined;
}

/**
 * The link row, locked until the transaction ends: one merge of a remote record at a time,
 * whichever process and job brought its version (a webhook, a reconciliation, an initial sync).
 */
export async function lockLink(tx: Queryable, linkId: string): Promise<StoredLink | undefined> {
  const { rows } = await tx.query('SELECT * FROM links WHERE id = $1 FOR UPDATE', [linkId]);
  return rows[0] ? toLink(rows[0]) : undefined;
}

/** The links of many remote records at once, by remote id. */
export async function findLinksByRemoteId(
  db: Queryable,
  practiceId: string,
  connectionId: string,
  entityKind: string,
  remoteIds: string[],
): Promise<Map<string, Link>> {
  const { rows } = await db.query(
    `SELECT * FROM links WHERE practice_id = $1 AND connection_id = $2 AND entity_kind = $3 AND remote_id = ANY($4::text[])`,
    [practiceId, connectionId, entityKind, [...new Set(remoteIds)]],
  );
  return new Map(rows.map((r) => [r.remote_id as string, toLink(r) as Link]));
}

export type LinkPatch = Partial<
  Pick<Link, 'status' | 'remoteState' | 'errorMessage' | 'remoteVersion' | 'writtenHash' | 'readHash' | 'remoteData'>
> & { synced?: boolean };

/** Creates the link or updates it; only the fields given change. */
export async function upsertLink(db: Queryable, key: LinkKey & { remoteId: string }, patch?: LinkPatch): Promise<Link>;
export async function upsertLink(db: Queryable, key: LinkKey, patch?: LinkPatch): Promise<StoredLink>;
export async function upsertLink(db: Queryable, key: LinkKey, patch: LinkPatch = {}): Promise<StoredLink> {
  const { sql, params } = upsertLinkStatement(key, patch);
  const { rows } = await db.query(sql, params);
  return toLink(rows[0]);
}

/**
 * upsertLink's statement (RETURNING the row) and its 19 parameters, for a caller that writes
 * the link together with rows that hang off it in one statement (a CTE).
 */
export function upsertLinkStatement(key: LinkKey, patch: LinkPatch = {}): { sql: string; params: unknown[] } {
  const has = (k: keyof LinkPatch) => k in patch;
  return {
    sql: `INSERT INTO links (practice_id, connection_id, entity_kind, local_id, remote_id, status, remote_state, error_message,
                        remote_version, written_hash, read_hash, remote_data, last_synced_at)
     VALUES ($1, $2, $3, $4, $5, coalesce($6, 'enabled'), $8, $10, $12, $14, $16, coalesce($18::jsonb, '{}'), CASE WHEN $19 THEN now() END)
     ON CONFLICT (connection_id, entity_kind, local_id) DO UPDATE SET
       remote_id = EXCLUDED.remote_id,
       status = coalesce($6, links.status),
       remote_state = CASE WHEN $7 THEN $8 ELSE links.remote_state END,
       error_message = CASE WHEN $9 THEN $10 ELSE links.error_message END,
       remote_version = CASE WHEN $11 THEN $12 ELSE links.remote_version END,
       written_hash = CASE WHEN $13 THEN $14 ELSE links.written_hash END,
       read_hash = CASE WHEN $15 THEN $16 ELSE links.read_hash END,
       remote_data = CASE WHEN $17 THEN links.remote_data || $18::jsonb ELSE links.remote_data END,
       last_synced_at = CASE WHEN $19 THEN now() ELSE links.last_synced_at END,
       updated_at = now()
     RETURNING *`,
    params: [
      key.practiceId,
      key.connectionId,
      key.entityKind,
      key.localId,
      key.remoteId,
      patch.status ?? null,
      has('remoteState'),
      patch.remoteState ?? null,
      has('errorMessage'),
      patch.errorMessage ?? null,
      has('remoteVersion'),
      patch.remoteVersion ?? null,
      has('writtenHash'),
      patch.writtenHash ?? null,
      has('readHash'),
      patch.readHash ?? null,
      has('remoteData'),
      patch.remoteData ? JSON.stringify(patch.remoteData) : null,
      patch.synced ?? false,
    ],
  };
}

/** Removes the link of a local record (both records stay); the removed link, if there was one. */
export async function deleteLink(
  db: Queryable,
  practiceId: string,
  connectionId: string,
  entityKind: string,
  localId: string,
): Promise<StoredLink | undefined> {
  const { rows } = await db.query(
    `DELETE FROM links WHERE practice_id = $1 AND connection_id = $2 AND entity_kind = $3 AND local_id = $4 RETURNING *`,
    [practiceId, connectionId, entityKind, localId],
  );
  return rows[0] ? toLink(rows[0]) : undefined;
}

/** The links of many local records at once on one connection, by local id. */
export async function findLinksByLocalId(
  db: Queryable,
  practiceId: string,
  connectionId: string,
  entityKind: string,
  localIds: string[],
): Promise<Map<string, Link>> {
  const { rows } = await db.query(
    `SELECT * FROM links WHERE practice_id = $1 AND connection_id = $2 AND entity_kind = $3 AND local_id = ANY($4::uuid[])
       AND remote_id IS NOT NULL`,
    [practiceId, connectionId, entityKind, [...new Set(localIds)]],
  );
  return new Map(rows.map((r) => [r.local_id as string, toLink(r) as Link]));
}

/**
 * Updates an existing link only (by id): work that read a link before a slow remote call must
 * not bring it back if someone removed it meanwhile (an unlink). False when it is gone.
 */
export async function patchLink(db: Queryable, practiceId: string, linkId: string, patch: LinkPatch): Promise<boolean> {
  const sets: string[] = [];
  const params: unknown[] = [practiceId, linkId];
  const set = (column: string, value: unknown, cast = '') => {
    params.push(value);
    sets.push(`${column} = $${params.length}${cast}`);
  };
  if (patch.status !== undefined) set('status', patch.status);
  if ('remoteState' in patch) set('remote_state', patch.remoteState ?? null);
  if ('errorMessage' in patch) set('error_message', patch.errorMessage ?? null);
  if ('remoteVersion' in patch) set('remote_version', patch.remoteVersion ?? null);
  if ('writtenHash' in patch) set('written_hash', patch.writtenHash ?? null);
  if ('readHash' in patch) set('read_hash', patch.readHash ?? null);
  if (patch.remoteData) {
    params.push(JSON.stringify(patch.remoteData));
    sets.push(`remote_data = links.remote_data || $${params.length}::jsonb`);
  }
  if (patch.synced) sets.push('last_synced_at = now()');
  sets.push('updated_at = now()');
  const { rowCount } = await db.query(`UPDATE links SET ${sets.join(', ')} WHERE practice_id = $1 AND id = $2`, params);
  return (rowCount ?? 0) > 0;
}

/** Whether any link row joins this record on this connection, an errored one without a remote record included. */
export async function anyLink(
  db: Queryable,
  practiceId: string,
  connectionId: string,
  entityKind: string,
  by: { localId: string } | { remoteId: string },
): Promise<boolean> {
  const [column, value] = 'localId' in by ? ['local_id', by.localId] : ['remote_id', by.remoteId];
  const { rows } = await db.query(
    `SELECT 1 FROM links WHERE practice_id = $1 AND connection_id = $2 AND entity_kind = $3 AND ${column} = $4 LIMIT 1`,
    [practiceId, connectionId, entityKind, value],
  );
  return rows.length > 0;
}

/**
 * Creates the link only if the local record has none on this connection yet (a racing linker
 * lost: false). The caller then fills it in with upsertLink.
 */
export async function createLinkIfAbsent(
  db: Queryable,
  key: LinkKey & { remoteId: string },
  status: LinkStatus,
): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO links (practice_id, connection_id, entity_kind, local_id, remote_id, status) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT DO NOTHING RETURNING id`,
    [key.practiceId, key.connectionId, key.entityKind, key.localId, key.remoteId, status],
  );
  return rows.length > 0;
}

/**
 * Marks a record as unable to sync on this connection (errored, with the reason), creating the
 * link row without a remote record if there is none; an existing link keeps its remote id.
 */
export async function markLinkErrored(db: Queryable, key: Omit<LinkKey, 'remoteId'>, reason: string): Promise<void> {
  await db.query(
    `INSERT INTO links (practice_id, connection_id, entity_kind, local_id, remote_id, status, error_message)
     VALUES ($1, $2, $3, $4, NULL, 'errored', $5)
     ON CONFLICT (connection_id, entity_kind, local_id) DO UPDATE SET status = 'errored', error_message = $5, updated_at = now()`,
    [key.practiceId, key.connectionId, key.entityKind, key.localId, reason],
  );
}

/** The linked pairs of a connection among these local or remote ids (one read for a whole record's references). */
export async function linkedPairs(
  db: Queryable,
  practiceId: string,
  connectionId: string,
  entityKind: string,
  ids: { localIds: string[]; remoteIds: string[] },
): Promise<{ localId: string; remoteId: string }[]> {
  const { rows } = await db.query(
    `SELECT local_id, remote_id FROM links WHERE practice_id = $1 AND connection_id = $2 AND entity_kind = $3
       AND (local_id = ANY($4::uuid[]) OR remote_id = ANY($5::text[]))`,
    [practiceId, connectionId, entityKind, ids.localIds, ids.remoteIds],
  );
  return rows.map((r) => ({ localId: r.local_id, remoteId: r.remote_id }));
}

/**
 * The remote ids of many linked records across connections at once (a fan-out batch), keyed
 * "<connectionId>:<localId>"; records without a remote record are left out.
 */
export async function remoteIdsByConnection(
  db: Queryable,
  entityKind: string,
  records: { connectionId: string; localId: string }[],
): Promise<Map<string, string>> {
  if (records.length === 0) return new Map();
  const { rows } = await db.query(
    `SELECT l.connection_id, l.local_id, l.remote_id FROM links l
     JOIN unnest($1::uuid[], $2::uuid[]) AS c(connection_id, local_id) USING (connection_id, local_id)
     WHERE l.entity_kind = $3 AND l.remote_id IS NOT NULL`,
    [records.map((r) => r.connectionId), records.map((r) => r.localId), entityKind],
  );
  return new Map(rows.map((r) => [`${r.connection_id}:${r.local_id}`, r.remote_id as string]));
}

/** Which of these remote ids a connection has linked (of one entity kind). */
export async function linkedRemoteIds(
  db: Queryable,
  practiceId: string,
  connectionId: string,
  entityKind: string,
  remoteIds: string[],
): Promise<Set<string>> {
  if (remoteIds.length === 0) return new Set();
  const { rows } = await db.query<{ remote_id: string }>(
    `SELECT remote_id FROM links
     WHERE practice_id = $1 AND connection_id = $2 AND entity_kind = $3 AND remote_id = ANY($4::text[])`,
    [practiceId, connectionId, entityKind, remoteIds],
  );
  return new Set(rows.map((r) => r.remote_id));
}

/**
 * Many links stored synced in one statement (a batch's chunk): created, or updated when the
 * local record has one on the connection already. Each row's remote data is merged in.
 */
export async function upsertSyncedLinks(
  db: Queryable,
  key: { practiceId: string; connectionId: string; entityKind: string },
  rows: { localId: string; remoteId: string; status: string; errorMessage: string | null; remoteData: object }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO links (practice_id, connection_id, entity_kind, local_id, remote_id, status, remote_state, error_message,
                        remote_data, last_synced_at)
     SELECT $1, $2, $3, x.local_id, x.remote_id, x.status, 'active', x.error_message, x.remote_data, now()
     FROM jsonb_to_recordset($4::jsonb) AS x(local_id uuid, remote_id text, status text, error_message text, remote_data jsonb)
     ORDER BY x.local_id
     ON CONFLICT (connection_id, entity_kind, local_id) DO UPDATE SET
       remote_id = EXCLUDED.remote_id, status = EXCLUDED.status, remote_state = 'active',
       error_message = EXCLUDED.error_message, remote_data = links.remote_data || EXCLUDED.remote_data,
       last_synced_at = now(), updated_at = now()`,
    [
      key.practiceId,
      key.connectionId,
      key.entityKind,
      JSON.stringify(
        rows.map((r) => ({
          local_id: r.localId,
          remote_id: r.remoteId,
          status: r.status,
          error_message: r.errorMessage,
          remote_data: r.remoteData,
        })),
      ),
    ],
  );
}
