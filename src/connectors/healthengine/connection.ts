// A Healthengine connection as the connector sees it: settings with defaults, sealed
// credentials (practice id + key + the webhook path secret), and a client built from them.
import { ConnectionGone, type ConnectorDeps, type LoadedConnection as Loaded, type LoadOptions } from '../types.ts';
import { getConnection, getConnectionById, readCredentials } from '../../db/connections.ts';
import { practiceDisabled } from '../../db/practices.ts';
import type { WriteContext } from '../../db/records/repository.ts';
import { HealthengineClient, type PracticeCredentials } from './client.ts';
import { settingsSchema, type HealthengineSettings } from './settings.ts';

export interface StoredCredentials extends PracticeCredentials {
  webhookSecret: string;
  /** Sandbox mode only: the in-process emulator's URL and consumer key instead of the configured ones. */
  apiUrl?: string;
  apiKey?: string;
}

export type LoadedConnection = Loaded<HealthengineSettings, StoredCredentials>;

/** The connection with its settings and credentials; throws ConnectionGone when there is none (or, by default, it is not active). */
export async function loadConnection(
  deps: ConnectorDeps,
  practiceId: string,
  connectionId: string,
  options: LoadOptions = {},
): Promise<LoadedConnection> {
  const connection = await getConnection(deps.db, practiceId, connectionId);
  if (!connection || connection.system !== 'healthengine') throw new ConnectionGone(connectionId, 'missing');
  const credentials = await readCredentials<StoredCredentials>(deps.db, deps.secrets, practiceId, connectionId);
  if (!credentials) throw new ConnectionGone(connectionId, 'no-credentials');
  if (!options.anyStatus && connection.status !== 'active') throw new ConnectionGone(connectionId, 'inactive');
  // A disabled practice's background work (polls, publications, pushes) stops; it resumes on enable.
  if (!options.anyStatus && (await practiceDisabled(deps.db, practiceId)))
    throw new ConnectionGone(connectionId, 'practice-disabled');
  return { connection, settings: settingsSchema.parse(connection.settings), credentials };
}

export async function loadConnectionById(
  deps: ConnectorDeps,
  connectionId: string,
  options: LoadOptions = {},
): Promise<LoadedConnection> {
  const connection = await getConnectionById(deps.db, connectionId);
  if (!connection) throw new ConnectionGone(connectionId, 'missing');
  return loadConnection(deps, connection.practiceId, connectionId, options);
}

export function clientFor(deps: ConnectorDeps, credentials: StoredCredentials): HealthengineClient {
  const { apiUrl, apiKey, userAgent } = deps.config.healthengine;
  const { practiceId, practiceKey } = credentials;
  return new HealthengineClient({
    baseUrl: credentials.apiUrl ?? apiUrl,
    apiKey: credentials.apiKey ?? apiKey ?? '',
    userAgent,
    credentials: { practiceId, practiceKey },
  });
}

/** Writes made on behalf of a connection: the outbox fan-out never sends them back to it. */
export function writeContext(connection: { practiceId: string; id: string }): WriteContext {
  return {
    practiceId: connection.practiceId,
    actor: `connection:${connection.id}`,
    origin: `connection:${connection.id}`,
  };
}
