// The one HTTP client the Hint connector uses: Bearer auth, even request spacing per token
// (20/s by default, configurable), retries of 429 / 5xx / network failures with exponential
// backoff and jitter (Retry-After honoured when present), a timeout on every call, and a
// guarantee that the legacy import_id / import_source / external_link_id never leave Tandem.
import type { z } from 'zod';
import { backoffMs, RequestSpacer } from './client-rate-limit.ts';
import { hintErrorSchema } from './schemas.ts';
import { IntegrationError, retryableStatus } from '../../core/errors.ts';

export const LEGACY_FIELDS = ['import_id', 'import_source', 'external_link_id'] as const;

export interface HintClientOptions {
  baseUrl: () => string;
  timeoutMs?: number;
  maxRetries?: number;
}

export interface CallOptions<T> {
  token: string;
  body?: Record<string, unknown>;
  query?: Record<string, string | number | undefined>;
  schema?: z.ZodType<T>;
  /** Requests per second allowed on this token (Hint documents 20). */
  ratePerSecond?: number;
  /** How many times to retry a transient failure inside this call (the job retries beyond). */
  maxRetries?: number;
}

export interface HintResponse<T> {
  status: number;
  data: T;
  totalCount: number | null;
}

/** A failed call to Hint. `retryable`: a later attempt may succeed (rate limit, outage, timeout). */
export class HintApiError extends IntegrationError {
  constructor(
    status: number,
    readonly hintMessage: string,
    retryable: boolean,
    path: string,
    more: { code?: string; cause?: unknown; retryAfterMs?: number } = {},
  ) {
    super({ system: 'hint', status, retryable, path, detail: hintMessage, ...more });
    this.name = 'HintApiError';
    this.message = `Hint ${status} on ${path}: ${hintMessage}`;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Drops the deprecated legacy id fields from a body (Hint asks partners to stop sending them). */
export function withoutLegacyFields(body: Record<string, unknown>): Record<string, unknown> {
  const out = { ...body };
  for (const key of LEGACY_FIELDS) delete out[key];
  return out;
}

/** Retry-After as milliseconds: seconds, or an HTTP date; undefined when unreadable. */
function retryAfterMsOf(header: string): number | undefined {
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export class HintClient {
  private readonly spacer = new RequestSpacer();
  private readonly timeoutMs: number;
  private readonly maxRetries: number;

  constructor(private readonly options: HintClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxRetries = options.maxRetries ?? 4;
  }

  async call<T = unknown>(method: string, path: string, opts: CallOptions<T>): Promise<HintResponse<T>> {
    const url = new URL(`/api${path}`, this.options.baseUrl());
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const body = opts.body ? JSON.stringify(withoutLegacyFields(opts.body)) : undefined;
    const retries = opts.maxRetries ?? this.maxRetries;
    for (let attempt = 0; ; attempt++) {
      const wait = this.spacer.reserve(opts.token, opts.ratePerSecond ?? 20);
      if (wait > 0) await sleep(wait);
      const outcome = await this.once(method, url, opts.token, body);
      if (outcome.ok) return this.parse(outcome.response, path, opts.schema);
      const { error, retryAfter } = outcome;
      if (!error.retryable || attempt >= retries) throw error;
      const delay = backoffMs(attempt, retryAfter);
      if (error.status === 429) this.spacer.pushBack(opts.token, Date.now() + delay);
      await sleep(delay);
    }
  }

  private async once(
    method: string,
    url: URL,
    token: string,
    body: string | undefined,
  ): Promise<{ ok: true; response: Response } | { ok: false; error: HintApiError; retryAfter: string | null }> {
    const path = url.pathname;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
      });
    } catch (cause) {
      const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
      return {
        ok: false,
        retryAfter: null,
        error: new HintApiError(0, timedOut ? 'timed out' : 'network error', true, path, {
          code: timedOut ? 'timeout' : 'network',
          cause,
        }),
      };
    }
    if (response.ok) return { ok: true, response };
    const text = await response.text().catch(() => '');
    let message = response.statusText;
    try {
      message = hintErrorSchema.parse(JSON.parse(text)).message ?? message;
    } catch {
      /* not Hint's error shape */
    }
    const retryAfter = response.headers.get('retry-after');
    const retryAfterMs = retryAfter === null ? undefined : retryAfterMsOf(retryAfter);
    return {
      ok: false,
      retryAfter,
      error: new HintApiError(response.status, message, retryableStatus(response.status), path, { retryAfterMs }),
    };
  }

  private async parse<T>(response: Response, path: string, schema?: z.ZodType<T>): Promise<HintResponse<T>> {
    const total = response.headers.get('x-total-count');
    const text = response.status === 204 ? '' : await response.text();
    let json: unknown = undefined;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch (cause) {
        throw new HintApiError(response.status, 'answer is not JSON', true, path, { code: 'invalid_response', cause });
      }
    }
    const parsed = schema ? schema.safeParse(json) : { success: true as const, data: json as T };
    if (!parsed.success)
      throw new HintApiError(response.status, 'answer has an unexpected shape', false, path, {
        code: 'invalid_response',
        cause: parsed.error,
      });
    return { status: response.status, data: parsed.data, totalCount: total === null ? null : Number(total) };
  }
}
