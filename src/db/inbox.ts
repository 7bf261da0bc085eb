// The inbox: every inbound event stored first, keyed by the source's event id, then processed
// by a job. A duplicate delivery finds its row already there and is acknowledged, not re-run.
import type { Queryable } from './pool.ts';

export interface InboundEvent { practiceId: string; connectionId: string; sourceEventId: string; eventType: string; payload: unknown }

/** Returns the new row's id, or undefined when this event id was already stored (a duplicate). */
export async function storeInbound(db: Queryable, e: InboundEvent): Promise<number | undefined> {
  const { rows } = await db.query(
    `INSERT INTO inbox (practice_id, connection_id, source_event_id, event_type, payload)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (connection_id, source_event_id) DO NOTHING RETURNING id`,
    [e.practiceId, e.connectionId, e.sourceEventId, e.eventType, JSON.stringify(e.payload)]);
  return rows[0]?.id;
}

export interface StoredEvent { id: number; practiceId: string; connectionId: string; sourceEventId: string; eventType: string; payload: unknown; status: string }

export async function getInbound(db: Queryable, practiceId: string, id: number): Promise<StoredEvent | undefined> {
  const { rows } = await db.query('SELECT * FROM inbox WHERE practice_id = $1 AND id = $2', [practiceId, id]);
  const r = rows[0];
  return r ? { id: r.id, practiceId: r.practice_id, connectionId: r.connection_id, sourceEventId: r.source_event_id, eventType: r.event_type, payload: r.payload, status: r.status } : undefined;
}

export async function markInbound(db: Queryable, practiceId: string, id: number, status: 'processed' | 'ignored' | 'failed', error?: string): Promise<void> {
  await db.query('UPDATE inbox SET status = $3, error = $4, processed_at = now() WHERE practice_id = $1 AND id = $2',
    [practiceId, id, status, error ?? null]);
}
