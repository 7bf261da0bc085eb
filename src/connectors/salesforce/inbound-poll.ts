// Polling when Change Data Capture is not enabled for Contact (or its retention was outrun):
// Get Updated / Get Deleted over the window since the stored cursor (minutes: Salesforce
// truncates seconds). Each id of a linked contact becomes an apply job (contacts with no link
// are left alone anyway: linking is a person's decision); the job compares with the link's
// snapshot, so a contact seen twice, or our own write seen again, changes nothing.
// Reconciliation (reconcile.ts) walks the same calls over its own cursor.
import { linkedRemoteIds } from '../../db/links.ts';
import { enqueueMany, type JobToAdd } from '../../jobs/queue.ts';
import { clientFor, type LoadedConnection, type SalesforceDeps } from './connection.ts';
import { jobKeys, queues } from './queues.ts';
import { getSyncState, saveSyncState } from './store.ts';

const MINUTE = 60_000;
/** The first window of a connection that never polled. */
export const FIRST_WINDOW_MS = 60 * MINUTE;
/** Salesforce keeps 30 days of updates and 15 of deletes: a cursor older than that starts here. */
const MAX_WINDOW_MS = 15 * 24 * 60 * MINUTE - MINUTE;
/** The org's clock may run ahead of ours: ask a little past now; Salesforce answers what it covered. */
const SKEW_MS = 10 * MINUTE;

export interface ChangedWindow {
  updated: number;
  deleted: number;
  /** Where the next window starts: the end Salesforce covered, less a minute (never before this one's start). */
  nextCursor: string;
}

/**
 * Enqueues an apply job for every linked contact Salesforce reports updated or deleted since
 * `cursor` (ISO); null when the window is shorter than Salesforce's minute.
 */
export async function enqueueChangedSince(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  cursor: string,
): Promise<ChangedWindow | null> {
  const { practiceId, id: connectionId } = loaded.connection;
  const now = Date.now();
  const start = new Date(Math.max(Date.parse(cursor), now - MAX_WINDOW_MS));
  const end = new Date(now + SKEW_MS);
  if (Math.floor(end.getTime() / MINUTE) - Math.floor(start.getTime() / MINUTE) < 1) return null;
  const client = clientFor(deps, loaded);
  const updated = await client.updated('Contact', start, end);
  const deleted = await client.deleted('Contact', start, end);
  const gone = new Set(deleted.deletedRecords.map((d) => d.id));
  const linked = await linkedRemoteIds(deps.db, practiceId, connectionId, 'patient', [...updated.ids, ...gone]);
  const job = (contactId: string, isDeleted: boolean): JobToAdd => ({
    name: 'salesforce:apply-contact',
    payload: { practiceId, connectionId, contactId, deleted: isDeleted },
    options: { queue: queues.record(connectionId, contactId), jobKey: jobKeys.apply(connectionId, contactId) },
  });
  const changedIds = updated.ids.filter((id) => !gone.has(id) && linked.has(id));
  const goneIds = [...gone].filter((id) => linked.has(id));
  await enqueueMany(deps.db, [...changedIds.map((id) => job(id, false)), ...goneIds.map((id) => job(id, true))]);
  // An edit in the covered minute's last seconds is seen again rather than missed (applying it
  // twice changes nothing).
  const covered = Math.min(Date.parse(updated.latestDateCovered), Date.parse(deleted.latestDateCovered));
  return {
    updated: changedIds.length,
    deleted: goneIds.length,
    nextCursor: new Date(Math.max(start.getTime(), covered - MINUTE)).toISOString(),
  };
}

export async function pollChanges(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
): Promise<{ updated: number; deleted: number }> {
  const { practiceId, id: connectionId } = loaded.connection;
  const state = await getSyncState(deps.db, connectionId);
  const cursor = state.pollCursor ?? new Date(Date.now() - FIRST_WINDOW_MS).toISOString();
  const window = await enqueueChangedSince(deps, loaded, cursor);
  if (!window) return { updated: 0, deleted: 0 };
  await saveSyncState(deps.db, practiceId, connectionId, { pollCursor: window.nextCursor });
  return { updated: window.updated, deleted: window.deleted };
}
