// The HTTP of a process with the worker role: health probes and metrics only. Workers take no
// API calls and no webhooks (the api role does); an orchestrator still needs to ask whether the
// process is alive and ready, and Prometheus to scrape it.
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { clientErrorHandler, frameworkErrors, installErrorHandler } from './errors.ts';
import { installSecurityHeaders } from './security-headers.ts';
import { healthRoutes, type HealthProbe } from './routes/health.ts';
import { installHttpMetrics, metricsRoutes } from './routes/metrics.ts';

export async function buildProbeApp(deps: { health: HealthProbe; metricsToken?: string }): Promise<FastifyInstance> {
  const app = Fastify({
    logController: new LogController({ disableRequestLogging: true }),
    requestTimeout: 10_000,
    clientErrorHandler,
    frameworkErrors,
  });
  installErrorHandler(app);
  installSecurityHeaders(app);
  installHttpMetrics(app);
  await app.register(healthRoutes, { probe: deps.health });
  await app.register(metricsRoutes, { token: deps.metricsToken });
  return app;
}
