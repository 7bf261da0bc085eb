// Generic create / read / list / update / delete for the canonical record kinds. Every query is
// scoped by practice_id; every change writes its domain event (the outbox) and an audit event
// in the same transaction, so a change and its fan-out can never disagree.
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError, type FieldProblem } from '../../core/errors.ts';
import { inTransaction, type Db, type Queryable, type Tx } from '../pool.ts';
import { changeCtes, changeCtesFrom, outboxWritten, recordChange, type ChangeOrigin } from '../events.ts';
import { fromRow, toColumns, type RecordDefinition } from './definition.ts';
import { translateDbError } from './db-errors.ts';
import { CreateBatcher } from './create-batcher.ts';
import { isUuid } from '../../core/ids.ts';
import { isStorableDateTime } from '../../core/records/fields.ts';

export interface ListQuery {
  filters: Record<string, unknown>;
  search?: string;
  limit: number;
  cursor?: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export type Json = Record<string, unknown>;

const live = 'deleted_at IS NULL';

export async function getRecord(db: Queryable, practiceId: string, def: RecordDefinition, id: string): Promise<Json> {
  const { rows } = await db.query(`SELECT * FROM ${def.table} WHERE practice_id = $1 AND id = $2 AND ${live}`, [
    practiceId,
    id,
  ]);
  if (!rows[0]) throw new NotFoundError(def.kind);
  return fromRow(def, rows[0]);
}

/** Whether the practice has this live record (no row read: the cheap check before linking to it). */
export async function recordExists(
  db: Queryable,
  practiceId: string,
  def: RecordDefinition,
  id: string,
): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM ${def.table} WHERE practice_id = $1 AND id = $2 AND ${live}`, [
    practiceId,
    id,
  ]);
  return rows.length > 0;
}

export async function listRecords(
  db: Queryable,
  practiceId: string,
  def: RecordDefinition,
  q: ListQuery,
): Promise<Page<Json>> {
  const params: unknown[] = [practiceId];
  const where = ['practice_id = $1', live];
  const bind = (condition: string, value: unknown) => {
    params.push(value);
    where.push(condition.replaceAll('$n', `$${params.length}`));
  };
  for (const [name, value] of Object.entries(q.filters)) {
    const filter = def.filters[name];
    if (!filter || value === undefined) continue;
    const resolved = filter.resolve ? await filter.resolve(db, practiceId, value) : undefined;
    bind(resolved?.condition ?? filter.condition, resolved ? resolved.value : value);
  }
  if (q.search && def.search) bind(def.search, `%${q.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const orderColumns = def.orderBy.split(',').map((c) => c.trim());
  if (q.cursor) {
    const values = decodeCursor(q.cursor, orderColumns);
    const placeholders = values.map((v) => {
      params.push(v);
      return `$${params.length}`;
    });
    where.push(`(${orderColumns.join(', ')}) > (${placeholders.join(', ')})`);
  }
  params.push(q.limit + 1);
  const { rows } = await db.query(
    `SELECT * FROM ${def.table} WHERE ${where.join(' AND ')} ORDER BY ${def.orderBy} LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > q.limit && last ? encodeCursor(orderColumns.map((c) => last[c])) : null;
  return { data: page.map((r) => fromRow(def, r)), nextCursor };
}

export interface WriteContext {
  practiceId: string;
  actor: string;
  origin: ChangeOrigin;
}

const batchers = new WeakMap<Db, CreateBatcher>();

/**
 * Creates a record with its domain event and audit event in one atomic statement. Outside a
 * transaction, concurrent creates are coalesced into multi-row statements (create-batcher.ts).
 */
export async function createRecord(
  db: Db,
  ctx: WriteContext,
  def: RecordDefinition,
  input: Json,
  tx?: Tx,
): Promise<Json> {
  await checkRules(tx ?? db, ctx.practiceId, def, input, input);
  if (!tx) {
    let batcher = batchers.get(db);
    if (!batcher) {
      batcher = new CreateBatcher(db);
      batchers.set(db, batcher);
    }
    return batcher.create(def, ctx, input);
  }
  const id = randomUUID();
  const columns = toColumns(def, input);
  const names = ['id', 'practice_id', ...columns.keys()];
  const params: unknown[] = [id, ctx.practiceId, ...columns.values()];
  const values = params.map((_, i) => `$${i + 1}`).join(', ');
  const sql = `WITH rec AS (INSERT INTO ${def.table} (${names.join(', ')}) VALUES (${values}) RETURNING *),
    ${changeCtes([{ ...ctx, entityKind: def.kind, entityId: id, action: 'created', version: 1, fields: Object.keys(input) }], params)}
    SELECT * FROM rec`;
  const { rows } = await tx.query(sql, params).catch((e: unknown) => translateDbError(e, def));
  outboxWritten();
  return fromRow(def, rows[0]);
}

export async function updateRecord(
  db: Db,
  ctx: WriteContext,
  def: RecordDefinition,
  id: string,
  patch: Json,
  expectedVersion?: number,
  tx?: Tx,
): Promise<Json> {
  const columns = toColumns(def, patch);
  if (!def.check && columns.size > 0) {
    await checkRules(tx ?? db, ctx.practiceId, def, patch, patch);
    return updateInOneStatement(tx ?? db, ctx, def, id, patch, columns, expectedVersion);
  }
  const run = async (client: Tx) => {
    const {
      rows: [row],
    } = await client.query(`SELECT * FROM ${def.table} WHERE practice_id = $1 AND id = $2 AND ${live} FOR UPDATE`, [
      ctx.practiceId,
      id,
    ]);
    if (!row) throw new NotFoundError(def.kind);
    if (expectedVersion !== undefined && row.version !== expectedVersion) {
      throw new ConflictError(`version ${expectedVersion} is stale; the current version is ${row.version}`, [
        { field: 'version', message: `is ${row.version} now` },
      ]);
    }
    const current = fromRow(def, row);
    const merged = { ...current, ...patch };
    await checkRules(client, ctx.practiceId, def, patch, merged);
    const changed = [...columns.keys()];
    if (changed.length === 0) return current;
    const sets = changed.map((c, i) => `${c} = $${i + 3}`);
    const { rows } = await client
      .query(
        `UPDATE ${def.table} SET ${sets.join(', ')}, version = version + 1, updated_at = now()
       WHERE practice_id = $1 AND id = $2 RETURNING *`,
        [ctx.practiceId, id, ...columns.values()],
      )
      .catch((e: unknown) => translateDbError(e, def));
    const updated = fromRow(def, rows[0]);
    await recordChange(client, ctx, def.kind, id, 'updated', Number(updated.version), Object.keys(patch));
    return updated;
  };
  return tx ? run(tx) : inTransaction(db, run, { retryConflicts: true });
}

/**
 * The common update — a kind without cross-field rules, so the current row is not needed to
 * check it — as one statement: the UPDATE takes the row's lock, and its domain and audit events
 * are written from what it returns. Outside a transaction that is one round trip instead of
 * five (BEGIN, lock, update, events, COMMIT), the largest share of an API write's cost.
 */
async function updateInOneStatement(
  db: Queryable,
  ctx: WriteContext,
  def: RecordDefinition,
  id: string,
  patch: Json,
  columns: Map<string, unknown>,
  expectedVersion: number | undefined,
): Promise<Json> {
  const params: unknown[] = [ctx.practiceId, id, ...columns.values()];
  const sets = [...columns.keys()].map((c, i) => `${c} = $${i + 3}`);
  let where = `practice_id = $1 AND id = $2 AND ${live}`;
  if (expectedVersion !== undefined) {
    params.push(expectedVersion);
    where += ` AND version = $${params.length}`;
  }
  const fields = Object.keys(patch);
  const sql = `WITH rec AS (UPDATE ${def.table} SET ${sets.join(', ')}, version = version + 1, updated_at = now()
      WHERE ${where} RETURNING *),
    ${changeCtesFrom('rec', { ...ctx, entityKind: def.kind, action: 'updated', fields }, params)}
    SELECT * FROM rec`;
  const { rows } = await db.query(sql, params).catch((e: unknown) => translateDbError(e, def));
  if (!rows[0]) return Promise.reject(await whyNotUpdated(db, ctx.practiceId, def, id, expectedVersion));
  outboxWritten();
  return fromRow(def, rows[0]);
}

/** Why an update matched no row: the record is gone, or its version moved on. */
async function whyNotUpdated(
  db: Queryable,
  practiceId: string,
  def: RecordDefinition,
  id: string,
  expectedVersion: number | undefined,
): Promise<Error> {
  const { rows } = await db.query(`SELECT version FROM ${def.table} WHERE practice_id = $1 AND id = $2 AND ${live}`, [
    practiceId,
    id,
  ]);
  if (!rows[0] || expectedVersion === undefined) return new NotFoundError(def.kind);
  return new ConflictError(`version ${expectedVersion} is stale; the current version is ${rows[0].version}`, [
    { field: 'version', message: `is ${rows[0].version} now` },
  ]);
}

export async function deleteRecord(
  db: Db,
  ctx: WriteContext,
  def: RecordDefinition,
  id: string,
  expectedVersion?: number,
): Promise<void> {
  await inTransaction(
    db,
    async (client) => {
      const {
        rows: [row],
      } = await client.query(
        `SELECT version FROM ${def.table} WHERE practice_id = $1 AND id = $2 AND ${live} FOR UPDATE`,
        [ctx.practiceId, id],
      );
      if (!row) throw new NotFoundError(def.kind);
      if (expectedVersion !== undefined && row.version !== expectedVersion) {
        throw new ConflictError(`version ${expectedVersion} is stale; the current version is ${row.version}`, [
          { field: 'version', message: `is ${row.version} now` },
        ]);
      }
      await client.query(
        `UPDATE ${def.table} SET deleted_at = now(), version = version + 1, updated_at = now() WHERE practice_id = $1 AND id = $2`,
        [ctx.practiceId, id],
      );
      await recordChange(client, ctx, def.kind, id, 'deleted', row.version + 1, []);
    },
    { retryConflicts: true },
  );
}

/** Cross-field rules and references to other records of the same practice. */
async function checkRules(
  db: Queryable,
  practiceId: string,
  def: RecordDefinition,
  written: Json,
  merged: Json,
): Promise<void> {
  const problems: FieldProblem[] = (def.check?.(merged) ?? []).map(([field, message]) => ({ field, message }));
  for (const [field, table] of Object.entries(def.references ?? {})) {
    const refs = referencedIds(written, field);
    if (refs.length === 0) continue;
    const ids = [...new Set(refs.map((r) => r.id))];
    const { rows } = await db.query(
      `SELECT id FROM ${table} WHERE practice_id = $1 AND id = ANY($2::uuid[]) AND ${live}`,
      [practiceId, ids],
    );
    const found = new Set(rows.map((r) => String(r.id)));
    const missing = new Set(refs.filter((r) => !found.has(r.id)).map((r) => r.field));
    for (const f of missing)
      problems.push({ field: f, message: 'refers to a record that does not exist in this practice' });
  }
  if (problems.length > 0) throw new ValidationError(problems);
}

/** The ids a reference field holds, each with the exact field it sits in ('lines.2.practitionerId'). */
function referencedIds(written: Json, field: string): { field: string; id: string }[] {
  const [head, star, ...rest] = field.split('.');
  const value = written[head!];
  if (star === '*') {
    if (!Array.isArray(value)) return [];
    return value.flatMap((item, i) =>
      item && typeof item === 'object'
        ? referencedIds(item as Json, rest.join('.')).map((r) => ({ ...r, field: `${head}.${i}.${r.field}` }))
        : [],
    );
  }
  if (value === null || value === undefined) return [];
  return (Array.isArray(value) ? (value as string[]) : [value as string]).map((id) => ({ field, id }));
}

function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values.map((v) => (v instanceof Date ? v.toISOString() : v)))).toString(
    'base64url',
  );
}

/** A cursor is only ever what encodeCursor made: one ISO timestamp per *_at column, a UUID for id. */
function decodeCursor(cursor: string, columns: string[]): unknown[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === columns.length && values.every((v, i) => fits(columns[i]!, v)))
      return values;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  throw new ValidationError([{ field: 'cursor', message: 'is not a cursor this API issued' }]);
}

function fits(column: string, value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (column === 'id') return isUuid(value);
  return column.endsWith('_at') && CURSOR_TIMESTAMP.test(value) && isStorableDateTime(value);
}

const CURSOR_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
