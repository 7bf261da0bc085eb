// Request webhooks (§5): when a request is raised, every subscription of the practice whose
// topic matches (or is requests.*) and whose start/expiry window holds gets a skinny payload.
// 5-s timeout; on failure retries after 10, 100 and 1000 s of emulated time; every failed
// attempt is written to the subscription error log.
import type { EmulatorClock } from '../shared/clock.ts';
import { attemptWebhook } from './http-post.ts';
import { randomUuid } from './seed.ts';
import type { EmulatorState, Practice, QueueItem, RequestType, Subscription } from './state.ts';
import { formatUtc } from './time.ts';

/** Which keys each topic's `data` carries (spec callbacks) and whether HE calls it today. */
const TOPIC_DATA: Record<
  RequestType,
  { target: string | null; requestId: boolean; bookingId: boolean; called: boolean }
> = {
  bookings: { target: '/requests/bookings', requestId: false, bookingId: true, called: true },
  bookingUpdates: { target: '/requests/bookingUpdates', requestId: true, bookingId: true, called: true },
  availability: { target: '/requests/availability', requestId: true, bookingId: false, called: true },
  pmsAppointmentChanges: { target: '/requests/pmsAppointmentChanges', requestId: true, bookingId: true, called: false },
  pmsResources: { target: null, requestId: true, bookingId: false, called: true },
  pmsAppointmentTypes: { target: null, requestId: true, bookingId: false, called: true },
  availableDocuments: { target: '/requests/availableDocuments', requestId: true, bookingId: true, called: false },
  uploadDocuments: { target: '/requests/uploadDocuments', requestId: true, bookingId: true, called: false },
  clientSnapshots: { target: '/requests/clientSnapshots', requestId: true, bookingId: false, called: true },
  attachDocuments: { target: '/requests/attachDocuments', requestId: true, bookingId: false, called: true },
};

export interface DeliveryRecord {
  practiceId: string;
  subscriptionId: string;
  callbackUrl: string;
  attempt: number;
  at: string;
  payload: Record<string, unknown>;
  ok: boolean;
  status?: number;
  error?: string;
}

export function subscriptionActive(s: Subscription, now: number): boolean {
  return s.startAt <= now && (s.expireAt === null || now < s.expireAt);
}

export class RequestWebhooks {
  readonly deliveries: DeliveryRecord[] = [];
  private readonly aborter = new AbortController();
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly getState: () => EmulatorState,
    private readonly clock: EmulatorClock,
  ) {}

  requestRaised(practice: Practice, item: QueueItem): void {
    const state = this.getState();
    const shape = TOPIC_DATA[item.type];
    if (!shape.called && !state.config.sendNotCurrentlyCalledTopics) return;
    const topic = `requests.${item.type}`;
    const now = this.clock.now();
    for (const sub of practice.subscriptions.values()) {
      if ((sub.topic !== topic && sub.topic !== 'requests.*') || !subscriptionActive(sub, now)) continue;
      const data: Record<string, unknown> = { target: shape.target, requestType: item.type };
      if (shape.bookingId && item.bookingId !== undefined) data.bookingId = item.bookingId;
      if (shape.requestId) data.requestId = item.requestId;
      const payload = {
        timestamp: formatUtc(now),
        id: sub.id,
        clientId: sub.clientId,
        topic: state.config.webhookEventTopic === 'subscribed' ? sub.topic : topic,
        data,
      };
      this.attempt(practice, sub, payload, 1);
    }
  }

  private attempt(practice: Practice, sub: Subscription, payload: Record<string, unknown>, attempt: number): void {
    const run = this.send(practice, sub, payload, attempt);
    this.inflight.add(run);
    void run.finally(() => this.inflight.delete(run));
  }

  private async send(
    practice: Practice,
    sub: Subscription,
    payload: Record<string, unknown>,
    attempt: number,
  ): Promise<void> {
    const { config } = this.getState();
    const result = await attemptWebhook(
      sub.callbackUrl,
      payload,
      config.webhookTimeoutMs,
      this.aborter.signal,
      config.webhookSuccess === '2xx',
    );
    if (this.aborter.signal.aborted) return;
    const at = new Date(this.clock.now()).toISOString();
    this.deliveries.push({
      practiceId: practice.practiceId,
      subscriptionId: sub.id,
      callbackUrl: sub.callbackUrl,
      attempt,
      at,
      payload,
      ok: result.ok,
      status: result.status,
      ...(result.ok ? {} : { error: result.errorMessage }),
    });
    if (this.deliveries.length > 5000) this.deliveries.splice(0, 1000);
    if (result.ok) return;
    practice.errorLog.push({
      id: randomUuid(this.getState().random),
      subscriptionId: sub.id,
      subscriptionTopic: sub.topic,
      clientId: sub.clientId,
      callbackUrl: sub.callbackUrl,
      payload,
      attempt,
      errorType: result.errorType,
      errorMessage: result.errorMessage,
      at: this.clock.now(),
    });
    if (practice.errorLog.length > 10_000) practice.errorLog.splice(0, practice.errorLog.length - 10_000);
    const delay = config.webhookRetryDelaysSeconds[attempt - 1];
    if (delay === undefined) return;
    this.clock.setTimeout(() => {
      if (practice.subscriptions.get(sub.id) === sub) this.attempt(practice, sub, payload, attempt + 1);
    }, delay * 1000);
  }

  /** Waits for attempts in flight (tests use it to settle). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  close(): void {
    this.aborter.abort();
  }
}
