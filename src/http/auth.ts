// Bearer token → practice. Tokens are looked up by their SHA-256 hash; the optional bootstrap
// token (TANDEM_BOOTSTRAP_TOKEN) is compared in constant time and maps to the default practice.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuthError } from '../core/errors.ts';
import { findTokenOwner } from '../db/practices.ts';
import type { Db } from '../db/pool.ts';
import { hashToken } from '../security/tokens.ts';

export interface RequestAuth { practiceId: string; actor: string }

declare module 'fastify' {
  interface FastifyRequest { auth: RequestAuth }
}

export interface AuthOptions { db: Db; bootstrap?: { token: string; practiceId: string } }

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

export async function authenticate(options: AuthOptions, request: FastifyRequest): Promise<RequestAuth> {
  const token = bearerToken(request);
  if (!token) throw new AuthError('Send an API token as "Authorization: Bearer <token>"');
  if (options.bootstrap && timingSafeEqual(hashToken(token), hashToken(options.bootstrap.token))) {
    return { practiceId: options.bootstrap.practiceId, actor: 'bootstrap-token' };
  }
  const owner = await findTokenOwner(options.db, token);
  if (!owner) throw new AuthError('The API token is not valid');
  return { practiceId: owner.practiceId, actor: `token:${owner.tokenId}` };
}

/** Adds authentication to every route registered in this (encapsulated) scope. */
export function requireAuth(app: FastifyInstance, options: AuthOptions): void {
  app.decorateRequest('auth', null as unknown as RequestAuth);
  app.addHook('onRequest', async (request) => {
    request.auth = await authenticate(options, request);
  });
}
