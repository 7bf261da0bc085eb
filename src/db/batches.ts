// Batches: named, abortable runs (initial sync, CSV-driven sync, resync) with live progress
// and a per-record results report. Generic: any connector records items the same way.
import type { QueryResultRow } from 'pg';
import type { Queryable } from './pool.ts';
import { isUuid } from '../core/ids.ts';

export type BatchStatus = 'queued' | 'running' | 'completed' | 'aborted' | 'failed';

export interface Batch {
  id: string;
  practiceId: string;
  connectionId: string | null;
  kind: string;
  status: BatchStatus;
  dryRun: boolean;
  abortRequested: boolean;
  total: number | null;
  processed: number;
  counts: Record<string, number>;
  error: string | null;
  params: Record<string, unknown>;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface BatchItem {
  entityKind: string;
  remoteId?: string | null;
  localId?: string | null;
  action: string;
  message?: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const toBatch = (r: QueryResultRow): Batch => ({
  id: r.id,
  practiceId: r.practice_id,
  connectionId: r.connection_id,
  kind: r.kind,
  status: r.status,
  dryRun: r.dry_run,
  abortRequested: r.abort_requested,
  total: r.total,
  processed: r.processed,
  counts: r.counts,
  error: r.error,
  params: r.params,
  createdAt: r.created_at.toISOString(),
  startedAt: iso(r.started_at),
  finishedAt: iso(r.finished_at),
});

export async function createBatch(
  db: Queryable,
  b: {
    practiceId: string;
    connectionId: string | null;
    kind: string;
    dryRun: boolean;
    params?: Record<string, unknown>;
  },
): Promise<Batch> {
  const { rows } = await db.query(
    `INSERT INTO batches (practice_id, connection_id, kind, dry_run, params) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
    [b.practiceId, b.connectionId, b.kind, b.dryRun, JSON.stringify(b.params ?? {})],
  );
  return toBatch(rows[0]);
}

export async function getBatch(db: Queryable, practiceId: string, id: string): Promise<Batch | undefined> {
  if (!isUuid(id)) return undefined;
  const { rows } = await db.query('SELECT * FROM batches WHERE practice_id = $1 AND id = $2', [practiceId, id]);
  return rows[0] ? toBatch(rows[0]) : undefined;
}

/** Marks the batch running; a restarted run (after a crash) starts its report afresh. */
export async function startBatch(db: Queryable, practiceId: string, id: string): Promise<Batch | undefined> {
  await db.query('DELETE FROM batch_items WHERE practice_id = $1 AND batch_id = $2', [practiceId, id]);
  const { rows } = await db.query(
    `UPDATE batches SET status = 'running', started_at = coalesce(started_at, now()), processed = 0, counts = '{}', total = NULL
     WHERE practice_id = $1 AND id = $2 AND status IN ('queued', 'running') RETURNING *`,
    [practiceId, id],
  );
  return rows[0] ? toBatch(rows[0]) : undefined;
}

/**
 * Marks the batch running and keeps what an earlier attempt recorded (a worker killed
 * mid-batch): the run resumes after it (`recordedRemoteIds`) instead of starting again, so no
 * record is counted or processed twice. Undefined when the batch is not queued or running.
 */
export async function resumeBatch(db: Queryable, practiceId: string, id: string): Promise<Batch | undefined> {
  const { rows } = await db.query(
    `UPDATE batches SET status = 'running', started_at = coalesce(started_at, now())
     WHERE practice_id = $1 AND id = $2 AND status IN ('queued', 'running') RETURNING *`,
    [practiceId, id],
  );
  return rows[0] ? toBatch(rows[0]) : undefined;
}

/** The remote ids (or, with `column: 'local'`, local ids) a batch has recorded results for. */
export async function recordedIds(
  db: Queryable,
  practiceId: string,
  id: string,
  column: 'remote' | 'local' = 'remote',
): Promise<Set<string>> {
  const { rows } = await db.query(
    `SELECT ${column === 'remote' ? 'remote_id' : 'local_id'} AS v FROM batch_items
     WHERE practice_id = $1 AND batch_id = $2 AND ${column === 'remote' ? 'remote_id' : 'local_id'} IS NOT NULL`,
    [practiceId, id],
  );
  return new Set(rows.map((r) => String(r.v)));
}

/** Sets the batch's total once (a resumed run finds it set and leaves it). True when this call set it. */
export async function setTotalOnce(db: Queryable, practiceId: string, id: string, n: number): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE batches SET total = $3 WHERE practice_id = $1 AND id = $2 AND total IS NULL',
    [practiceId, id, n],
  );
  return (rowCount ?? 0) > 0;
}

export async function addToTotal(db: Queryable, practiceId: string, id: string, n: number): Promise<void> {
  await db.query('UPDATE batches SET total = coalesce(total, 0) + $3 WHERE practice_id = $1 AND id = $2', [
    practiceId,
    id,
    n,
  ]);
}

/**
 * Records results and advances progress in one statement; returns whether an abort was asked
 * for. `progress: false` reports items the run did not process (an aborted batch's rest): they
 * count under their action but not in `processed`.
 */
export async function recordItems(
  db: Queryable,
  practiceId: string,
  id: string,
  items: BatchItem[],
  options: { progress?: boolean } = {},
): Promise<boolean> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item.action] = (counts[item.action] ?? 0) + 1;
  const { rows } = await db.query(
    `WITH ins AS (
       INSERT INTO batch_items (practice_id, batch_id, entity_kind, remote_id, local_id, action, message)
       SELECT $1, $2, x.entity_kind, x.remote_id, x.local_id, x.action, x.message
       FROM jsonb_to_recordset($3::jsonb) AS x(entity_kind text, remote_id text, local_id uuid, action text, message text))
     UPDATE batches b SET processed = processed + $4,
       counts = (SELECT coalesce(jsonb_object_agg(k, n), '{}') FROM (
                   SELECT k, sum(v::int) AS n FROM (SELECT * FROM jsonb_each_text(b.counts) UNION ALL SELECT * FROM jsonb_each_text($5::jsonb)) t(k, v)
                   GROUP BY k) s)
     WHERE practice_id = $1 AND id = $2 RETURNING abort_requested`,
    [
      practiceId,
      id,
      JSON.stringify(
        items.map((i) => ({
          entity_kind: i.entityKind,
          remote_id: i.remoteId ?? null,
          local_id: i.localId ?? null,
          action: i.action,
          message: i.message ?? null,
        })),
      ),
      options.progress === false ? 0 : items.length,
      JSON.stringify(counts),
    ],
  );
  return rows[0]?.abort_requested ?? true;
}

export async function finishBatch(
  db: Queryable,
  practiceId: string,
  id: string,
  status: 'completed' | 'aborted' | 'failed',
  error?: string,
): Promise<void> {
  await db.query(`UPDATE batches SET status = $3, error = $4, finished_at = now() WHERE practice_id = $1 AND id = $2`, [
    practiceId,
    id,
    status,
    error ?? null,
  ]);
}

/** Asks a running batch to stop at its next checkpoint; a queued one stops at once. */
export async function requestAbort(db: Queryable, practiceId: string, id: string): Promise<Batch | undefined> {
  const { rows } = await db.query(
    `UPDATE batches SET abort_requested = true,
       status = CASE WHEN status = 'queued' THEN 'aborted' ELSE status END,
       finished_at = CASE WHEN status = 'queued' THEN now() ELSE finished_at END
     WHERE practice_id = $1 AND id = $2 RETURNING *`,
    [practiceId, id],
  );
  return rows[0] ? toBatch(rows[0]) : undefined;
}

export interface Progress {
  percent: number | null;
  perSecond: number | null;
  etaSeconds: number | null;
}

/** A batch as the API and the CLI show it: the row with its live progress. */
export const batchView = (b: Batch) => ({ ...b, progress: progressOf(b) });

export function progressOf(b: Batch, now = Date.now()): Progress {
  const elapsed = b.startedAt ? ((b.finishedAt ? Date.parse(b.finishedAt) : now) - Date.parse(b.startedAt)) / 1000 : 0;
  const perSecond = elapsed > 0 ? Math.round((b.processed / elapsed) * 10) / 10 : null;
  const percent = b.total ? Math.min(100, Math.round((b.processed / b.total) * 1000) / 10) : null;
  const remaining = b.total !== null ? Math.max(0, b.total - b.processed) : null;
  const etaSeconds =
    b.status === 'running' && perSecond && remaining !== null ? Math.round(remaining / perSecond) : null;
  return { percent, perSecond, etaSeconds };
}

/** The report, a page at a time (by id), so a large batch streams in bounded memory. */
export async function* batchItems(
  db: Queryable,
  practiceId: string,
  id: string,
  pageSize = 5000,
): AsyncGenerator<BatchItem & { createdAt: string }> {
  let after = 0;
  for (;;) {
    const { rows } = await db.query(
      `SELECT id, entity_kind, remote_id, local_id, action, message, created_at FROM batch_items
       WHERE practice_id = $1 AND batch_id = $2 AND id > $3 ORDER BY id LIMIT $4`,
      [practiceId, id, after, pageSize],
    );
    for (const r of rows)
      yield {
        entityKind: r.entity_kind,
        remoteId: r.remote_id,
        localId: r.local_id,
        action: r.action,
        message: r.message,
        createdAt: r.created_at.toISOString(),
      };
    if (rows.length < pageSize) return;
    after = rows.at(-1).id;
  }
}

/** The practice's batches, newest first (optionally one connection's), a page at a time. */
export async function listBatches(
  db: Queryable,
  practiceId: string,
  options: { connectionId?: string; limit?: number; before?: string } = {},
): Promise<Batch[]> {
  const { rows } = await db.query(
    `SELECT * FROM batches WHERE practice_id = $1 AND ($2::uuid IS NULL OR connection_id = $2)
       AND ($4::timestamptz IS NULL OR created_at < $4)
     ORDER BY created_at DESC, id DESC LIMIT $3`,
    [practiceId, options.connectionId ?? null, options.limit ?? 50, options.before ?? null],
  );
  return rows.map(toBatch);
}

export interface BatchItemRow extends BatchItem {
  id: number;
  createdAt: string;
}

/** One page of the report for the console's table: after an item id, optionally one action. */
export async function batchItemsPage(
  db: Queryable,
  practiceId: string,
  batchId: string,
  options: { afterId?: number; limit?: number; action?: string } = {},
): Promise<BatchItemRow[]> {
  const { rows } = await db.query(
    `SELECT id, entity_kind, remote_id, local_id, action, message, created_at FROM batch_items
     WHERE practice_id = $1 AND batch_id = $2 AND id > $3 AND ($5::text IS NULL OR action = $5)
     ORDER BY id LIMIT $4`,
    [practiceId, batchId, options.afterId ?? 0, options.limit ?? 100, options.action ?? null],
  );
  return rows.map((r) => ({
    id: r.id,
    entityKind: r.entity_kind,
    remoteId: r.remote_id,
    localId: r.local_id,
    action: r.action,
    message: r.message,
    createdAt: r.created_at.toISOString(),
  }));
}
