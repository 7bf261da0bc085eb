// Fan-out of domain events (the outbox) to the connected spokes. Each connector registers a
// target: which entity kinds it cares about, and how to enqueue its own job for one change.
//
// The transaction rule, for every target: jobs are added with the `tx` given, the dispatcher's
// transaction, never with another connection. The events are marked dispatched in that same
// transaction, so a change is fanned out exactly once: its jobs exist and it is marked, or
// neither. Dispatches run one at a time (jobs/outbox.ts DISPATCH_QUEUE), so two of them never
// take the same job keys in different orders (the deadlock that once made a target step out).
import type { Tx } from '../db/pool.ts';

export interface DomainEvent {
  id: number;
  practiceId: string;
  entityKind: string;
  entityId: string;
  action: 'created' | 'updated' | 'deleted';
  version: number | null;
  origin: string;
  changedFields: string[];
}

export interface ConnectionRef {
  id: string;
  practiceId: string;
  system: string;
  status: string;
  settings: Record<string, unknown>;
}

export interface FanOutTarget {
  system: string;
  entityKinds: string[];
  /** Enqueue this connection's job for the event, with `tx` (the dispatcher's transaction). */
  enqueue(tx: Tx, event: DomainEvent, connection: ConnectionRef): Promise<void>;
  /**
   * Optional: every event of one dispatch for this target at once (in event order), so a
   * burst of changes costs a few statements, not a few per change. Used instead of enqueue.
   */
  enqueueBatch?(tx: Tx, items: FanOutItem[]): Promise<void>;
}

export interface FanOutItem {
  event: DomainEvent;
  connection: ConnectionRef;
}
