// The inbox: every inbound event stored first, keyed by the source's event id, then processed
// by a job. A duplicate delivery finds its row already there and is acknowledged, not re-run.
import type { QueryResultRow } from 'pg';
import { Coalescer } from './coalesce.ts';
import type { Queryable, Tx } from './pool.ts';

export interface InboundEvent {
  practiceId: string;
  connectionId: string;
  sourceEventId: string;
  eventType: string;
  payload: unknown;
  /** The payload as received, when it is already JSON text (a webhook's verified raw body): stored as is. */
  rawJson?: string;
}

/** Returns the new row's id, or undefined when this event id was already stored (a duplicate). */
export async function storeInbound(db: Queryable, e: InboundEvent): Promise<number | undefined> {
  const { rows } = await db.query(
    `INSERT INTO inbox (practice_id, connection_id, source_event_id, event_type, payload)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (connection_id, source_event_id) DO NOTHING RETURNING id`,
    [e.practiceId, e.connectionId, e.sourceEventId, e.eventType, JSON.stringify(e.payload)],
  );
  return rows[0]?.id;
}

const eventKey = (e: InboundEvent) => `${e.connectionId}\u0000${e.sourceEventId}`;

/**
 * Stores webhooks as they arrive, many per statement under load (see coalesce.ts). store()
 * resolves true for a new event, false for one already in the inbox — including the second of
 * two copies that arrived in the same batch.
 */
export class InboxWriter {
  private readonly coalescer: Coalescer<InboundEvent, boolean>;

  constructor(db: Queryable) {
    this.coalescer = new Coalescer(async (batch) => {
      const params: unknown[] = [];
      const p = (v: unknown) => {
        params.push(v);
        return `$${params.length}`;
      };
      const values = batch.map(
        (e) =>
          `(${p(e.practiceId)}::uuid, ${p(e.connectionId)}::uuid, ${p(e.sourceEventId)}, ${p(e.eventType)}, ${p(e.rawJson ?? JSON.stringify(e.payload))}::jsonb)`,
      );
      const { rows } = await db.query(
        `INSERT INTO inbox (practice_id, connection_id, source_event_id, event_type, payload) VALUES ${values.join(', ')}
         ON CONFLICT (connection_id, source_event_id) DO NOTHING RETURNING connection_id, source_event_id`,
        params,
      );
      const inserted = new Set(rows.map((r) => `${r.connection_id}\u0000${r.source_event_id}`));
      const seen = new Set<string>();
      return batch.map((e) => {
        const key = eventKey(e);
        const fresh = inserted.has(key) && !seen.has(key);
        seen.add(key);
        return fresh;
      });
    });
  }

  store(event: InboundEvent): Promise<boolean> {
    return this.coalescer.submit(event);
  }
}

export interface StoredEvent {
  id: number;
  practiceId: string;
  connectionId: string;
  sourceEventId: string;
  eventType: string;
  payload: unknown;
  status: string;
}

export async function getInbound(db: Queryable, practiceId: string, id: number): Promise<StoredEvent | undefined> {
  const { rows } = await db.query('SELECT * FROM inbox WHERE practice_id = $1 AND id = $2', [practiceId, id]);
  const r = rows[0];
  return r
    ? {
        id: r.id,
        practiceId: r.practice_id,
        connectionId: r.connection_id,
        sourceEventId: r.source_event_id,
        eventType: r.event_type,
        payload: r.payload,
        status: r.status,
      }
    : undefined;
}

export async function markInbound(
  db: Queryable,
  practiceId: string,
  id: number,
  status: 'processed' | 'ignored' | 'failed',
  error?: string,
): Promise<void> {
  await db.query('UPDATE inbox SET status = $3, error = $4, processed_at = now() WHERE practice_id = $1 AND id = $2', [
    practiceId,
    id,
    status,
    error ?? null,
  ]);
}

export type InboxStatus = 'pending' | 'processed' | 'ignored' | 'failed';

/** An inbox row as the console lists it: what arrived and what became of it, without the payload. */
export interface InboundSummary {
  id: number;
  connectionId: string;
  sourceEventId: string;
  eventType: string;
  status: InboxStatus;
  error: string | null;
  receivedAt: string;
  processedAt: string | null;
}

const toSummary = (r: QueryResultRow): InboundSummary => ({
  id: r.id,
  connectionId: r.connection_id,
  sourceEventId: r.source_event_id,
  eventType: r.event_type,
  status: r.status,
  error: r.error,
  receivedAt: r.received_at.toISOString(),
  processedAt: r.processed_at ? r.processed_at.toISOString() : null,
});

export async function listInbound(
  db: Queryable,
  practiceId: string,
  options: { connectionId?: string; status?: InboxStatus; beforeId?: number; limit?: number } = {},
): Promise<InboundSummary[]> {
  const { rows } = await db.query(
    `SELECT id, connection_id, source_event_id, event_type, status, error, received_at, processed_at FROM inbox
     WHERE practice_id = $1 AND ($2::uuid IS NULL OR connection_id = $2) AND ($3::text IS NULL OR status = $3)
       AND ($4::bigint IS NULL OR id < $4)
     ORDER BY id DESC LIMIT $5`,
    [practiceId, options.connectionId ?? null, options.status ?? null, options.beforeId ?? null, options.limit ?? 50],
  );
  return rows.map(toSummary);
}

/**
 * Puts a stored event back to pending, as if it had just arrived, and audits who asked; its
 * connector's drain then processes it again. Returns the event, or undefined when the practice
 * has no such event.
 */
export async function requeueInbound(
  db: Queryable,
  practiceId: string,
  id: number,
  actor: string,
): Promise<InboundSummary | undefined> {
  const { rows } = await db.query(
    `WITH replayed AS (
       UPDATE inbox SET status = 'pending', error = NULL, processed_at = NULL, queued_at = NULL
       WHERE practice_id = $1 AND id = $2
       RETURNING id, connection_id, source_event_id, event_type, status, error, received_at, processed_at),
     audited AS (
       INSERT INTO audit_events (practice_id, actor, action, entity_kind, entity_id)
       SELECT $1, $3, 'inbox.replayed', 'inbox_event', id::text FROM replayed)
     SELECT * FROM replayed`,
    [practiceId, id, actor],
  );
  return rows[0] ? toSummary(rows[0]) : undefined;
}

/** An inbox row taken for queueing: its event type and the payload's object (the record it is about). */
export interface UnqueuedEvent {
  id: string;
  eventType: string;
  object: { id?: unknown } | null;
}

/**
 * Takes (locks) up to `limit` pending rows of a connection not yet queued, oldest first; rows
 * another drainer holds are skipped. Rows are taken by marking them (settleTaken's queued_at),
 * never by an id cursor: a row whose insert commits after a later id's would be stepped over
 * by a cursor and lost. Call inside a transaction, and settle every row taken in it.
 */
export async function takeUnqueued(tx: Tx, connectionId: string, limit: number): Promise<UnqueuedEvent[]> {
  const { rows } = await tx.query(
    `SELECT id, event_type, payload->'object' AS object FROM inbox
     WHERE connection_id = $1 AND status = 'pending' AND queued_at IS NULL
     ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [connectionId, limit],
  );
  return rows.map((r) => ({ id: r.id, eventType: r.event_type, object: r.object }));
}

/** Settles taken rows in one statement: ignored (with why), processed already (with why), or queued for a job. */
export async function settleTaken(
  tx: Tx,
  settle: {
    ignored: { ids: string[]; reason: string };
    processed: { ids: string[]; reason: string };
    queued: string[];
  },
): Promise<void> {
  await tx.query(
    `WITH ignored AS (
       UPDATE inbox SET status = 'ignored', error = $2, processed_at = now() WHERE id = ANY($1::bigint[])),
     done AS (
       UPDATE inbox SET status = 'processed', error = $4, processed_at = now() WHERE id = ANY($3::bigint[]))
     UPDATE inbox SET queued_at = now() WHERE id = ANY($5::bigint[])`,
    [settle.ignored.ids, settle.ignored.reason, settle.processed.ids, settle.processed.reason, settle.queued],
  );
}

/**
 * Marks processed every pending event of a connection received up to `before`: for a connector
 * whose processing pass answers all that was notified before it started (Healthengine polls
 * its /requests; a webhook only says "look now").
 */
export async function markPendingProcessed(
  db: Queryable,
  practiceId: string,
  connectionId: string,
  before: Date,
): Promise<void> {
  await db.query(
    `UPDATE inbox SET status = 'processed', processed_at = now()
     WHERE practice_id = $1 AND connection_id = $2 AND status = 'pending' AND received_at <= $3`,
    [practiceId, connectionId, before],
  );
}
