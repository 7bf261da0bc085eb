// Activation: InstantOn (Hint redirects with ?code=, or POSTs /hint/connect/:code headless),
// a code typed in by staff, or a pasted practice access token. Each ends the same way: the
// token sealed on the practice's Hint connection, status active, the webhook endpoint
// registered for the integration. Deactivation stops all traffic for the connection.
// Binding a Hint practice to a Tandem practice takes an authenticated Tandem admin (their API
// call, or the connect session they started); a code nobody vouched for only renews an existing
// binding, or is parked for approval.
import { NotFoundError, ValidationError } from '../../core/errors.ts';
import {
  createConnection,
  findConnectionByRemoteAccount,
  setCredentials,
  updateConnection,
  type Connection,
} from '../../db/connections.ts';
import { writeLog } from '../../db/logs.ts';
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
import { decidePendingActivation, parkActivation, reopenPendingActivation, type PendingActivation } from './store.ts';

/** The authenticated Tandem admin deciding: their practice and actor id (as the API's auth has them). */
export interface Approver {
  practiceId: string;
  actor: string;
}

export const WEBHOOK_PATH = '/webhooks/hint';

interface Activation {
  accessToken: string;
  hintPracticeId: string;
  hintPracticeName: string | null;
  integrationId: string | null;
}

/** Exchanges an InstantOn code for the practice token; a code Hint refuses is the caller's mistake (422). */
async function exchange(deps: HintDeps, code: string): Promise<Activation> {
  let exchanged;
  try {
    exchanged = await exchangeCode(deps, code);
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
  return {
    accessToken: exchanged.access_token,
    hintPracticeId: exchanged.practice.id,
    hintPracticeName: exchanged.practice.name ?? null,
    integrationId: exchanged.id,
  };
}

/**
 * Connects with a code to `practiceId`, which an authenticated Tandem admin chose: their own
 * practice (a code typed into the API) or the one whose connect session the browser carries.
 */
export async function activateWithCode(deps: HintDeps, code: string, practiceId: string): Promise<Connection> {
  return activate(deps, practiceId, await exchange(deps, code));
}

export type UnattendedOutcome =
  { kind: 'connected'; connection: Connection } | { kind: 'parked'; pending: PendingActivation };

/**
 * A code no Tandem admin vouched for (headless POST, or a redirect without a live connect
 * session). Anyone who can make Hint issue a code can send one, so it may only renew a binding
 * that already exists; a Hint practice bound to no Tandem practice is parked for an admin to
 * approve, and nothing flows to or from it until then.
 */
export async function activateUnattended(
  deps: HintDeps,
  code: string,
  source: 'headless' | 'redirect',
): Promise<UnattendedOutcome> {
  const a = await exchange(deps, code);
  const bound = await findConnectionByRemoteAccount(deps.db, 'hint', a.hintPracticeId);
  if (bound.length > 0) {
    // Every Tandem practice already bound to this Hint practice gets the new token (the old one may be revoked).
    let first: Connection | undefined;
    for (const practiceId of new Set(bound.map((c) => c.practiceId))) first ??= await activate(deps, practiceId, a);
    return { kind: 'connected', connection: first! };
  }
  const pending = await parkActivation(deps.db, deps.secrets, { ...a, source });
  deps.logger.warn(
    { hintPracticeId: a.hintPracticeId, pendingActivationId: pending.id, source },
    'Hint activation parked: no Tandem admin started it; approve or reject it at /api/v1/hint/pending-activations',
  );
  return { kind: 'parked', pending };
}

/** An admin binds a parked Hint practice to their own practice. */
export async function approveActivation(deps: HintDeps, id: string, auth: Approver): Promise<Connection> {
  const { db, secrets } = deps;
  const decided = await decidePendingActivation(db, secrets, id, {
    status: 'approved',
    actor: auth.actor,
    practiceId: auth.practiceId,
  });
  if (!decided) throw new NotFoundError('pending Hint activation');
  const { activation: p, accessToken } = decided;
  try {
    return await activate(deps, auth.practiceId, {
      accessToken,
      hintPracticeId: p.hintPracticeId,
      hintPracticeName: p.hintPracticeName,
      integrationId: p.integrationId,
    });
  } catch (error) {
    await reopenPendingActivation(db, secrets, id, accessToken);
    throw error;
  }
}

/** An admin refuses a parked activation: the token is dropped and (best effort) the integration deactivated in Hint. */
export async function rejectActivation(deps: HintDeps, id: string, auth: Approver): Promise<PendingActivation> {
  const decided = await decidePendingActivation(deps.db, deps.secrets, id, {
    status: 'rejected',
    actor: auth.actor,
    practiceId: null,
  });
  if (!decided) throw new NotFoundError('pending Hint activation');
  const { integrationId } = decided.activation;
  if (integrationId && deps.env.partnerApiKey) {
    try {
      await deactivateIntegration(deps, integrationId);
    } catch (error) {
      // The rejection stands either way: Tandem holds no token for this practice any more.
      if (!(error instanceof HintApiError)) throw error;
      deps.logger.warn(
        { integrationId, status: error.status },
        'rejected Hint activation: Hint did not deactivate the integration',
      );
    }
  }
  return decided.activation;
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
    ? await findIntegration(deps, practice.id).catch((error: unknown) => {
        // Without the integration the webhook endpoint is not registered; reconciliation still syncs.
        if (error instanceof HintApiError) return undefined;
        throw error;
      })
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
    // Best effort in Hint: Tandem has stopped either way; only Hint's own answers are tolerated.
    const hintAnswered = (error: unknown) => {
      if (!(error instanceof HintApiError)) throw error;
    };
    if (webhookEndpointId) await deleteWebhookEndpoint(deps, integrationId, webhookEndpointId).catch(hintAnswered);
    await deactivateIntegration(deps, integrationId).catch(hintAnswered);
  }
  await writeLog(deps.db, loaded.connection.practiceId, {
    level: 'debug',
    message: `Hint connection deactivated: ${reason}`,
    connectionId: loaded.connection.id,
  });
  return connection;
}

/**
 * Where an admin clicks Connect on Tandem's tile to start InstantOn: Hint's integrations page
 * ([INF]), or in sandbox mode the emulated practice's marketplace page; null when unknown (an
 * emulator outside sandbox mode: the console then tells the admin where to go).
 */
export function marketplaceUrl(deps: HintDeps): string | null {
  if (new URL(deps.env.apiUrl).hostname.endsWith('hint.com')) return integrationPageUrl(deps, null);
  return deps.env.marketplacePracticeId ? integrationPageUrl(deps, deps.env.marketplacePracticeId) : null;
}

/** Where staff manage the integration in Hint ([INF]: the emulator's marketplace page, or Hint's app). */
export function integrationPageUrl(deps: HintDeps, hintPracticeId: string | null): string {
  const api = new URL(deps.env.apiUrl);
  if (api.hostname.endsWith('hint.com')) return 'https://app.hint.com/admin/integrations';
  return `${api.origin}/marketplace/connect?practice=${encodeURIComponent(hintPracticeId ?? '')}`;
}
