// Security headers on every response. Pages that must be framed (the Hint embed) override
// frame-ancestors for themselves. The same headers go on the responses Fastify and Node write
// outside the request lifecycle (router errors, timeouts: see errors.ts), hence one function.
import type { FastifyInstance } from 'fastify';

const CSP =
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";

/** The headers a response gets; `has` says which the route has already set for itself. */
export function securityHeaders(url: string, has: (name: string) => boolean = () => false): Record<string, string> {
  const headers: Record<string, string> = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };
  if (!has('x-frame-options') && !has('content-security-policy')) headers['x-frame-options'] = 'DENY';
  if (!has('content-security-policy')) headers['content-security-policy'] = CSP;
  if (url.startsWith('/api/')) headers['cache-control'] = 'no-store';
  return headers;
}

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => {
    reply.headers(securityHeaders(request.url, (name) => reply.hasHeader(name)));
  });
}
