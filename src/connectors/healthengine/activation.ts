// Whole-connection operations shared by the API routes and the CLI: link (or relink), resync
// on demand, disable and re-enable, change of practice id/key. Each is a durable job.
import { randomBytes } from 'node:crypto';
import { setCredentials, updateConnection } from '../../db/connections.ts';
import type { Queryable } from '../../db/pool.ts';
import { enqueue } from '../../jobs/queue.ts';
import type { ConnectorDeps } from '../types.ts';
import { clientFor, type LoadedConnection, type StoredCredentials } from './connection.ts';
import { dropSubscription } from './activation-link.ts';
import { forgetPublished } from './store.ts';
import { jobKeys, queues } from './queues.ts';

export const newWebhookSecret = () => randomBytes(24).toString('base64url');

export async function requestLink(db: Queryable, practiceId: string, connectionId: string): Promise<void> {
  await enqueue(
    db,
    'healthengine:link',
    { practiceId, connectionId },
    { queue: queues.publish(connectionId), jobKey: jobKeys.link(connectionId) },
  );
}

/** `tandem healthengine resync` and POST .../resync: configuration, availability (every day, sent even if unchanged), or both. */
export async function requestResync(
  db: Queryable,
  practiceId: string,
  connectionId: string,
  what: { config: boolean; availability: boolean },
): Promise<string[]> {
  const queued: string[] = [];
  if (what.config) {
    await enqueue(
      db,
      'healthengine:publish-config',
      { practiceId, connectionId },
      { queue: queues.publish(connectionId) },
    );
    queued.push('healthengine:publish-config');
  }
  if (what.availability) {
    await enqueue(
      db,
      'healthengine:publish-availability',
      { practiceId, connectionId, force: true, full: true },
      { queue: queues.publish(connectionId) },
    );
    queued.push('healthengine:publish-availability');
  }
  return queued;
}

export async function disableConnection(deps: ConnectorDeps, loaded: LoadedConnection): Promise<void> {
  await updateConnection(deps.db, loaded.connection.practiceId, loaded.connection.id, {
    status: 'disabled',
    statusMessage: 'Disabled: nothing is sent to or taken from Healthengine until re-enabled',
  });
  await dropSubscription(deps, loaded);
}

/** Re-enable: configuration and availability are resent, then outstanding requests checked (the link job). */
export async function enableConnection(deps: ConnectorDeps, loaded: LoadedConnection): Promise<void> {
  await updateConnection(deps.db, loaded.connection.practiceId, loaded.connection.id, {
    status: 'pending',
    statusMessage: 'Linking: sending configuration and availability',
  });
  await requestLink(deps.db, loaded.connection.practiceId, loaded.connection.id);
}

/** New practice id/key: the old practice's subscription goes, nothing more is sent to it, the new one is configured from scratch. */
export async function changeCredentials(
  deps: ConnectorDeps,
  loaded: LoadedConnection,
  next: { practiceId: string; practiceKey: string },
): Promise<void> {
  const { connection } = loaded;
  await dropSubscription(deps, loaded, clientFor(deps, loaded.credentials));
  const credentials: StoredCredentials = { ...loaded.credentials, ...next, webhookSecret: newWebhookSecret() };
  await setCredentials(deps.db, deps.secrets, connection.practiceId, connection.id, credentials);
  await forgetPublished(deps.db, connection.id);
  await updateConnection(deps.db, connection.practiceId, connection.id, {
    remoteAccountId: next.practiceId,
    status: 'pending',
    statusMessage: 'Linking: sending configuration and availability',
  });
  await requestLink(deps.db, connection.practiceId, connection.id);
}
