// Webhook deliveries Hint could not make to Tandem, from Hint's own log (GET
// /partner/webhook_requests), shown on the connection's health: Hint mutes a failing endpoint
// for an hour and never replays, so this is how a silent gap is seen (reconciliation fills it).
import { HintApiError } from './client.ts';
import { listWebhookRequests, type WebhookRequestRow } from './client-endpoints.ts';
import type { HintDeps, LoadedConnection } from './connection.ts';

export interface WebhookDeliveries {
  /** Deliveries Hint gave up on (failed, including while the endpoint was muted), last 100. */
  failed: number;
  /** Deliveries Hint is still retrying. */
  retrying: number;
  lastFailureAt: string | null;
  lastStatusCode: number | null;
  checkedAt: string;
  /** Set when Hint's log could not be read: the figures are unknown, not zero. */
  unreadable?: string;
}

const newest = (rows: WebhookRequestRow[]) =>
  rows.reduce<WebhookRequestRow | undefined>(
    (best, r) => (!best || (r.last_attempted_at ?? '') > (best.last_attempted_at ?? '') ? r : best),
    undefined,
  );

/** Undefined when the connection has no webhook endpoint registered (nothing to look up). */
export async function webhookDeliveries(
  deps: HintDeps,
  loaded: LoadedConnection,
): Promise<WebhookDeliveries | undefined> {
  const endpointId = (loaded.connection.settings as { webhookEndpointId?: string }).webhookEndpointId;
  if (!endpointId) return undefined;
  const checkedAt = new Date().toISOString();
  try {
    const failed = await listWebhookRequests(deps, endpointId, 'failed');
    const retrying = await listWebhookRequests(deps, endpointId, 'retrying');
    const last = newest([...failed, ...retrying]);
    return {
      failed: failed.length,
      retrying: retrying.length,
      lastFailureAt: last?.last_attempted_at ?? null,
      lastStatusCode: last?.last_status_code ?? null,
      checkedAt,
    };
  } catch (error) {
    // Only Hint's own refusal or absence is expected: reconciliation's results are still recorded.
    if (!(error instanceof HintApiError)) throw error;
    return { failed: 0, retrying: 0, lastFailureAt: null, lastStatusCode: null, checkedAt, unreadable: error.message };
  }
}
