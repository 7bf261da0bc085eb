// Linking a practice: send configuration, then availability, subscribe to request webhooks,
// then check /requests for leftovers. 401/403 marks the connection "consent needed" with
// exact instructions and stops: nothing is retried in a loop until someone fixes consent.
import { updateConnection } from '../../db/connections.ts';
import { writeLog } from '../../db/logs.ts';
import type { ConnectorDeps } from '../types.ts';
import { HealthengineConsentError, HealthengineError, type HealthengineClient } from './client.ts';
import { clientFor, type LoadedConnection } from './connection.ts';
import { publishAvailability } from './outbound-availability.ts';
import { publishConfiguration } from './outbound-config.ts';
import { loadPublishedConfig } from './outbound-data.ts';
import { heTimestamp } from './inbound-live-hours.ts';
import { forgetPublished, getState, setState } from './store.ts';

const SUBSCRIPTION_HOURS = 24;
const RENEW_WITHIN_MS = 2 * 3_600_000;

export function consentMessage(connectionId: string, practiceId: string, status: number): string {
  return (
    `Healthengine refused practice ${practiceId} (HTTP ${status}): this practice has not granted consent to Tandem, or has revoked it. ` +
    'To grant consent: log in to Healthengine Practice Admin, open "API Consumer Consent", click "Grant new consent" and choose Tandem; ' +
    `Healthengine then shows a practice ID and practice key. Enter them with PATCH /api/v1/healthengine/connections/${connectionId} ` +
    '{"practiceId": "...", "practiceKey": "..."} (or, if they did not change, POST .../enable). ' +
    'If the practice has no "API Consumer Consent" page, ask Healthengine support (1300 377 639, support@healthengine.com.au) to enable the PMS API for it.'
  );
}

export async function markConsentNeeded(
  deps: ConnectorDeps,
  loaded: LoadedConnection,
  error: HealthengineConsentError,
): Promise<void> {
  const { connection, credentials } = loaded;
  const message = consentMessage(connection.id, credentials.practiceId, error.status);
  await updateConnection(deps.db, connection.practiceId, connection.id, {
    status: 'consent_needed',
    statusMessage: message,
  });
  await writeLog(deps.db, connection.practiceId, {
    level: 'error',
    message,
    connectionId: connection.id,
    context: { status: error.status, path: error.path },
  });
}

export function callbackUrl(deps: ConnectorDeps, loaded: LoadedConnection): string {
  return `${deps.publicUrl()}/webhooks/healthengine/${loaded.connection.id}/${loaded.credentials.webhookSecret}`;
}

/** Subscribes to requests.* with an expiry, renews before it, and re-subscribes if Healthengine lost it. */
export async function ensureSubscription(
  deps: ConnectorDeps,
  loaded: LoadedConnection,
  client: HealthengineClient,
  now = Date.now(),
): Promise<void> {
  const { connection, settings } = loaded;
  const state = await getState(deps.db, connection.id);
  if (!settings.webhooks) {
    if (state.subscriptionId) await dropSubscription(deps, loaded, client);
    return;
  }
  const expires = state.subscriptionExpiresAt ? Date.parse(state.subscriptionExpiresAt) : 0;
  if (state.subscriptionId && expires - now > RENEW_WITHIN_MS) {
    const alive = await client.getSubscription(state.subscriptionId).then(
      () => true,
      (e: unknown) => {
        if (e instanceof HealthengineError && e.status === 404) return false;
        throw e;
      },
    );
    if (alive) return;
  }
  const expireAt = now + SUBSCRIPTION_HOURS * 3_600_000;
  const subscription = await client.subscribe({
    topic: 'requests.*',
    callbackUrl: callbackUrl(deps, loaded),
    clientId: connection.id,
    expireAt: heTimestamp(expireAt),
  });
  await setState(deps.db, connection.practiceId, connection.id, {
    subscriptionId: subscription.id,
    subscriptionExpiresAt: new Date(expireAt).toISOString(),
  });
}

/** Best effort: a subscription on a practice we are leaving (new id/key, disabled) is deleted. */
export async function dropSubscription(
  deps: ConnectorDeps,
  loaded: LoadedConnection,
  client = clientFor(deps, loaded.credentials),
): Promise<void> {
  const state = await getState(deps.db, loaded.connection.id);
  // Best effort at Healthengine (an answer such as 404 "already gone" is fine); any other failure is thrown.
  if (state.subscriptionId)
    await client.deleteSubscription(state.subscriptionId).catch((error: unknown) => {
      if (!(error instanceof HealthengineError)) throw error;
    });
  await setState(deps.db, loaded.connection.practiceId, loaded.connection.id, {
    subscriptionId: null,
    subscriptionExpiresAt: null,
  });
}

/** Link, re-enable or new credentials: everything is sent again from scratch. */
export async function linkConnection(deps: ConnectorDeps, loaded: LoadedConnection): Promise<void> {
  const { connection, settings } = loaded;
  const client = clientFor(deps, loaded.credentials);
  const config = await loadPublishedConfig(deps.db, connection.practiceId, settings.locationIds);
  const counts = await publishConfiguration(deps.db, client, { connectionId: connection.id, settings }, config);
  await updateConnection(deps.db, connection.practiceId, connection.id, { status: 'active', statusMessage: null });
  await forgetPublished(deps.db, connection.id);
  const published = await publishAvailability(deps.db, client, loaded, { force: true });
  await setState(deps.db, connection.practiceId, connection.id, { lastFullPublishAt: new Date().toISOString() });
  await ensureSubscription(deps, loaded, client);
  await writeLog(deps.db, connection.practiceId, {
    level: 'debug',
    connectionId: connection.id,
    message: `Healthengine practice ${loaded.credentials.practiceId} linked: ${counts.resources} resources, ${counts.appointmentTypes} appointment types, ${published.sent} availability days sent`,
  });
}
