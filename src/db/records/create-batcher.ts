// Concurrent creates of one record kind become one multi-row statement that writes the
// records, their domain events and their audit events (still atomic per statement), through
// the generic Coalescer. Ids are generated here, so each caller gets its own row back
// whatever order RETURNING uses.
import { randomUUID } from 'node:crypto';
import { Coalescer } from '../coalesce.ts';
import { changeCtes, outboxWritten, type ChangeContext } from '../events.ts';
import { retryingConflicts, type Db } from '../pool.ts';
import { fromRow, toColumns, type RecordDefinition } from './definition.ts';
import { translateDbError } from './db-errors.ts';

type Json = Record<string, unknown>;

interface PendingCreate {
  ctx: ChangeContext;
  input: Json;
  id: string;
  columns: Map<string, unknown>;
}

export class CreateBatcher {
  private readonly coalescers = new Map<RecordDefinition, Coalescer<PendingCreate, Json>>();

  constructor(private readonly db: Db) {}

  create(def: RecordDefinition, ctx: ChangeContext, input: Json): Promise<Json> {
    let coalescer = this.coalescers.get(def);
    if (!coalescer) {
      coalescer = new Coalescer((batch) => this.write(def, batch));
      this.coalescers.set(def, coalescer);
    }
    return coalescer.submit({ ctx, input, id: randomUUID(), columns: toColumns(def, input) });
  }

  private async write(def: RecordDefinition, batch: PendingCreate[]): Promise<Json[]> {
    const { sql, params } = batchStatement(def, batch);
    // One autocommit statement: run again if PostgreSQL picked it as a deadlock victim.
    const { rows } = await retryingConflicts(() => this.db.query(sql, params)).catch((e: unknown) =>
      translateDbError(e, def),
    );
    outboxWritten();
    const byId = new Map(rows.map((r) => [String(r.id), r]));
    return batch.map((item) => fromRow(def, byId.get(item.id)!));
  }
}

function batchStatement(def: RecordDefinition, batch: PendingCreate[]): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const names = [...new Set(batch.flatMap((b) => [...b.columns.keys()]))];
  const records = batch.map(
    (b) =>
      `(${[p(b.id), p(b.ctx.practiceId), ...names.map((n) => (b.columns.has(n) ? p(b.columns.get(n)) : 'DEFAULT'))].join(', ')})`,
  );
  const changes = batch.map((b) => ({
    ...b.ctx,
    entityKind: def.kind,
    entityId: b.id,
    action: 'created' as const,
    version: 1,
    fields: Object.keys(b.input),
  }));
  const sql = `WITH rec AS (INSERT INTO ${def.table} (id, practice_id${names.map((n) => `, ${n}`).join('')}) VALUES ${records.join(', ')} RETURNING *),
    ${changeCtes(changes, params)}
    SELECT * FROM rec`;
  return { sql, params };
}
