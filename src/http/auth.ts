// Bearer token → practice. Tokens are looked up by their SHA-256 hash; the optional bootstrap
// token (TANDEM_BOOTSTRAP_TOKEN) is compared in constant time and maps to the default practice.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuthError } from '../core/errors.ts';
import { findTokenOwner } from '../db/practices.ts';
import type { Db } from '../db/pool.ts';
import { hashToken } from '../security/tokens.ts';

export interface RequestAuth {
  practiceId: string;
  actor: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth;
  }
}

export interface AuthOptions {
  db: Db;
  bootstrap?: { token: string; practiceId: string };
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

// Token → owner, cached briefly so a busy client does not cost a query per request.
// A revoked token therefore stops working within TOKEN_CACHE_MS.
const TOKEN_CACHE_MS = 30_000;
const tokenCache = new Map<string, { auth: RequestAuth; until: number }>();

async function lookupToken(db: Db, token: string): Promise<RequestAuth | undefined> {
  const key = hashToken(token).toString('base64');
  const cached = tokenCache.get(key);
  if (cached && cached.until > Date.now()) return cached.auth;
  const owner = await findTokenOwner(db, token);
  if (!owner) {
    tokenCache.delete(key);
    return undefined;
  }
  const auth = { practiceId: owner.practiceId, actor: `token:${owner.tokenId}` };
  if (tokenCache.size > 10_000) tokenCache.clear();
  tokenCache.set(key, { auth, until: Date.now() + TOKEN_CACHE_MS });
  return auth;
}

export async function authenticate(options: AuthOptions, request: FastifyRequest): Promise<RequestAuth> {
  const token = bearerToken(request);
  if (!token) throw new AuthError('Send an API token as "Authorization: Bearer <token>"');
  if (options.bootstrap && timingSafeEqual(hashToken(token), hashToken(options.bootstrap.token))) {
    return { practiceId: options.bootstrap.practiceId, actor: 'bootstrap-token' };
  }
  const auth = await lookupToken(options.db, token);
  if (!auth) throw new AuthError('The API token is not valid');
  return auth;
}

/** Adds authentication to every route registered in this (encapsulated) scope. */
export function requireAuth(app: FastifyInstance, options: AuthOptions): void {
  app.decorateRequest('auth', null as unknown as RequestAuth);
  app.addHook('onRequest', async (request) => {
    request.auth = await authenticate(options, request);
  });
}
