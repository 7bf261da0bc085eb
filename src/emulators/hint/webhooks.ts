// The delivery engine: one signed POST per (event, endpoint); non-2xx or timeout is retried
// on the configured schedule in emulated time; an endpoint whose whole recent window failed
// is muted; deleting an endpoint cancels what is pending for it.
import { createHmac } from 'node:crypto';
import { WebhookPoster } from './http-post.ts';
import type { Integration } from './model.ts';
import { RetryQueue } from './retry-queue.ts';
import type { HintState } from './state.ts';
import { formatTimestamp } from './time.ts';
import type { DeliveryAttempt, WebhookEndpoint, WebhookRequest, WebhookStore } from './webhook-store.ts';

export interface HintEvent {
  type: string;
  practiceId: string;
  /** The object in the GET shape as one partner sees it (integration fields are per partner). */
  render: (partnerId: string) => unknown;
  /** The partner whose API call caused the event (self-webhooks may be muted). */
  actorPartnerId?: string;
  /** Deliver to this integration only, even when inactive (integration.* events). */
  onlyIntegration?: Integration;
}

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export class WebhookDispatcher {
  private inFlight = 0;
  private queue: WebhookRequest[] = [];
  private closed = false;
  private poster = new WebhookPoster();
  private retries: RetryQueue<WebhookRequest>;

  constructor(
    private readonly state: HintState,
    readonly store: WebhookStore,
  ) {
    this.retries = new RetryQueue(state.clock, (request) => this.enqueue(request));
  }

  publish(event: HintEvent): string {
    const eventId = this.state.id('evt');
    const createdAt = formatTimestamp(this.state.now(), this.state.offsetOf(event.practiceId));
    const audience = event.onlyIntegration
      ? [event.onlyIntegration]
      : this.state.activeIntegrationsOf(event.practiceId);
    for (const integration of audience) {
      if (event.actorPartnerId === integration.partnerId && !this.state.config.selfWebhooks) continue;
      const endpoints = this.store.endpointsFor(integration.partnerId, integration.id);
      if (endpoints.length === 0) continue;
      const body = JSON.stringify({
        id: eventId,
        created_at: createdAt,
        type: event.type,
        practice_id: event.practiceId,
        object: event.render(integration.partnerId),
      });
      const partner = this.state.data.partners.get(integration.partnerId);
      const signature = sign(partner?.webhookSecret ?? '', body); // one body per partner, so one signature
      for (const endpoint of endpoints) this.enqueue(this.newRequest(eventId, event, endpoint, body, signature));
    }
    return eventId;
  }

  /** Deleting an endpoint takes effect at once: nothing pending or retrying is sent. */
  cancelFor(endpointId: string): void {
    for (const request of this.store.requests.values()) {
      if (request.endpointId !== endpointId) continue;
      if (request.status !== 'pending' && request.status !== 'retrying') continue;
      request.status = 'failed';
      request.lastResponse = 'cancelled: webhook endpoint deleted';
    }
    this.queue = this.queue.filter((r) => r.endpointId !== endpointId);
    this.retries.remove((r) => r.endpointId === endpointId);
  }

  close(): void {
    this.closed = true;
    this.poster.close();
    this.retries.clear();
    this.queue = [];
  }

  private newRequest(
    eventId: string,
    event: HintEvent,
    endpoint: WebhookEndpoint,
    body: string,
    signature: string,
  ): WebhookRequest {
    const request: WebhookRequest = {
      id: this.state.id('whr'),
      eventId,
      eventType: event.type,
      endpointId: endpoint.id,
      partnerId: endpoint.partnerId,
      practiceId: event.practiceId,
      body,
      signature,
      status: 'pending',
      attempts: 0,
      createdAt: this.state.now(),
      deliveredAt: null,
      lastAttemptedAt: null,
      lastResponse: null,
      lastStatusCode: null,
    };
    this.store.addRequest(request);
    return request;
  }

  private enqueue(request: WebhookRequest): void {
    if (this.closed) return;
    this.queue.push(request);
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.state.config.maxConcurrentDeliveries && this.queue.length > 0) {
      const request = this.queue.shift();
      if (!request) break;
      this.inFlight += 1;
      void this.attempt(request).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async attempt(request: WebhookRequest): Promise<void> {
    const endpoint = this.store.endpoints.get(request.endpointId);
    if (!endpoint || (request.status !== 'pending' && request.status !== 'retrying')) return;
    const startedAt = this.state.now();
    if (endpoint.mutedUntil !== null && endpoint.mutedUntil > startedAt) {
      // Muted: Hint drops it and never replays it automatically.
      request.status = 'failed';
      request.lastResponse = `endpoint muted until ${new Date(endpoint.mutedUntil).toISOString()}`;
      this.log(request, endpoint, { statusCode: null, error: 'muted', durationMs: 0, outcome: 'muted' }, startedAt);
      return;
    }
    request.attempts += 1;
    request.lastAttemptedAt = startedAt;
    const result = await this.post(endpoint.url, request);
    if (this.closed) return; // the emulator stopped meanwhile: schedule nothing more
    if (request.status !== 'pending' && request.status !== 'retrying') return; // cancelled meanwhile
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    request.lastStatusCode = result.statusCode;
    request.lastResponse = result.error ?? result.responseText;
    this.log(request, endpoint, { ...result, outcome: ok ? 'delivered' : 'failed' }, startedAt);
    this.recordOutcome(endpoint, ok);
    if (ok) {
      request.status = 'delivered';
      request.deliveredAt = this.state.now();
      endpoint.lastDeliveredAt = request.deliveredAt;
      return;
    }
    this.scheduleRetry(request);
  }

  private async post(url: string, request: WebhookRequest) {
    const started = performance.now();
    const result = await this.poster.post(
      url,
      request.body,
      {
        'content-type': 'application/json',
        'x-hint-signature': request.signature,
        'user-agent': 'Hint-Webhooks (tandem emulator)',
      },
      this.state.config.deliveryTimeoutMs,
    );
    return { ...result, durationMs: Math.round(performance.now() - started) };
  }

  private scheduleRetry(request: WebhookRequest): void {
    const delay = this.state.config.retryScheduleMs[request.attempts - 1];
    if (delay === undefined) {
      request.status = 'failed';
      return;
    }
    request.status = 'retrying';
    this.retries.schedule(request, delay);
  }

  /** All of the last N attempts failed → muted for the configured hour; once failing, one more failure re-mutes. */
  private recordOutcome(endpoint: WebhookEndpoint, ok: boolean): void {
    const window = this.state.config.muteAfterFailures;
    endpoint.recentOutcomes.push(ok);
    if (endpoint.recentOutcomes.length > window)
      endpoint.recentOutcomes.splice(0, endpoint.recentOutcomes.length - window);
    if (ok) {
      endpoint.failing = false;
      endpoint.mutedUntil = null;
      return;
    }
    const wholeWindowFailed = endpoint.recentOutcomes.length >= window && endpoint.recentOutcomes.every((o) => !o);
    if (endpoint.failing || wholeWindowFailed) {
      endpoint.failing = true;
      endpoint.mutedUntil = this.state.now() + this.state.config.muteDurationMs;
    }
  }

  private log(
    request: WebhookRequest,
    endpoint: WebhookEndpoint,
    result: Pick<DeliveryAttempt, 'statusCode' | 'error' | 'durationMs' | 'outcome'>,
    at: number,
  ): void {
    this.store.logAttempt({
      requestId: request.id,
      eventId: request.eventId,
      eventType: request.eventType,
      endpointId: endpoint.id,
      partnerId: endpoint.partnerId,
      url: endpoint.url,
      attempt: request.attempts,
      at,
      ...result,
    });
  }
}
