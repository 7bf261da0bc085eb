// Polling when Change Data Capture is not enabled for Contact (or its retention was outrun):
// Get Updated / Get Deleted over the window since the stored cursor (minutes: Salesforce
// truncates seconds). Each id becomes an apply job; the job compares with the link's snapshot,
// so a contact seen twice, or our own write seen again, changes nothing.
import { enqueueMany, type JobToAdd } from '../../jobs/queue.ts';
import { clientFor, type LoadedConnection, type SalesforceDeps } from './connection.ts';
import { jobKeys, queues } from './queues.ts';
import { getSyncState, saveSyncState } from './store.ts';

const MINUTE = 60_000;
/** The first window of a connection that never polled. */
const FIRST_WINDOW_MS = 60 * MINUTE;
/** Salesforce keeps 30 days of updates and 15 of deletes: a cursor older than that starts here. */
const MAX_WINDOW_MS = 15 * 24 * 60 * MINUTE - MINUTE;
/** The org's clock may run ahead of ours: ask a little past now; Salesforce answers what it covered. */
const SKEW_MS = 10 * MINUTE;

export async function pollChanges(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
): Promise<{ updated: number; deleted: number }> {
  const { practiceId, id: connectionId } = loaded.connection;
  const state = await getSyncState(deps.db, connectionId);
  const now = Date.now();
  const cursor = state.pollCursor ? Date.parse(state.pollCursor) : now - FIRST_WINDOW_MS;
  const start = new Date(Math.max(cursor, now - MAX_WINDOW_MS));
  const end = new Date(now + SKEW_MS);
  if (Math.floor(end.getTime() / MINUTE) - Math.floor(start.getTime() / MINUTE) < 1) return { updated: 0, deleted: 0 };
  const client = clientFor(deps, loaded);
  const updated = await client.updated('Contact', start, end);
  const deleted = await client.deleted('Contact', start, end);
  const job = (contactId: string, isDeleted: boolean): JobToAdd => ({
    name: 'salesforce:apply-contact',
    payload: { practiceId, connectionId, contactId, deleted: isDeleted },
    options: { queue: queues.record(connectionId, contactId), jobKey: jobKeys.apply(connectionId, contactId) },
  });
  const gone = new Set(deleted.deletedRecords.map((d) => d.id));
  await enqueueMany(deps.db, [
    ...updated.ids.filter((id) => !gone.has(id)).map((id) => job(id, false)),
    ...[...gone].map((id) => job(id, true)),
  ]);
  // The window's end Salesforce covered, less a minute: an edit in the covered minute's last
  // seconds is seen again rather than missed (applying it twice changes nothing).
  const covered = Math.min(Date.parse(updated.latestDateCovered), Date.parse(deleted.latestDateCovered));
  await saveSyncState(deps.db, practiceId, connectionId, {
    pollCursor: new Date(Math.max(start.getTime(), covered - MINUTE)).toISOString(),
  });
  return { updated: updated.ids.length, deleted: gone.size };
}
