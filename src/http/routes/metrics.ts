// GET /metrics: Prometheus text format, for an operator's scraper only. Served when
// TANDEM_METRICS_TOKEN is set and only to `Authorization: Bearer <that token>` (compared in
// constant time); anything else gets the ordinary 404, so the endpoint is not advertised.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { httpDuration, registry } from '../../metrics.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Times every request by its route pattern (never its URL: ids and search words stay out). On the root app. */
export function installHttpMetrics(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    httpDuration.observe(
      { method: request.method, route, status: `${Math.floor(reply.statusCode / 100)}xx` },
      reply.elapsedTime / 1000,
    );
  });
}

export async function metricsRoutes(app: FastifyInstance, { token }: { token: string | undefined }): Promise<void> {
  const expected = token ? digest(`Bearer ${token}`) : undefined;
  app.get('/metrics', async (request, reply) => {
    const given = request.headers.authorization;
    if (!expected || !given || !timingSafeEqual(digest(given), expected)) return reply.callNotFound();
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}
