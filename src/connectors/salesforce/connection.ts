// What every piece of the Salesforce connector works with: the hub's dependencies, a loaded
// connection (settings and opened credentials), and a client whose session is refreshed
// before it grows old (Salesforce sends no expiry: a session idles out after 2 h, so Tandem
// renews at 90 min) and on INVALID_SESSION_ID — once per connection at a time, the new
// tokens sealed again at once.
import { ConnectionGone, type ConnectorDeps, type LoadedConnection as Loaded, type LoadOptions } from '../types.ts';
import { getConnection, getConnectionById, readCredentials, setCredentials } from '../../db/connections.ts';
import type { WriteContext } from '../../db/records/repository.ts';
import { pauseAtReserve } from './allowance.ts';
import { jwtBearerToken, refreshAccessToken, type TokenGrant } from './auth.ts';
import { SalesforceClient, type Session } from './client.ts';
import { readSettings, type SalesforceSettings } from './settings.ts';

export interface SalesforceCredentials {
  flow: 'jwt' | 'web';
  loginUrl: string;
  instanceUrl: string;
  accessToken: string;
  /** Epoch ms when the access token was issued. */
  issuedAt: number;
  clientId: string;
  clientSecret?: string;
  refreshToken?: string;
  /** JWT bearer flow: the integration user and the connected app's private key. */
  username?: string;
  privateKeyPem?: string;
  userId?: string | null;
  orgId?: string | null;
}

export type LoadedConnection = Loaded<SalesforceSettings, SalesforceCredentials>;

export interface SalesforceDeps extends ConnectorDeps {
  /** Sandbox mode: the in-process emulator's login URL and connected app (for the console's Connect button). */
  sandbox?: { loginUrl: string; clientId: string; clientSecret: string; username: string; privateKeyPem: string };
  /** Test knob: backoff base for the client's retries. */
  backoffMs?: number;
}

const RENEW_AFTER_MS = 90 * 60_000;

/** The connection with its settings and credentials; throws ConnectionGone when there is none (or, by default, it is not active). */
export async function loadConnection(
  deps: ConnectorDeps,
  practiceId: string,
  connectionId: string,
  options: LoadOptions = {},
): Promise<LoadedConnection> {
  const connection = await getConnection(deps.db, practiceId, connectionId);
  if (!connection || connection.system !== 'salesforce') throw new ConnectionGone(connectionId, 'missing');
  const credentials = await readCredentials<SalesforceCredentials>(deps.db, deps.secrets, practiceId, connectionId);
  if (!credentials?.accessToken) throw new ConnectionGone(connectionId, 'no-credentials');
  if (!options.anyStatus && connection.status !== 'active') throw new ConnectionGone(connectionId, 'inactive');
  return { connection, settings: readSettings(connection.settings), credentials };
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

/** A new access token for stored credentials: the refresh token (web-server flow) or a new assertion (JWT). */
export function renewToken(c: SalesforceCredentials): Promise<TokenGrant> {
  if (c.flow === 'jwt')
    return jwtBearerToken({
      loginUrl: c.loginUrl,
      clientId: c.clientId,
      username: c.username ?? '',
      privateKeyPem: c.privateKeyPem ?? '',
    });
  return refreshAccessToken(
    { loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret },
    c.refreshToken ?? '',
  );
}

// One renewal per connection at a time: concurrent jobs that all met a 401 share it.
const renewing = new Map<string, Promise<SalesforceCredentials>>();

export async function renewAndStore(deps: ConnectorDeps, loaded: LoadedConnection): Promise<SalesforceCredentials> {
  const id = loaded.connection.id;
  let pending = renewing.get(id);
  if (!pending) {
    pending = (async () => {
      const grant = await renewToken(loaded.credentials);
      const next: SalesforceCredentials = {
        ...loaded.credentials,
        accessToken: grant.accessToken,
        instanceUrl: grant.instanceUrl,
        issuedAt: Date.now(),
        refreshToken: grant.refreshToken ?? loaded.credentials.refreshToken,
      };
      await setCredentials(deps.db, deps.secrets, loaded.connection.practiceId, id, next);
      return next;
    })().finally(() => renewing.delete(id));
    renewing.set(id, pending);
  }
  loaded.credentials = await pending;
  return loaded.credentials;
}

/** The name our writes carry in Sforce-Call-Options (and so in change events' changeOrigin). */
export const callClientOf = (connectionId: string) => `Tandem-${connectionId.slice(0, 8)}`;

/** A client for this connection, renewing its session when old or refused. */
export function clientFor(deps: SalesforceDeps, loaded: LoadedConnection): SalesforceClient {
  const session = (c: SalesforceCredentials): Session => ({ instanceUrl: c.instanceUrl, accessToken: c.accessToken });
  return new SalesforceClient({
    callClient: callClientOf(loaded.connection.id),
    backoffMs: deps.backoffMs,
    session: async () => {
      if (Date.now() - loaded.credentials.issuedAt > RENEW_AFTER_MS) return session(await renewAndStore(deps, loaded));
      return session(loaded.credentials);
    },
    refresh: async () => session(await renewAndStore(deps, loaded)),
    onLimit: pauseAtReserve(deps, loaded.connection),
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
