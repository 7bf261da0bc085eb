// Reconciliation: every few minutes (per connection, `reconcileEveryMinutes`) ask Salesforce
// which contacts changed or were deleted since the last run (Get Updated / Get Deleted: two API
// calls) and apply each linked one, whatever the capture mode. It catches what change capture
// missed: a CDC event lost between Salesforce and Tandem, a subscription that started late, a
// poll cursor moved past a change committed late. Applying is idempotent (the apply job compares
// with the link's snapshot), so a change capture already handled costs one read of the contact.
import { getConnection, listActiveConnections, updateConnection } from '../../db/connections.ts';
import { enqueue } from '../../jobs/queue.ts';
import type { LoadedConnection, SalesforceDeps } from './connection.ts';
import { enqueueChangedSince, FIRST_WINDOW_MS } from './inbound-poll.ts';
import { jobKeys, queues } from './queues.ts';
import { readSettings } from './settings.ts';

/** What the connection's health keeps of reconciliation (shown on the connection page). */
export interface ReconcileHealth {
  cursor?: string;
  lastRunAt?: string;
  /** Linked contacts the last run found changed or deleted. */
  lastChanged?: number;
}

/** The cron sweep: a reconcile job for every active connection whose interval has passed. */
export async function enqueueDueReconciles(deps: SalesforceDeps): Promise<void> {
  for (const c of await listActiveConnections(deps.db, 'salesforce')) {
    const every = readSettings(c.settings).reconcileEveryMinutes;
    const last = Date.parse(reconcileHealthOf(c.health).lastRunAt ?? '') || 0;
    if (Date.now() - last < every * 60_000 - 5_000) continue;
    await enqueue(
      deps.db,
      'salesforce:reconcile',
      { practiceId: c.practiceId, connectionId: c.id },
      { jobKey: jobKeys.reconcile(c.id), queue: queues.poll(c.id), maxAttempts: 3 },
    );
  }
}

export const reconcileHealthOf = (health: Record<string, unknown> | undefined): ReconcileHealth =>
  ((health ?? {}) as { reconcile?: ReconcileHealth }).reconcile ?? {};

export async function reconcileConnection(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
): Promise<{ updated: number; deleted: number }> {
  const { practiceId, id } = loaded.connection;
  // The cursor as the last run left it: the cached connection may predate that run.
  const stored = await getConnection(deps.db, practiceId, id);
  const previous = reconcileHealthOf(stored?.health ?? loaded.connection.health);
  const cursor = previous.cursor ?? new Date(Date.now() - FIRST_WINDOW_MS).toISOString();
  const window = await enqueueChangedSince(deps, loaded, cursor);
  const reconcile: ReconcileHealth = {
    cursor: window?.nextCursor ?? cursor,
    lastRunAt: new Date().toISOString(),
    lastChanged: window ? window.updated + window.deleted : 0,
  };
  await updateConnection(deps.db, practiceId, id, { health: { reconcile } });
  return { updated: window?.updated ?? 0, deleted: window?.deleted ?? 0 };
}
