// Connecting an org, two ways (digest §1, go-live scenarios 1–3): the JWT bearer flow (client
// id, integration user, private key; unattended) and the web-server flow with PKCE (an admin
// approves in Salesforce; Tandem gets a refresh token). Either way the tokens are sealed, the
// org is verified with describe, and the connection is active only when nothing blocking is
// missing. Deactivating revokes the tokens and stops capture; every record stays.
import { randomBytes } from 'node:crypto';
import { ConflictError, IntegrationError, ValidationError } from '../../core/errors.ts';
import {
  createConnection,
  getConnection,
  readCredentials,
  setCredentials,
  updateConnection,
  type Connection,
} from '../../db/connections.ts';
import {
  authorizeUrl,
  exchangeCode,
  identityIds,
  jwtBearerToken,
  pkcePair,
  revokeToken,
  type TokenGrant,
} from './auth.ts';
import type { CaptureManager } from './capture.ts';
import { clientFor, loadConnection, type SalesforceCredentials, type SalesforceDeps } from './connection.ts';
import { DEFAULT_SETTINGS, settingsSchema, type SalesforceSettings } from './settings.ts';
import { saveOauthState, saveSyncState, takeOauthState } from './store.ts';
import { verifyOrg, type Verification } from './verify.ts';

export const CALLBACK_PATH = '/connect/salesforce/callback';

export interface JwtInput {
  name?: string;
  loginUrl: string;
  clientId: string;
  username: string;
  privateKeyPem: string;
  settings?: Partial<SalesforceSettings>;
}

export interface WebInput {
  name?: string;
  loginUrl: string;
  clientId: string;
  clientSecret?: string;
  settings?: Partial<SalesforceSettings>;
}

/** Turns a token-endpoint refusal into words an admin can act on (a 400 naming the field). */
function refusal(e: unknown, field: string): never {
  if (e instanceof IntegrationError && e.status > 0 && e.status < 500)
    throw new ValidationError(
      [{ field, message: `Salesforce answered ${e.code}${e.detail ? `: ${e.detail}` : ''}` }],
      `Salesforce refused: ${e.code}${e.detail ? ` (${e.detail})` : ''}`,
    );
  throw e;
}

export async function connectWithJwt(
  deps: SalesforceDeps,
  capture: CaptureManager,
  practiceId: string,
  input: JwtInput,
): Promise<{ connection: Connection; verification: Verification }> {
  const grant = await jwtBearerToken(input).catch((e: unknown) =>
    refusal(e, (e as IntegrationError).code === 'invalid_private_key' ? 'privateKeyPem' : 'username'),
  );
  const credentials = credentialsOf('jwt', input.loginUrl, input.clientId, grant, {
    username: input.username,
    privateKeyPem: input.privateKeyPem,
  });
  const connection = await createConnection(deps.db, deps.secrets, {
    practiceId,
    system: 'salesforce',
    name: input.name ?? 'Salesforce',
    status: 'pending',
    statusMessage: 'Verifying the org',
    remoteAccountId: credentials.orgId ?? null,
    settings: settingsSchema.parse({ ...DEFAULT_SETTINGS, ...input.settings }),
    credentials,
  });
  return activate(deps, capture, connection);
}

export async function startWebFlow(
  deps: SalesforceDeps,
  practiceId: string,
  input: WebInput,
): Promise<{ connection: Connection; authorizeUrl: string }> {
  const connection = await createConnection(deps.db, deps.secrets, {
    practiceId,
    system: 'salesforce',
    name: input.name ?? 'Salesforce',
    status: 'pending',
    statusMessage: 'Waiting for an admin to allow access in Salesforce',
    settings: settingsSchema.parse({ ...DEFAULT_SETTINGS, ...input.settings }),
    // No access token yet: loadConnection treats the connection as not ready.
    credentials: {
      flow: 'web',
      loginUrl: input.loginUrl,
      clientId: input.clientId,
      clientSecret: input.clientSecret,
      instanceUrl: '',
      accessToken: '',
      issuedAt: 0,
    } satisfies SalesforceCredentials,
  });
  return { connection, authorizeUrl: await authorizeFor(deps, connection, input) };
}

/** A fresh authorization URL for a web-flow connection (a new state and PKCE pair each time). */
export async function authorizeFor(
  deps: SalesforceDeps,
  connection: Connection,
  s: { loginUrl: string; clientId: string },
): Promise<string> {
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(24).toString('base64url');
  const redirectUri = `${deps.publicUrl()}${CALLBACK_PATH}`;
  await saveOauthState(deps.db, {
    state,
    practiceId: connection.practiceId,
    connectionId: connection.id,
    codeVerifier: verifier,
    redirectUri,
  });
  return authorizeUrl(s, redirectUri, state, challenge);
}

/** The admin came back from Salesforce with a code: exchange it (with the PKCE verifier) and activate. */
export async function finishWebFlow(
  deps: SalesforceDeps,
  capture: CaptureManager,
  state: string,
  code: string,
): Promise<{ connection: Connection; verification: Verification }> {
  const flow = await takeOauthState(deps.db, state);
  if (!flow)
    throw new ValidationError(
      [{ field: 'state', message: 'is unknown or older than ten minutes' }],
      'this sign-in link has expired or was already used; start connecting again',
    );
  const stored = await readCredentials<SalesforceCredentials>(
    deps.db,
    deps.secrets,
    flow.practiceId,
    flow.connectionId,
  );
  const connection = await getConnection(deps.db, flow.practiceId, flow.connectionId);
  if (!stored || !connection) throw new ConflictError('the connection was removed while connecting');
  const grant = await exchangeCode(stored, code, flow.redirectUri, flow.codeVerifier).catch((e: unknown) =>
    refusal(e, 'code'),
  );
  const credentials = credentialsOf('web', stored.loginUrl, stored.clientId, grant, {
    clientSecret: stored.clientSecret,
  });
  await setCredentials(deps.db, deps.secrets, flow.practiceId, flow.connectionId, credentials);
  const updated = await updateConnection(deps.db, flow.practiceId, flow.connectionId, {
    remoteAccountId: credentials.orgId ?? null,
  });
  return activate(deps, capture, updated ?? connection);
}

function credentialsOf(
  flow: 'jwt' | 'web',
  loginUrl: string,
  clientId: string,
  grant: TokenGrant,
  extra: Partial<SalesforceCredentials>,
): SalesforceCredentials {
  return {
    flow,
    loginUrl: loginUrl.replace(/\/$/, ''),
    clientId,
    instanceUrl: grant.instanceUrl,
    accessToken: grant.accessToken,
    refreshToken: grant.refreshToken,
    issuedAt: Date.now(),
    ...identityIds(grant.identity),
    ...extra,
  };
}

/** Verifies the org; active (and capturing) when nothing blocking is missing, else in error with the findings. */
export async function activate(
  deps: SalesforceDeps,
  capture: CaptureManager,
  connection: Connection,
): Promise<{ connection: Connection; verification: Verification }> {
  const loaded = await loadConnection(deps, connection.practiceId, connection.id, { anyStatus: true });
  let verification: Verification;
  try {
    verification = await verifyOrg(clientFor(deps, loaded), loaded.settings);
  } catch (e) {
    if (!(e instanceof IntegrationError) || e.retryable) throw e;
    // Salesforce refuses Tandem's session for good (revoked, user deactivated…): say so, and how to fix it.
    const message = `Salesforce refused Tandem's session (${e.code}${e.detail ? `: ${e.detail}` : ''}). Reconnect the org.`;
    await updateConnection(deps.db, connection.practiceId, connection.id, { status: 'error', statusMessage: message });
    capture.stop(connection.id);
    throw new ConflictError(message, [{ field: 'id', message: `Salesforce answered ${e.code}` }]);
  }
  const blocking = verification.findings.filter((f) => f.severity === 'blocking');
  const updated = await updateConnection(deps.db, connection.practiceId, connection.id, {
    status: blocking.length ? 'error' : 'active',
    statusMessage: blocking.length
      ? `Tandem's package is incomplete in this org: ${blocking.map((f) => `${f.name} ${f.problem}`).join('; ')}. ${blocking[0]!.fix}`
      : null,
    health: { verification },
  });
  if (!blocking.length) {
    await saveSyncState(deps.db, connection.practiceId, connection.id, {});
    await capture.start(connection.practiceId, connection.id);
  }
  return { connection: updated ?? connection, verification };
}

/** Revokes the tokens (best effort), stops capture; links and records stay. */
export async function deactivate(
  deps: SalesforceDeps,
  capture: CaptureManager,
  practiceId: string,
  connectionId: string,
): Promise<Connection | undefined> {
  capture.stop(connectionId);
  const credentials = await readCredentials<SalesforceCredentials>(deps.db, deps.secrets, practiceId, connectionId);
  let revoked = false;
  if (credentials?.loginUrl) {
    const token = credentials.refreshToken ?? credentials.accessToken;
    if (token) revoked = await revokeToken(credentials.loginUrl, token);
  }
  return updateConnection(deps.db, practiceId, connectionId, {
    status: 'deactivated',
    statusMessage: revoked
      ? "Deactivated; Tandem's tokens were revoked in Salesforce. Every record and link stays."
      : 'Deactivated. Salesforce did not confirm the revocation: revoke "Tandem" under Connected Apps OAuth Usage if it still shows.',
  });
}
