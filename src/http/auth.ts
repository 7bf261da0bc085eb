// Bearer token → practice. Tokens are looked up by their SHA-256 hash; the optional bootstrap
// token (TANDEM_BOOTSTRAP_TOKEN) is compared in constant time and maps to the default practice.
// A token of a disabled practice is refused (403). Answers are cached per process and dropped
// the moment any token or practice changes (auth-cache.ts).
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuthError, ForbiddenError } from '../core/errors.ts';
import { findTokenOwner, getPractice } from '../db/practices.ts';
import type { Db } from '../db/pool.ts';
import { hashToken } from '../security/tokens.ts';
import type { AuthCache } from './auth-cache.ts';
import type { RequestAuth } from './request-auth.ts';
import { authenticateSession, type SessionSettings } from './sessions.ts';

export type { RequestAuth, Role } from './request-auth.ts';

/** What a credential resolves to: who, or that its practice is disabled. */
export type ResolvedAuth = { auth: RequestAuth; practiceDisabled: boolean };

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth;
  }
}

export interface AuthOptions {
  db: Db;
  bootstrap?: { token: string; practiceId: string };
  cache: AuthCache<ResolvedAuth>;
  /** Console sessions (cookie + CSRF header), tried when no Bearer token is sent. */
  sessions?: SessionSettings;
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

async function lookupToken(options: AuthOptions, token: string): Promise<ResolvedAuth | undefined> {
  return options.cache.get(`token:${hashToken(token).toString('base64')}`, async () => {
    const owner = await findTokenOwner(options.db, token);
    if (!owner) return undefined;
    const auth: RequestAuth = { practiceId: owner.practiceId, actor: `token:${owner.tokenId}`, role: 'admin' };
    return { auth, practiceDisabled: owner.practiceDisabled };
  });
}

async function lookupBootstrap(options: AuthOptions, practiceId: string): Promise<ResolvedAuth | undefined> {
  return options.cache.get(`bootstrap:${practiceId}`, async () => {
    const practice = await getPractice(options.db, practiceId);
    const auth: RequestAuth = { practiceId, actor: 'bootstrap-token', role: 'admin' };
    return practice ? { auth, practiceDisabled: practice.disabledAt !== null } : undefined;
  });
}

export async function authenticate(options: AuthOptions, request: FastifyRequest): Promise<RequestAuth> {
  const token = bearerToken(request);
  if (!token) {
    const session = options.sessions && (await authenticateSession(options.db, options.sessions, request));
    if (session) return session;
    throw new AuthError('Send an API token as "Authorization: Bearer <token>", or sign in to the console');
  }
  const bootstrap = options.bootstrap && timingSafeEqual(hashToken(token), hashToken(options.bootstrap.token));
  const resolved = bootstrap
    ? await lookupBootstrap(options, options.bootstrap!.practiceId)
    : await lookupToken(options, token);
  if (!resolved) throw new AuthError('The API token is not valid');
  if (resolved.practiceDisabled) throw new ForbiddenError('This practice is disabled');
  return resolved.auth;
}

/** For routes that change who can do what (tokens, users, connections, the practice itself). */
export function requireAdmin(request: FastifyRequest): void {
  if (request.auth.role !== 'admin') throw new ForbiddenError('Only an admin of this practice can do that');
}

/** Adds authentication to every route registered in this (encapsulated) scope. */
export function requireAuth(app: FastifyInstance, options: AuthOptions): void {
  app.decorateRequest('auth', null as unknown as RequestAuth);
  app.addHook('onRequest', async (request) => {
    request.auth = await authenticate(options, request);
  });
}
