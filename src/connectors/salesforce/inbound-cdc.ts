// Change Data Capture over the Streaming API (CometD, through jsforce): /data/ContactChangeEvent
// from the replay id stored after the last processed event, so a restart resumes where it
// stopped. Events are handled one at a time; each becomes apply jobs (one per contact, in the
// contact's queue) and the new replay id in ONE transaction: an event is either fully taken
// (jobs and replay id) or not at all, and is never taken twice. Our own writes (changeOrigin
// carries our client name) are skipped here; the apply job's snapshot compare catches the rest.
import { Connection } from 'jsforce';
import { StreamingExtension } from 'jsforce/lib/api/streaming.js';
import { inTransaction } from '../../db/pool.ts';
import { enqueue } from '../../jobs/queue.ts';
import { API_VERSION } from './client.ts';
import { callClientOf, type LoadedConnection, type SalesforceDeps } from './connection.ts';
import { jobKeys, queues } from './queues.ts';
import { getSyncState, saveSyncState } from './store.ts';

export const CONTACT_CHANNEL = '/data/ContactChangeEvent';

export interface ChangeEvent {
  event: { replayId: number };
  payload: {
    ChangeEventHeader: {
      entityName: string;
      recordIds: string[];
      changeType: 'CREATE' | 'UPDATE' | 'DELETE' | 'UNDELETE' | string;
      changeOrigin: string;
      commitTimestamp: number;
    };
  };
}

interface FayeSubscription {
  callback(fn: () => void): void;
  errback(fn: (error: Error) => void): void;
  cancel?(): void;
}
interface FayeClient {
  subscribe(channel: string, listener: (message: ChangeEvent) => void): FayeSubscription;
  disconnect(): void;
}

export interface CdcHandle {
  stop(): void;
}

/**
 * Subscribes; resolves once Salesforce confirmed the subscription. `onFailure` hears of a
 * refused session ('auth') or a replay id past retention ('replay') after that point.
 */
export async function startCdc(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  onFailure: (reason: 'auth' | 'replay' | 'error', error?: unknown) => void,
): Promise<CdcHandle> {
  const { connection, credentials } = loaded;
  const state = await getSyncState(deps.db, connection.id);
  let last = state.replayId ?? -1;
  const conn = new Connection({
    instanceUrl: credentials.instanceUrl,
    accessToken: credentials.accessToken,
    version: API_VERSION,
  });
  let stopped = false;
  const failed = (reason: 'auth' | 'replay' | 'error', error?: unknown) => {
    if (stopped) return;
    stopped = true;
    client.disconnect();
    onFailure(reason, error);
  };
  const client = conn.streaming.createClient([
    new StreamingExtension.Replay(CONTACT_CHANNEL, last),
    new StreamingExtension.AuthFailure(() => failed('auth')),
  ]) as unknown as FayeClient;
  let chain = Promise.resolve();
  const subscription = client.subscribe(CONTACT_CHANNEL, (message) => {
    chain = chain
      .then(async () => {
        if (stopped || message.event.replayId <= last) return;
        await takeEvent(deps, loaded, message);
        last = message.event.replayId;
      })
      .catch((error: unknown) => failed('error', error));
  });
  await new Promise<void>((resolve, reject) => {
    subscription.callback(() => resolve());
    subscription.errback((error) => {
      client.disconnect();
      stopped = true;
      reject(error);
    });
  });
  return {
    stop() {
      stopped = true;
      client.disconnect();
    },
  };
}

/** One event: its apply jobs and its replay id, in one transaction. */
export async function takeEvent(deps: SalesforceDeps, loaded: LoadedConnection, message: ChangeEvent): Promise<void> {
  const { practiceId, id: connectionId } = loaded.connection;
  const header = message.payload.ChangeEventHeader;
  const ours = header.changeOrigin?.includes(`client=${callClientOf(connectionId)}`) ?? false;
  await inTransaction(deps.db, async (tx) => {
    if (!ours)
      for (const contactId of header.recordIds)
        await enqueue(
          tx,
          'salesforce:apply-contact',
          { practiceId, connectionId, contactId, deleted: header.changeType === 'DELETE' },
          { queue: queues.record(connectionId, contactId), jobKey: jobKeys.apply(connectionId, contactId) },
        );
    await saveSyncState(tx, practiceId, connectionId, {
      replayId: message.event.replayId,
      pollCursor: new Date(header.commitTimestamp).toISOString(),
    });
  });
}

/** Salesforce refused the stored replay id (older than the 72 h retention). */
export const isReplayTooOld = (error: unknown) =>
  /replayId .* (was )?invalid|400::/i.test(String((error as Error)?.message ?? error));

/** Salesforce refused the subscription because the org has no such channel (no CDC for Contact). */
export const isChannelMissing = (error: unknown) =>
  /does not exist|unknown channel/i.test(String((error as Error)?.message ?? error));

/** Salesforce refused the session (expired or revoked token). */
export const isSessionRefused = (error: unknown) => /^401::/.test(String((error as Error)?.message ?? error));
