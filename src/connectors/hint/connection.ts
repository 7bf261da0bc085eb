// What every piece of the Hint connector works with: the hub's dependencies, Hint's
// environment (from config, or from the in-process emulator in sandbox mode), the one HTTP
// client, and a loaded connection (its settings and decrypted practice token).
import type { ConnectorDeps } from '../types.ts';
import { getConnection, getConnectionById, readCredentials, type Connection } from '../../db/connections.ts';
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

export interface HintRuntime {
  deps: ConnectorDeps;
  env: HintEnv;
  client: HintClient;
}

export interface HintCredentials {
  accessToken: string;
}

export interface HintConn {
  connection: Connection;
  settings: HintSettings;
  token: string;
  practiceId: string;
  id: string;
}

export function createRuntime(deps: ConnectorDeps): HintRuntime {
  const env: HintEnv = {
    apiUrl: deps.config.hint.apiUrl,
    partnerApiKey: deps.config.hint.partnerApiKey,
    webhookSecret: deps.config.hint.webhookSecret,
    appOrigins: [...deps.config.hint.appOrigins],
  };
  return { deps, env, client: new HintClient({ baseUrl: () => env.apiUrl }) };
}

/** The connection, ready to talk to Hint; undefined unless it is active with a token. */
// Connections (with their opened token) cached for a second: every job needs one, and a
// change of status or settings is seen within that second.
const CONN_CACHE_MS = 1000;
const connCache = new Map<string, { at: number; hc: HintConn }>();

export async function loadConn(
  rt: HintRuntime,
  practiceId: string,
  connectionId: string,
  options: { anyStatus?: boolean } = {},
): Promise<HintConn | undefined> {
  const cached = connCache.get(connectionId);
  if (
    cached &&
    cached.hc.practiceId === practiceId &&
    Date.now() - cached.at < CONN_CACHE_MS &&
    (options.anyStatus || cached.hc.connection.status === 'active')
  )
    return cached.hc;
  const hc = await readConn(rt, practiceId, connectionId);
  if (hc) {
    if (connCache.size > 1000) connCache.clear();
    connCache.set(connectionId, { at: Date.now(), hc });
  } else connCache.delete(connectionId);
  if (!hc || (!options.anyStatus && hc.connection.status !== 'active')) return undefined;
  return hc;
}

/** Forgets a cached connection at once (after this process changed its status or settings). */
export function forgetConn(connectionId: string): void {
  connCache.delete(connectionId);
}

async function readConn(rt: HintRuntime, practiceId: string, connectionId: string): Promise<HintConn | undefined> {
  const connection = await getConnection(rt.deps.db, practiceId, connectionId);
  if (!connection || connection.system !== 'hint') return undefined;
  const creds = await readCredentials<HintCredentials>(rt.deps.db, rt.deps.secrets, practiceId, connectionId);
  if (!creds?.accessToken) return undefined;
  return {
    connection,
    settings: readSettings(connection.settings),
    token: creds.accessToken,
    practiceId,
    id: connectionId,
  };
}

export async function loadConnById(rt: HintRuntime, connectionId: string): Promise<HintConn | undefined> {
  const connection = await getConnectionById(rt.deps.db, connectionId);
  return connection ? loadConn(rt, connection.practiceId, connectionId) : undefined;
}

/** Writes made on behalf of a connection: the outbox fan-out never sends them back to it. */
export function writeContextOf(hc: Pick<HintConn, 'practiceId' | 'id'>): WriteContext {
  return { practiceId: hc.practiceId, actor: `connection:${hc.id}`, origin: `connection:${hc.id}` };
}

/** The patient's page in Tandem, written into Hint as integration_web_link. */
export function webLinkOf(rt: HintRuntime, patientId: string): string {
  return `${rt.deps.publicUrl()}/patients/${patientId}`;
}

/** Hint does not yet hold our id and web link on this patient, or still shows an error. */
export function idsMissingIn(
  rt: HintRuntime,
  p: {
    integration_record_id?: string | null;
    integration_web_link?: string | null;
    integration_error_message?: string | null;
  },
  localId: string,
): boolean {
  return (
    p.integration_record_id !== localId ||
    p.integration_web_link !== webLinkOf(rt, localId) ||
    !!p.integration_error_message
  );
}
