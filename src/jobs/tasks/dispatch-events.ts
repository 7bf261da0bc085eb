// Reads undispatched domain events in order and hands each to every active connection of its
// practice that cares about that kind of record — except the connection the change came from.
// Marking and enqueueing happen in one transaction: an event is fanned out exactly once.
import { inTransaction, type Db, type Queryable } from '../../db/pool.ts';
import type { ConnectionRef, DomainEvent, FanOutItem, FanOutTarget } from '../fanout.ts';
import type { TaskHandler } from '../types.ts';

const BATCH = 500;

export function dispatchEvents(targets: FanOutTarget[]): TaskHandler<'dispatch-events'> {
  return async (_payload, { db }) => {
    while ((await dispatchBatch(db, targets)) === BATCH) {
      /* keep going until drained */
    }
  };
}

export async function dispatchBatch(db: Db, targets: FanOutTarget[]): Promise<number> {
  return inTransaction(db, async (tx) => {
    const { rows } = await tx.query(
      `SELECT id, practice_id, entity_kind, entity_id, action, version, origin, changed_fields
       FROM domain_events WHERE dispatched_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [BATCH],
    );
    if (rows.length === 0) return 0;
    const events: DomainEvent[] = rows.map((r) => ({
      id: r.id,
      practiceId: r.practice_id,
      entityKind: r.entity_kind,
      entityId: r.entity_id,
      action: r.action,
      version: r.version,
      origin: r.origin,
      changedFields: r.changed_fields,
    }));
    const connections = await activeConnections(tx, [...new Set(events.map((e) => e.practiceId))], targets);
    const batches = new Map<FanOutTarget, FanOutItem[]>();
    for (const event of events) {
      for (const connection of connections.get(event.practiceId) ?? []) {
        if (event.origin === `connection:${connection.id}`) continue;
        for (const target of targets) {
          if (target.system !== connection.system || !target.entityKinds.includes(event.entityKind)) continue;
          if (!target.enqueueBatch) {
            await target.enqueue(tx, event, connection);
            continue;
          }
          const items = batches.get(target) ?? [];
          items.push({ event, connection });
          batches.set(target, items);
        }
      }
    }
    for (const [target, items] of batches) await target.enqueueBatch!(tx, items);
    await tx.query('UPDATE domain_events SET dispatched_at = now() WHERE id = ANY($1::bigint[])', [
      events.map((e) => e.id),
    ]);
    return rows.length;
  });
}

async function activeConnections(
  tx: Queryable,
  practiceIds: string[],
  targets: FanOutTarget[],
): Promise<Map<string, ConnectionRef[]>> {
  const out = new Map<string, ConnectionRef[]>();
  if (targets.length === 0) return out;
  const { rows } = await tx.query(
    `SELECT id, practice_id, system, status, settings FROM connections
     WHERE practice_id = ANY($1::uuid[]) AND status = 'active' AND system = ANY($2)`,
    [practiceIds, [...new Set(targets.map((t) => t.system))]],
  );
  for (const r of rows) {
    const list = out.get(r.practice_id) ?? [];
    list.push({ id: r.id, practiceId: r.practice_id, system: r.system, status: r.status, settings: r.settings });
    out.set(r.practice_id, list);
  }
  return out;
}
