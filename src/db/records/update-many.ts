// Many updates of one record kind in one statement: the rows, their domain events (the outbox)
// and their audit events written together, so a batch changes 200 patients in one round trip
// with the same guarantees as updateRecord gives one. Each row may change different fields.
import type { Tx } from '../pool.ts';
import { outboxWritten, type ChangeContext } from '../events.ts';
import { toColumns, type RecordDefinition } from './definition.ts';
import { translateDbError } from './db-errors.ts';

type Json = Record<string, unknown>;

export class RecordsGoneError extends Error {
  constructor(readonly missing: string[]) {
    super(`${missing.length} records are gone (deleted meanwhile)`);
  }
}

/**
 * Applies each patch to its live record; returns each record's new version. Patches are
 * validated by the caller (the schemas); kinds with cross-field checks and patches with
 * references are refused (updateRecord checks those against the current row); a record deleted meanwhile throws RecordsGoneError
 * (nothing written, the caller's transaction rolls back). Rows are locked in id order, so two
 * writers of overlapping sets cannot deadlock each other.
 */
export async function updateRecords(
  tx: Tx,
  ctx: ChangeContext,
  def: RecordDefinition,
  changes: { id: string; patch: Json }[],
): Promise<Map<string, number>> {
  // updateRecord's cross-field checks and reference look-ups need each current row: callers
  // with such patches take updateRecord, one by one.
  const references = Object.keys(def.references ?? {}).map((f) => f.split('.')[0]!);
  if (def.check || changes.some((c) => references.some((f) => f in c.patch)))
    throw new Error(`updateRecords: ${def.kind} patches here need updateRecord's checks`);
  const rows = changes
    .map((c) => ({ id: c.id, columns: toColumns(def, c.patch), fields: Object.keys(c.patch) }))
    .filter((r) => r.columns.size > 0)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (rows.length === 0) return new Map();
  const jsonColumns = new Set(def.columns.filter((c) => c.json).map((c) => c.column));
  const names = [...new Set(rows.flatMap((r) => [...r.columns.keys()]))];
  // jsonb_populate_record gives each value its column's type; `?` tells a null from "not changed".
  const payload = rows.map((r) => ({
    id: r.id,
    fields: r.fields,
    set: Object.fromEntries(
      [...r.columns].map(([k, v]) => [k, jsonColumns.has(k) && typeof v === 'string' ? JSON.parse(v) : v]),
    ),
  }));
  const sets = names.map((n) => `${n} = CASE WHEN x.j ? '${n}' THEN (x.r).${n} ELSE t.${n} END`);
  const sql = `WITH x AS (
      SELECT (e->>'id')::uuid AS id, e->'set' AS j, jsonb_populate_record(null::${def.table}, e->'set') AS r,
             ARRAY(SELECT jsonb_array_elements_text(e->'fields')) AS fields
      FROM jsonb_array_elements($2::jsonb) e),
    locked AS (SELECT t.id FROM ${def.table} t JOIN x ON x.id = t.id
      WHERE t.practice_id = $1 AND t.deleted_at IS NULL ORDER BY t.id FOR UPDATE OF t),
    upd AS (UPDATE ${def.table} t SET ${sets.join(', ')}, version = t.version + 1, updated_at = now()
      FROM x WHERE t.id = x.id AND t.id IN (SELECT id FROM locked) RETURNING t.id, t.version, x.fields),
    ev AS (INSERT INTO domain_events (practice_id, entity_kind, entity_id, action, version, origin, changed_fields)
      SELECT $1, $3, id, 'updated', version, $4, fields FROM upd),
    au AS (INSERT INTO audit_events (practice_id, actor, action, entity_kind, entity_id, fields)
      SELECT $1, $5, $3 || '.updated', $3, id::text, fields FROM upd)
    SELECT id, version FROM upd`;
  const { rows: done } = await tx
    .query(sql, [ctx.practiceId, JSON.stringify(payload), def.kind, ctx.origin, ctx.actor])
    .catch((e: unknown) => translateDbError(e, def));
  if (done.length !== rows.length) {
    const found = new Set(done.map((r) => String(r.id)));
    throw new RecordsGoneError(rows.map((r) => r.id).filter((id) => !found.has(id)));
  }
  outboxWritten();
  return new Map(done.map((r) => [String(r.id), Number(r.version)]));
}
