// What every piece of the Hint connector works with: the hub's dependencies plus Hint's
// environment (from config, or from the in-process emulator in sandbox mode) and the one HTTP
// client (HintDeps), and a loaded connection (its settings and decrypted practice token).
import { ConnectionGone, type ConnectorDeps, type LoadedConnection as Loaded, type LoadOptions } from '../types.ts';
import { getConnection, getConnectionById, readCredentials } from '../../db/connections.ts';
import { practiceDisabled } from '../../db/practices.ts';
import type { WriteContext } from '../../db/records/repository.ts';
import { HintClient } from './client.ts';
import { readSettings, type HintSettings } from './settings.ts';

export interface HintEnv {
  apiUrl: string;
  partnerApiKey: string | undefined;
  webhookSecret: string | undefined;
  /** Sandbox mode: the emulated Hint practice whose marketplace page the console opens for InstantOn. */
  marketplacePracticeId?: string;
  /** Origins that may frame the embedded app (the emulator's is added in sandbox mode). */
  appOrigins: string[];
}

export interface HintDeps extends ConnectorDeps {
  env: HintEnv;
  client: HintClient;
}

export interface HintCredentials {
  accessToken: string;
}

export type LoadedConnection = Loaded<HintSettings, HintCredentials>;

export function hintDeps(deps: ConnectorDeps): HintDeps {
  const env: HintEnv = {
    apiUrl: deps.config.hint.apiUrl,
    partnerApiKey: deps.config.hint.partnerApiKey,
    webhookSecret: deps.config.hint.webhookSecret,
    appOrigins: [...deps.config.hint.appOrigins],
  };
  return { ...deps, env, client: new HintClient({ baseUrl: () => env.apiUrl }) };
}

// Connections (with their opened token) cached for a second: every job needs one, and a
// change of status or settings is seen within that second.
const CONN_CACHE_MS = 1000;
const connCache = new Map<string, { at: number; loaded: LoadedConnection }>();

/** The connection, ready to talk to Hint; throws ConnectionGone unless it has a token (and is active, by default). */
export async function loadConnection(
  deps: HintDeps,
  practiceId: string,
  connectionId: string,
  options: LoadOptions = {},
): Promise<LoadedConnection> {
  const cached = connCache.get(connectionId);
  let loaded = cached?.loaded;
  if (!cached || cached.loaded.connection.practiceId !== practiceId || Date.now() - cached.at >= CONN_CACHE_MS) {
    loaded = await readConnection(deps, practiceId, connectionId).catch((e: unknown) => {
      connCache.delete(connectionId);
      throw e;
    });
    if (connCache.size > 1000) connCache.clear();
    connCache.set(connectionId, { at: Date.now(), loaded });
  }
  if (!options.anyStatus && loaded!.connection.status !== 'active') throw new ConnectionGone(connectionId, 'inactive');
  // Read past the cache: a disabled practice's sync (reconcile, drain, pushes) stops at once and resumes on enable.
  if (!options.anyStatus && !options.practiceCheckedByCaller && (await practiceDisabled(deps.db, practiceId)))
    throw new ConnectionGone(connectionId, 'practice-disabled');
  return loaded!;
}

/** Forgets a cached connection at once (after this process changed its status or settings). */
export function forgetConnection(connectionId: string): void {
  connCache.delete(connectionId);
}

async function readConnection(deps: HintDeps, practiceId: string, connectionId: string): Promise<LoadedConnection> {
  const connection = await getConnection(deps.db, practiceId, connectionId);
  if (!connection || connection.system !== 'hint') throw new ConnectionGone(connectionId, 'missing');
  const credentials = await readCredentials<HintCredentials>(deps.db, deps.secrets, practiceId, connectionId);
  if (!credentials?.accessToken) throw new ConnectionGone(connectionId, 'no-credentials');
  return { connection, settings: readSettings(connection.settings), credentials };
}

export async function loadConnectionById(
  deps: HintDeps,
  connectionId: string,
  options: LoadOptions = {},
): Promise<LoadedConnection> {
  const connection = await getConnectionById(deps.db, connectionId);
  if (!connection) throw new ConnectionGone(connectionId, 'missing');
  return loadConnection(deps, connection.practiceId, connectionId, options);
}

/** Writes made on behalf of a connection: the outbox fan-out never sends them back to it. */
export function writeContext(connection: { practiceId: string; id: string }): WriteContext {
  return {
    practiceId: connection.practiceId,
    actor: `connection:${connection.id}`,
    origin: `connection:${connection.id}`,
  };
}

/** The patient's page in Tandem, written into Hint as integration_web_link. */
export function webLinkOf(deps: HintDeps, patientId: string): string {
  return `${deps.publicUrl()}/patients/${patientId}`;
}

/** Hint does not yet hold our id and web link on this patient, or still shows an error. */
export function idsMissingIn(
  deps: HintDeps,
  p: {
    integration_record_id?: string | null;
    integration_web_link?: string | null;
    integration_error_message?: string | null;
  },
  localId: string,
): boolean {
  return (
    p.integration_record_id !== localId ||
    p.integration_web_link !== webLinkOf(deps, localId) ||
    !!p.integration_error_message
  );
}
