// HTTP to the Healthengine PMS API, and nothing else: the three auth headers and the
// User-Agent on every call, JSON in and out, typed errors by status. No retries here: jobs
// retry with backoff, and a consent failure is never retried in a loop.
import type { z } from 'zod';
import { IntegrationError, retryableStatus } from '../../core/errors.ts';
import {
  bulkResultSchema,
  pageSchema,
  requestTypesSchema,
  subscriptionErrorSchema,
  subscriptionSchema,
  type AvailabilitySnapshot,
  type SubscriptionErrorLog,
  type BulkResult,
  type ConfirmBookingInsert,
  type LivenessContract,
  type PmsAppointmentType,
  type PmsResource,
} from './schemas.ts';

export interface PracticeCredentials {
  practiceId: string;
  practiceKey: string;
}
export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  userAgent: string;
  credentials: PracticeCredentials;
  timeoutMs?: number;
}

/** A failed call to Healthengine: 4xx are not retried (the job fails at once), 408/429/5xx and no answer are. */
export class HealthengineError extends IntegrationError {
  constructor(
    status: number,
    path: string,
    readonly body: string,
    readonly retryAfterSeconds?: number,
    more: { code?: string; cause?: unknown; retryable?: boolean } = {},
  ) {
    super({
      system: 'healthengine',
      status,
      path,
      retryable: retryableStatus(status),
      retryAfterMs: retryAfterSeconds === undefined ? undefined : retryAfterSeconds * 1000,
      detail: body ? body.slice(0, 200) : undefined,
      ...more,
    });
    this.name = 'HealthengineError';
    this.message = `Healthengine ${path} answered ${status}${body ? `: ${body.slice(0, 200)}` : ''}`;
  }
}

/** 401/403: the api-key is wrong or the practice has not granted (or has revoked) consent. */
export class HealthengineConsentError extends HealthengineError {}

export class HealthengineClient {
  private readonly baseUrl: string;

  constructor(private readonly options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  async call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    const response = await this.send(method, path, body);
    const text = await response.text().catch((cause: unknown) => {
      throw new HealthengineError(0, path, '', undefined, { code: 'network', cause });
    });
    if (!response.ok) {
      const retryAfter = Number(response.headers.get('retry-after'));
      const ErrorClass =
        response.status === 401 || response.status === 403 ? HealthengineConsentError : HealthengineError;
      throw new ErrorClass(
        response.status,
        path,
        text,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
      );
    }
    if (!text) return undefined;
    try {
      return JSON.parse(text);
    } catch (e) {
      // A 2xx whose body is not JSON (an empty-ish "OK"): the call succeeded; callers that need a
      // shape check it with parse(). Only JSON.parse's SyntaxError is expected here.
      if (e instanceof SyntaxError) return text;
      throw e;
    }
  }

  /** The request with its auth headers; no answer at all (network, timeout) is a retryable HealthengineError. */
  private async send(method: string, path: string, body: unknown): Promise<Response> {
    const { apiKey, userAgent, credentials, timeoutMs } = this.options;
    try {
      return await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          'api-key': apiKey,
          'practice-id': credentials.practiceId,
          'practice-key': credentials.practiceKey,
          'user-agent': userAgent,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs ?? 15_000),
      });
    } catch (cause) {
      const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
      throw new HealthengineError(0, path, '', undefined, { code: timedOut ? 'timeout' : 'network', cause });
    }
  }

  /** The answer checked against its schema; a shape we cannot read is not retried. */
  private parse<T extends z.ZodType>(path: string, schema: T, answer: unknown): z.infer<T> {
    const parsed = schema.safeParse(answer);
    if (!parsed.success)
      throw new HealthengineError(200, path, 'answer has an unexpected shape', undefined, {
        code: 'invalid_response',
        cause: parsed.error,
        retryable: false,
      });
    return parsed.data;
  }

  private async get<T extends z.ZodType>(path: string, schema: T): Promise<z.infer<T>> {
    return this.parse(path, schema, await this.call('GET', path));
  }

  requestTypes(): Promise<string[]> {
    return this.get('/requests', requestTypesSchema);
  }

  /** Every page of one request queue. */
  async allPending<T extends z.ZodType>(type: string, item: T): Promise<Array<z.infer<T>>> {
    const out: Array<z.infer<T>> = [];
    for (let page = 1; page <= 1000; page++) {
      const result = await this.get(`/requests/${type}?page=${page}`, pageSchema(item));
      out.push(...result.data);
      if (result.data.length === 0 || page >= (result.page?.totalPages ?? 1)) break;
    }
    return out;
  }

  confirmInsert(bookingId: number, body: ConfirmBookingInsert) {
    return this.call('POST', `/bookings/${bookingId}/confirmInsert`, body);
  }
  rejectInsert(bookingId: number, reason: string) {
    return this.call('POST', `/bookings/${bookingId}/rejectInsert`, { reason });
  }
  confirmUpdate(bookingId: number, requestId: number) {
    return this.call('POST', `/bookings/${bookingId}/confirmUpdate/${requestId}`);
  }
  rejectUpdate(bookingId: number, requestId: number, reason: string) {
    return this.call('POST', `/bookings/${bookingId}/rejectUpdate/${requestId}`, { reason });
  }
  cancel(bookingId: number, reason: string) {
    return this.call('POST', `/bookings/${bookingId}/cancel`, { reason });
  }
  didNotAttend(bookingId: number, reason: string) {
    return this.call('POST', `/bookings/${bookingId}/didNotAttend`, { reason });
  }
  noPmsAppointmentChange(bookingId: number) {
    return this.call('POST', `/bookings/${bookingId}/noPmsAppointmentChange`);
  }

  sendLiveness(contract: LivenessContract) {
    return this.call('POST', '/config/livenessContract', contract);
  }
  sendResources(resources: PmsResource[]) {
    return this.call('POST', '/config/pmsResources/snapshot', resources);
  }
  sendAppointmentTypes(types: PmsAppointmentType[]) {
    return this.call('POST', '/config/pmsAppointmentTypes/snapshot', types);
  }

  async sendSnapshots(snapshots: AvailabilitySnapshot[]): Promise<BulkResult> {
    return this.parse(
      '/availability/snapshots',
      bulkResultSchema,
      (await this.call('POST', '/availability/snapshots', snapshots)) ?? {},
    );
  }

  /**
   * One snapshot (#17). The spec gives this call no `existing` answer (only the bulk call has
   * one), so it is how a day Healthengine ignored as unchanged is sent again.
   */
  sendSnapshot(snapshot: AvailabilitySnapshot) {
    return this.call('POST', '/availability/snapshot', snapshot);
  }

  /** Failed webhook deliveries Healthengine logged for a subscription since `from` (UTC). */
  async subscriptionErrors(subscriptionId: string, from: Date): Promise<SubscriptionErrorLog[]> {
    const stamp = from.toISOString().slice(0, 19).replace('T', ' ');
    const query = `subscriptionId=${encodeURIComponent(subscriptionId)}&from=${encodeURIComponent(stamp)}`;
    const page = await this.get(`/subscriptionErrorLog?${query}&page=1`, pageSchema(subscriptionErrorSchema));
    return page.data;
  }

  async subscribe(body: { topic: string; callbackUrl: string; clientId: string; expireAt: string }) {
    return this.parse('/subscription', subscriptionSchema, await this.call('POST', '/subscription', body));
  }
  getSubscription(id: string) {
    return this.get(`/subscription/${encodeURIComponent(id)}`, subscriptionSchema);
  }
  deleteSubscription(id: string) {
    return this.call('DELETE', `/subscription/${encodeURIComponent(id)}`);
  }
}
