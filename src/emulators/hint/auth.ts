// Bearer auth with Hint's two token families, plus the per-token rate limit.
// Partner key: /api/partner*, /api/integrations*, /api/global_webhook_endpoints*, /api/oauth/tokens.
// Practice token: /api/provider/* only; the partner key there gets 428.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HintError } from './errors.ts';
import type { HintState } from './state.ts';

export interface PartnerAuth {
  kind: 'partner';
  partnerId: string;
}
export interface PracticeAuth {
  kind: 'practice';
  partnerId: string;
  practiceId: string;
  integrationId: string;
}
export type AuthContext = PartnerAuth | PracticeAuth;

const contexts = new WeakMap<FastifyRequest, AuthContext>();

export function practiceAuth(request: FastifyRequest): PracticeAuth {
  const auth = contexts.get(request);
  if (!auth || auth.kind !== 'practice') throw new HintError(428, 'This action requires a Practice');
  return auth;
}

export function partnerAuth(request: FastifyRequest): PartnerAuth {
  const auth = contexts.get(request);
  if (!auth || auth.kind !== 'partner') throw new HintError(403, 'This action requires a Partner API key');
  return auth;
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function resolve(state: HintState, token: string): AuthContext {
  const grant = state.grantFor(token);
  if (!grant) throw new HintError(401, 'Unauthorized');
  if (grant.kind === 'partner') return { kind: 'partner', partnerId: grant.partnerId };
  const integration = grant.integrationId ? state.data.integrations.get(grant.integrationId) : undefined;
  const key = integration?.apiKeys.find((k) => k.token === token);
  // A deactivated (or not yet activated) connection's token no longer opens the practice.
  if (!integration || integration.status !== 'active' || !key || key.deactivatedAt !== null) {
    throw new HintError(401, 'Unauthorized');
  }
  key.lastUsedAt = state.now();
  return {
    kind: 'practice',
    partnerId: grant.partnerId,
    practiceId: integration.practiceId,
    integrationId: integration.id,
  };
}

/** Fixed windows in real time (a time-scaled clock must not loosen the limit): per second and per UTC day. */
class RateLimiter {
  private windows = new Map<string, { window: number; count: number }>();

  allow(key: string, limit: number, windowMs: number): boolean {
    if (limit <= 0) return true;
    const window = Math.floor(Date.now() / windowMs);
    const current = this.windows.get(key);
    if (!current || current.window !== window) {
      if (this.windows.size > 10_000) this.windows.clear();
      this.windows.set(key, { window, count: 1 });
      return true;
    }
    current.count += 1;
    return current.count <= limit;
  }
}

const DAY_MS = 86_400_000;

export function installAuth(app: FastifyInstance, state: HintState): void {
  const limiter = new RateLimiter();
  const daily = new RateLimiter();
  app.addHook('onRequest', async (request) => {
    // File links carry their own account_token instead of a Bearer token.
    if (!request.url.startsWith('/api/') || request.url.startsWith('/api/files/')) return;
    const token = bearer(request);
    if (!token) throw new HintError(401, 'Unauthorized');
    const auth = resolve(state, token);
    if (!limiter.allow(token, state.config.rateLimit, 1000)) throw new HintError(429, 'Enhance your calm');
    if (!daily.allow(token, state.config.dailyLimit, DAY_MS)) throw new HintError(429, 'Enhance your calm');
    const isProvider = request.url.startsWith('/api/provider/') || request.url === '/api/provider';
    if (isProvider && auth.kind === 'partner') throw new HintError(428, 'This action requires a Practice');
    if (!isProvider && auth.kind === 'practice') throw new HintError(403, 'This action requires a Partner API key');
    contexts.set(request, auth);
  });
}
