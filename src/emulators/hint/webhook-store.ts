// Webhook endpoints, requests (one per event × endpoint, as in GET /partner/webhook_requests)
// and the log of every HTTP attempt (GET /_emulator/deliveries). Bounded, so long runs and
// benchmarks cannot grow memory without limit.

export interface WebhookEndpoint {
  id: string;
  partnerId: string;
  integrationId: string | null; // null: global (all of the partner's integrations)
  url: string;
  createdAt: number;
  updatedAt: number;
  lastDeliveredAt: number | null;
  /** Outcomes of the most recent attempts (true = 2xx), newest last; bounded by the mute window. */
  recentOutcomes: boolean[];
  mutedUntil: number | null;
  /** Set when muted; the next failure after the hour mutes again at once. */
  failing: boolean;
  legacyPartnerUrl: boolean; // the partner-level webhook_url (PATCH /partner), not listed as an endpoint
}

export type RequestStatus =
  'pending' | 'attempted' | 'delivered' | 'retrying' | 'failed' | 'duplicate' | 'non_requestable';

export interface WebhookRequest {
  id: string;
  eventId: string;
  eventType: string;
  endpointId: string;
  partnerId: string;
  practiceId: string;
  body: string;
  signature: string;
  status: RequestStatus;
  attempts: number;
  createdAt: number;
  deliveredAt: number | null;
  lastAttemptedAt: number | null;
  lastResponse: string | null;
  lastStatusCode: number | null;
}

export interface DeliveryAttempt {
  requestId: string;
  eventId: string;
  eventType: string;
  endpointId: string;
  partnerId: string;
  url: string;
  attempt: number;
  at: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  outcome: 'delivered' | 'failed' | 'muted' | 'cancelled';
}

const MAX_REQUESTS = 20_000; // each keeps its signed body (a few KB)
const MAX_ATTEMPTS = 50_000;

export class WebhookStore {
  endpoints = new Map<string, WebhookEndpoint>();
  requests = new Map<string, WebhookRequest>();
  attempts: DeliveryAttempt[] = [];

  addRequest(request: WebhookRequest): void {
    this.requests.set(request.id, request);
    if (this.requests.size <= MAX_REQUESTS) return;
    // Drop the oldest finished request; live ones (pending/retrying) are kept.
    for (const [id, r] of this.requests) {
      if (r.status !== 'pending' && r.status !== 'retrying') {
        this.requests.delete(id);
        break;
      }
    }
  }

  logAttempt(attempt: DeliveryAttempt): void {
    this.attempts.push(attempt);
    // Trim in batches: shifting a 50k array on every delivery would cost more than the delivery.
    if (this.attempts.length > MAX_ATTEMPTS * 1.2) this.attempts.splice(0, this.attempts.length - MAX_ATTEMPTS);
  }

  endpointsFor(partnerId: string, integrationId: string): WebhookEndpoint[] {
    return [...this.endpoints.values()].filter(
      (e) => e.partnerId === partnerId && (e.integrationId === null || e.integrationId === integrationId),
    );
  }
}
