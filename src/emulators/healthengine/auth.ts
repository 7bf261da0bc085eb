// Every PMS API call carries api-key, practice-id and practice-key. An unknown api-key is a
// 401 with no body; a practice id/key pair without an active consent for this consumer is a
// 403 {"error"} (the digest's reading of suggested-testing.md, §9.4). The User-Agent and body
// of every call are recorded for tests that assert what the connector sent.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { findOperation } from './spec.ts';
import type { EmulatorState, LoggedRequest, Practice } from './state.ts';

const practiceOfRequest = new WeakMap<FastifyRequest, Practice>();
const logOfRequest = new WeakMap<FastifyRequest, LoggedRequest>();

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function requestPractice(request: FastifyRequest): Practice {
  const practice = practiceOfRequest.get(request);
  if (!practice) throw new Error('route reached without authentication');
  return practice;
}

/** Finds the consenting practice or answers 401/403 itself. */
export function authenticate(state: EmulatorState, request: FastifyRequest, reply: FastifyReply): Practice | undefined {
  if (header(request, 'api-key') !== state.apiKey) {
    void reply.code(401).send();
    return undefined;
  }
  const practiceId = header(request, 'practice-id');
  const practiceKey = header(request, 'practice-key');
  if (!practiceId) return deny(reply, 'practice-id header is required');
  if (!practiceKey) return deny(reply, 'practice-key header is required');
  const practice = state.practices.get(practiceId);
  if (!practice || practice.practiceKey !== practiceKey) {
    return deny(reply, `practice ${practiceId} has not granted consent to this API consumer with that practice-key`);
  }
  if (!practice.consentActive)
    return deny(reply, `practice ${practiceId} has revoked its consent for this API consumer`);
  practiceOfRequest.set(request, practice);
  return practice;
}

function deny(reply: FastifyReply, error: string): undefined {
  void reply.code(403).send({ error });
  return undefined;
}

export function logRequest(state: EmulatorState, request: FastifyRequest): void {
  if (state.config.requestLogLimit === 0) return;
  const entry: LoggedRequest = {
    at: new Date(state.clock.now()).toISOString(),
    method: request.method,
    path: request.url,
    practiceId: header(request, 'practice-id') ?? null,
    userAgent: header(request, 'user-agent') ?? null,
    body: undefined,
    operationId: findOperation(request.method, request.url)?.op.operationId ?? null,
  };
  state.requestLog.push(entry);
  if (state.requestLog.length > state.config.requestLogLimit)
    state.requestLog.splice(0, state.requestLog.length - state.config.requestLogLimit);
  logOfRequest.set(request, entry);
}

export function completeLog(request: FastifyRequest, status: number): void {
  const entry = logOfRequest.get(request);
  if (!entry) return;
  entry.body = request.body;
  entry.status = status;
}

/** Optional fixed-window limit per api-key (HE documents none; off unless --rate-limit). */
export function rateLimiter(perSecond: number | undefined, now: () => number): (reply: FastifyReply) => boolean {
  let windowStart = 0;
  let count = 0;
  return (reply) => {
    if (!perSecond) return true;
    const t = now();
    if (t - windowStart >= 1000) {
      windowStart = t;
      count = 0;
    }
    if (++count <= perSecond) return true;
    void reply.code(429).header('retry-after', '1').send({ error: 'rate limit exceeded' });
    return false;
  };
}
