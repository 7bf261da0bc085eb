// The HTTP app: REST API under /api/v1, health, API docs; connectors add their webhook
// receivers and pages through `extensions`. Built without listening, so tests can inject.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/pool.ts';
import type { Logger } from '../logger.ts';
import { appointments, invoices, recordKinds, patients } from '../db/records/kinds.ts';
import { requireAuth, type AuthOptions, type ResolvedAuth } from './auth.ts';
import { AuthCache } from './auth-cache.ts';
import { clientErrorHandler, frameworkErrors, installErrorHandler } from './errors.ts';
import { installSecurityHeaders } from './security-headers.ts';
import { installInputGuard } from './input-guard.ts';
import {
  blankDecoration,
  decorateLinks,
  decoratePatients,
  recordRoutes,
  type PatientFactsSource,
} from './routes/records.ts';
import { healthRoutes, type HealthProbe } from './routes/health.ts';
import { docsRoutes } from './routes/docs.ts';
import { installHttpMetrics, metricsRoutes } from './routes/metrics.ts';
import { adminRoutes } from './routes/admin.ts';
import { batchRoutes } from './routes/batches.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { consoleRoutes } from './console.ts';
import fastifyCookie from '@fastify/cookie';
import type { SessionSettings } from './sessions.ts';
import { signInRoutes } from './routes/sign-in.ts';
import { sessionRoutes } from './routes/session.ts';
import { userRoutes } from './routes/users.ts';

export interface AppDeps {
  config: Pick<Config, 'bodyLimitBytes' | 'headersTimeoutMs' | 'requestTimeoutMs'> & { metricsToken?: string };
  db: Db;
  logger: Logger | false;
  health: HealthProbe;
  bootstrap?: AuthOptions['bootstrap'];
  /** The built console (dist/web) to serve at `/`; none in API-only tests. */
  consoleDir?: string;
  /** What connectors show on a patient they link (their patientFacts). */
  patientFacts?: PatientFactsSource[];
  /** Console sign-in and sessions (cookie + CSRF); without it only API tokens authenticate. */
  sessions?: SessionSettings;
  /** Tandem's public base URL (for one-time links). */
  publicUrl?: () => string;
  /** Routes added by connectors and sandbox mode; `api` ones are authenticated. */
  extensions?: { api?: (scope: FastifyInstance) => Promise<void>; public?: (app: FastifyInstance) => Promise<void> };
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: (deps.logger || undefined) as FastifyBaseLogger | undefined,
    bodyLimit: deps.config.bodyLimitBytes,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    // A client slower than this (one byte every few seconds, unauthenticated on a webhook) is
    // answered 408 and cut, instead of holding a connection open for ever (Fastify's default).
    requestTimeout: deps.config.requestTimeoutMs,
    // Node checks for such clients every connectionsCheckingInterval (30 s by default).
    http: { connectionsCheckingInterval: Math.min(1_000, deps.config.headersTimeoutMs) },
    clientErrorHandler,
    frameworkErrors,
  });
  app.server.headersTimeout = deps.config.headersTimeoutMs;
  // One per app: it LISTENs for revocations on its own connection, closed with the app.
  const authCache = new AuthCache<ResolvedAuth>(deps.db);
  app.addHook('onClose', () => authCache.stop());
  await authCache.ready;
  installErrorHandler(app);
  installSecurityHeaders(app);
  installInputGuard(app);
  await app.register(fastifyCookie);
  installHttpMetrics(app);
  await app.register(healthRoutes, { probe: deps.health });
  await app.register(metricsRoutes, { token: deps.config.metricsToken });
  await app.register(docsRoutes);
  const sessions = deps.sessions;
  if (sessions) await app.register(signInRoutes, { prefix: '/api/v1', db: deps.db, sessions });
  await app.register(
    async (api) => {
      requireAuth(api, { db: deps.db, bootstrap: deps.bootstrap, cache: authCache, sessions });
      if (sessions) {
        await api.register(sessionRoutes, { db: deps.db, sessions });
        await api.register(userRoutes, { db: deps.db, publicUrl: deps.publicUrl ?? (() => '') });
      }
      const facts = deps.patientFacts ?? [];
      for (const def of recordKinds) {
        // Patients carry their links and the facts connectors register (e.g. Hint's); invoices and
        // appointments their links (an appointment's: its Healthengine booking, its Hint partner interaction).
        const decorate =
          def === patients
            ? decoratePatients(facts)
            : def === invoices || def === appointments
              ? decorateLinks(def.kind)
              : undefined;
        const blank = def === patients ? blankDecoration(facts) : undefined;
        await api.register(recordRoutes, { db: deps.db, def, decorate, blank });
      }
      await api.register(adminRoutes, { db: deps.db });
      await api.register(batchRoutes, { db: deps.db });
      await api.register(tokenRoutes, { db: deps.db, authChanged: () => authCache.invalidate() });
      if (deps.extensions?.api) await deps.extensions.api(api);
    },
    { prefix: '/api/v1' },
  );
  if (deps.extensions?.public) await deps.extensions.public(app);
  if (deps.consoleDir) await app.register(consoleRoutes, { dir: deps.consoleDir });
  return app;
}
