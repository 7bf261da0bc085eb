// Booking webhooks (§6), Healthengine's separate per-practice product: a subscription-
// confirmation handshake first, then booking events (unix times, string ids). 2xx or 400 ends
// a delivery; anything else is retried after 1 m, 2 m, 5 m, 1 h and 12 h of emulated time.
// Duplicate and simultaneous deliveries can be switched on to test idempotency.
import type { EmulatorClock } from '../shared/clock.ts';
import { bookingEventData } from './booking-events.ts';
import { postJson } from './http-post.ts';
import { randomHex } from './seed.ts';
import type { Booking, EmulatorState, Practice } from './state.ts';

export interface BookingWebhookSubscription {
  url: string;
  token: string;
  createdAt: number;
  confirmed: boolean;
  confirmedAt?: number;
}

export interface BookingDelivery {
  eventId: number;
  type: string;
  attempt: number;
  at: string;
  status?: number;
  error?: string;
  outcome: 'delivered' | 'rejected' | 'retrying' | 'failed';
}

export class BookingWebhooks {
  readonly subscriptions = new Map<string, BookingWebhookSubscription>();
  readonly deliveries = new Map<string, BookingDelivery[]>();
  private nextEventId = 1;
  private readonly aborter = new AbortController();
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly getState: () => EmulatorState,
    private readonly clock: EmulatorClock,
  ) {}

  /** Sets the practice's URL and posts the subscription-confirmation message to it. */
  /** `baseUrl`: where the receiver can reach this emulator (the harness call's own Host). */
  configure(practice: Practice, url: string, baseUrl = this.getState().baseUrl): BookingWebhookSubscription {
    const state = this.getState();
    const sub = { url, token: randomHex(state.random, 40), createdAt: this.clock.now(), confirmed: false };
    this.subscriptions.set(practice.practiceId, sub);
    const confirmationUrl = `${baseUrl}/_emulator/booking-webhooks/confirm?id=${practice.practiceId}&signature=${sub.token}`;
    this.deliver(practice.practiceId, sub, 'subscription-confirmation', { confirmation_url: confirmationUrl });
    return sub;
  }

  unsubscribe(practiceId: string): boolean {
    return this.subscriptions.delete(practiceId);
  }

  /** GET confirmation_url: valid for one hour, needs Accept: application/json. */
  confirm(
    practiceId: string,
    signature: string,
    accept: string | undefined,
  ): { status: number; body: Record<string, unknown> } {
    const sub = this.subscriptions.get(practiceId);
    if (!sub || sub.token !== signature)
      return { status: 404, body: { success: false, error: 'unknown confirmation link' } };
    if (!accept?.includes('application/json'))
      return { status: 406, body: { success: false, error: 'send Accept: application/json' } };
    if (this.clock.now() - sub.createdAt > this.getState().config.bookingWebhookConfirmationTtlMs) {
      return { status: 410, body: { success: false, error: 'confirmation link expired' } };
    }
    sub.confirmed = true;
    sub.confirmedAt = this.clock.now();
    return { status: 200, body: { success: true } };
  }

  /** Emits a booking event to a confirmed subscription (nothing before confirmation). */
  bookingEvent(practice: Practice, type: string, booking: Booking, extra?: Record<string, unknown>): void {
    const sub = this.subscriptions.get(practice.practiceId);
    if (!sub?.confirmed) return;
    this.emit(practice, type, bookingEventData(this.getState(), practice, type, booking, extra));
  }

  emit(practice: Practice, type: string, data: Record<string, unknown>): void {
    const sub = this.subscriptions.get(practice.practiceId);
    if (!sub?.confirmed) return;
    const duplicates = this.getState().config.bookingWebhookDuplicates;
    const eventId = this.deliver(practice.practiceId, sub, type, data);
    if (duplicates === 'simultaneous') this.deliver(practice.practiceId, sub, type, data, eventId);
    if (duplicates === 'sequential')
      this.clock.setTimeout(() => this.deliver(practice.practiceId, sub, type, data, eventId), 1000);
  }

  private deliver(
    practiceId: string,
    sub: BookingWebhookSubscription,
    type: string,
    data: Record<string, unknown>,
    eventId = this.nextEventId++,
  ): number {
    this.attempt(practiceId, sub, eventId, { version: 1, type, data }, 1);
    return eventId;
  }

  private attempt(
    practiceId: string,
    sub: BookingWebhookSubscription,
    eventId: number,
    envelope: { version: number; type: string; data: Record<string, unknown> },
    attempt: number,
  ): void {
    const run = this.send(practiceId, sub, eventId, envelope, attempt);
    this.inflight.add(run);
    void run.finally(() => this.inflight.delete(run));
  }

  private async send(
    practiceId: string,
    sub: BookingWebhookSubscription,
    eventId: number,
    envelope: { version: number; type: string; data: Record<string, unknown> },
    attempt: number,
  ): Promise<void> {
    const { config } = this.getState();
    const result = await postJson(sub.url, envelope, config.bookingWebhookTimeoutMs, this.aborter.signal);
    if (this.aborter.signal.aborted) return;
    const status = 'status' in result ? result.status : undefined;
    const success = status !== undefined && ((status >= 200 && status < 300) || status === 400);
    const delay = config.bookingWebhookRetryDelaysSeconds[attempt - 1];
    const outcome = success ? (status === 400 ? 'rejected' : 'delivered') : delay === undefined ? 'failed' : 'retrying';
    const log = this.deliveries.get(practiceId) ?? [];
    log.push({
      eventId,
      type: envelope.type,
      attempt,
      at: new Date(this.clock.now()).toISOString(),
      outcome,
      ...(status !== undefined ? { status } : {}),
      ...('error' in result ? { error: result.message } : {}),
    });
    this.deliveries.set(practiceId, log.slice(-2000));
    if (outcome !== 'retrying' || delay === undefined) return;
    this.clock.setTimeout(() => {
      if (this.subscriptions.get(practiceId) === sub) this.attempt(practiceId, sub, eventId, envelope, attempt + 1);
    }, delay * 1000);
  }

  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  close(): void {
    this.aborter.abort();
  }
}
