// Activation: InstantOn (Hint redirects with ?code=, or POSTs /hint/connect/:code headless),
// a code typed in by staff, or a pasted practice access token. Each ends the same way: the
// token sealed on the practice's Hint connection, status active, the webhook endpoint
// registered for the integration. Deactivation stops all traffic for the connection.
import { ValidationError } from '../../core/errors.ts';
import {
  createConnection,
  findConnectionByRemoteAccount,
  setCredentials,
  updateConnection,
  type Connection,
} from '../../db/connections.ts';
import { writeLog } from '../../db/logs.ts';
import { ensureDefaultPractice } from '../../db/practices.ts';
import {
  deactivateIntegration,
  deleteWebhookEndpoint,
  ensureWebhookEndpoint,
  exchangeCode,
  findIntegration,
  getPractice,
} from './client-endpoints.ts';
import { HintApiError } from './client.ts';
import { forgetConnection, type LoadedConnection, type HintDeps } from './connection.ts';

export const WEBHOOK_PATH = '/webhooks/hint';

interface Activation {
  accessToken: string;
  hintPracticeId: string;
  hintPracticeName: string | null;
  integrationId: string | null;
}

/** Which Tandem practice a Hint practice connects to: the session's, an earlier connection's, or the default one. */
export async function practiceFor(deps: HintDeps, hintPracticeId: string, sessionPracticeId?: string): Promise<string> {
  if (sessionPracticeId) return sessionPracticeId;
  const [earlier] = await findConnectionByRemoteAccount(deps.db, 'hint', hintPracticeId);
  if (earlier) return earlier.practiceId;
  return (await ensureDefaultPractice(deps.db)).id;
}

export async function activateWithCode(deps: HintDeps, code: string, sessionPracticeId?: string): Promise<Connection> {
  let exchange;
  try {
    exchange = await exchangeCode(deps, code);
  } catch (error) {
    if (error instanceof HintApiError && !error.retryable && error.status !== 0) {
      throw new ValidationError([
        {
          field: 'code',
          message: `Hint refused the code (${error.hintMessage}); start the connection again from Hint`,
        },
      ]);
    }
    throw error;
  }
  const practiceId = await practiceFor(deps, exchange.practice.id, sessionPracticeId);
  return activate(deps, practiceId, {
    accessToken: exchange.access_token,
    hintPracticeId: exchange.practice.id,
    hintPracticeName: exchange.practice.name ?? null,
    integrationId: exchange.id,
  });
}

export async function activateWithToken(deps: HintDeps, practiceId: string, accessToken: string): Promise<Connection> {
  let practice;
  try {
    practice = await getPractice(deps, accessToken);
  } catch (error) {
    if (error instanceof HintApiError && !error.retryable) {
      throw new ValidationError([
        { field: 'accessToken', message: `Hint did not accept this access token (${error.status})` },
      ]);
    }
    throw error;
  }
  const integration = deps.env.partnerApiKey
    ? await findIntegration(deps, practice.id).catch(() => undefined)
    : undefined;
  return activate(deps, practiceId, {
    accessToken,
    hintPracticeId: practice.id,
    hintPracticeName: practice.name ?? null,
    integrationId: integration?.id ?? null,
  });
}

async function activate(deps: HintDeps, practiceId: string, a: Activation): Promise<Connection> {
  const { db, secrets } = deps;
  const existing = (await findConnectionByRemoteAccount(db, 'hint', a.hintPracticeId)).find(
    (c) => c.practiceId === practiceId,
  );
  const identity = { integrationId: a.integrationId, hintPracticeName: a.hintPracticeName };
  let connection: Connection;
  if (existing) {
    await setCredentials(db, secrets, practiceId, existing.id, { accessToken: a.accessToken });
    connection = (await updateConnection(db, practiceId, existing.id, {
      status: 'active',
      statusMessage: null,
      settings: { ...existing.settings, ...identity },
    }))!;
  } else {
    connection = await createConnection(db, secrets, {
      practiceId,
      system: 'hint',
      name: `Hint: ${a.hintPracticeName ?? a.hintPracticeId}`,
      status: 'active',
      remoteAccountId: a.hintPracticeId,
      settings: identity,
      credentials: { accessToken: a.accessToken },
    });
  }
  connection = await registerWebhook(deps, connection);
  forgetConnection(connection.id);
  await writeLog(db, practiceId, {
    level: 'debug',
    message: 'Hint connection activated',
    connectionId: connection.id,
    context: { hintPracticeId: a.hintPracticeId },
  });
  return connection;
}

/** Registers /webhooks/hint for the integration; without it, reconciliation still catches every change. */
async function registerWebhook(deps: HintDeps, connection: Connection): Promise<Connection> {
  const integrationId = connection.settings.integrationId;
  if (typeof integrationId !== 'string' || !deps.env.partnerApiKey) {
    return (await updateConnection(deps.db, connection.practiceId, connection.id, {
      statusMessage: 'webhooks not registered (no partner key or integration id); changes arrive by reconciliation',
    }))!;
  }
  try {
    const endpointId = await ensureWebhookEndpoint(deps, integrationId, `${deps.publicUrl()}${WEBHOOK_PATH}`);
    return (await updateConnection(deps.db, connection.practiceId, connection.id, {
      settings: { ...connection.settings, webhookEndpointId: endpointId },
    }))!;
  } catch (error) {
    const reason = error instanceof HintApiError ? `Hint ${error.status}` : 'network error';
    await writeLog(deps.db, connection.practiceId, {
      level: 'error',
      message: `could not register the Hint webhook endpoint: ${reason}`,
      connectionId: connection.id,
    });
    return (await updateConnection(deps.db, connection.practiceId, connection.id, {
      statusMessage: `webhook endpoint not registered (${reason}); changes arrive by reconciliation`,
    }))!;
  }
}

/** Stops all traffic: the connection is deactivated here, and (best effort) in Hint. */
export async function deactivate(
  deps: HintDeps,
  loaded: LoadedConnection,
  reason: string,
  tellHint: boolean,
): Promise<Connection> {
  const { integrationId, webhookEndpointId } = loaded.connection.settings as {
    integrationId?: string;
    webhookEndpointId?: string;
  };
  const connection = (await updateConnection(deps.db, loaded.connection.practiceId, loaded.connection.id, {
    status: 'deactivated',
    statusMessage: reason,
  }))!;
  forgetConnection(loaded.connection.id);
  if (tellHint && integrationId && deps.env.partnerApiKey) {
    if (webhookEndpointId) await deleteWebhookEndpoint(deps, integrationId, webhookEndpointId).catch(() => {});
    await deactivateIntegration(deps, integrationId).catch(() => {});
  }
  await writeLog(deps.db, loaded.connection.practiceId, {
    level: 'debug',
    message: `Hint connection deactivated: ${reason}`,
    connectionId: loaded.connection.id,
  });
  return connection;
}

/** Where staff manage the integration in Hint ([INF]: the emulator's marketplace page, or Hint's app). */
export function integrationPageUrl(deps: HintDeps, hintPracticeId: string | null): string {
  const api = new URL(deps.env.apiUrl);
  if (api.hostname.endsWith('hint.com')) return 'https://app.hint.com/admin/integrations';
  return `${api.origin}/marketplace/connect?practice=${encodeURIComponent(hintPracticeId ?? '')}`;
}
