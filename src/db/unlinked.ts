// Canonical records that have no link yet on a connection: what an initial sync pages through
// and what a linker may claim. Hub SQL over the record tables and links, for any connector.
import type { Queryable } from './pool.ts';
import type { RecordDefinition } from './records/definition.ts';

const NIL = '00000000-0000-0000-0000-000000000000';

/**
 * One page (keyset by id, after `after`) of a practice's live records of this kind with no link
 * on the connection. With `remoteOnly`, a link without a remote record (an errored one) does
 * not count as a link: the record is still to be created remotely.
 */
export async function unlinkedIds(
  db: Queryable,
  def: RecordDefinition,
  practiceId: string,
  connectionId: string,
  page: { after?: string; limit: number; remoteOnly?: boolean },
): Promise<string[]> {
  const remote = page.remoteOnly ? 'AND l.remote_id IS NOT NULL' : '';
  const { rows } = await db.query(
    `SELECT r.id FROM ${def.table} r WHERE r.practice_id = $1 AND r.deleted_at IS NULL AND r.id > $3
       AND NOT EXISTS (SELECT 1 FROM links l WHERE l.connection_id = $2 AND l.entity_kind = $4 AND l.local_id = r.id ${remote})
     ORDER BY r.id LIMIT ${Number(page.limit)}`,
    [practiceId, connectionId, page.after ?? NIL, def.kind],
  );
  return rows.map((r) => r.id as string);
}

/** The record, if it is live in the practice and has no link on the connection (free to claim). */
export async function isUnlinked(
  db: Queryable,
  def: RecordDefinition,
  practiceId: string,
  connectionId: string,
  id: string,
): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT r.id FROM ${def.table} r WHERE r.practice_id = $1 AND r.id = $2 AND r.deleted_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM links l WHERE l.connection_id = $3 AND l.entity_kind = $4 AND l.local_id = r.id)`,
    [practiceId, id, connectionId, def.kind],
  );
  return rows.length > 0;
}

/**
 * The practitioner a remote one most likely is, among those not linked on the connection: the
 * one it names by id first, then by NPI, then by first and last name (case-insensitive).
 */
export async function findUnlinkedPractitioner(
  db: Queryable,
  practiceId: string,
  connectionId: string,
  by: { id: string | null; npi: string | null; firstName: string; lastName: string },
): Promise<string | undefined> {
  const { rows } = await db.query(
    `SELECT id FROM practitioners pr WHERE practice_id = $1 AND deleted_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM links l WHERE l.connection_id = $2 AND l.entity_kind = 'practitioner' AND l.local_id = pr.id)
       AND (id::text = $3 OR (npi IS NOT NULL AND npi = $4) OR (lower(first_name) = lower($5) AND lower(last_name) = lower($6)))
     ORDER BY (id::text = $3) DESC, (npi = $4) DESC LIMIT 1`,
    [practiceId, connectionId, by.id ?? '', by.npi ?? '', by.firstName, by.lastName],
  );
  return rows[0]?.id;
}
