// Composition root: configuration → database → migrations → workers → HTTP. Everything is
// created here and passed down; `stop()` takes it all down in reverse order.
import type { FastifyInstance } from 'fastify';
import { loadConfig, publicUrl, runsWorkers, servesHttpApi, type Config } from './config.ts';
import { buildProbeApp } from './http/probe-app.ts';
import { installDatabaseGauges } from './metrics.ts';
import { openDatabase } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { ensureDefaultPractice } from './db/practices.ts';
import { buildApp } from './http/app.ts';
import { CONSOLE_DIST_DIR } from './http/console-build.ts';
import { sessionSettings } from './http/sessions.ts';
import { announceSetupLink } from './http/setup-link.ts';
import { createLogger, type Logger } from './logger.ts';
import { DISPATCH_QUEUE, wakeDispatcherOnWrites } from './jobs/outbox.ts';
import { startWorkers } from './jobs/runner.ts';
import { dispatchEvents } from './jobs/tasks/dispatch-events.ts';
import { echo } from './jobs/tasks/echo.ts';
import type { TaskHandlers } from './jobs/types.ts';
import { loadConnectors } from './connectors/registry.ts';
import type { ConnectorDeps, RunningSandbox } from './connectors/types.ts';
import { connectionRoutes } from './http/routes/connections.ts';
import { sandboxRoutes } from './http/routes/sandbox.ts';
import { createHealthProbe } from './http/routes/health.ts';
import { matchReviewRoutes } from './http/routes/match-reviews.ts';
import { overviewRoutes } from './http/routes/overview.ts';
import { patientConsoleRoutes } from './http/routes/patient-console.ts';
import { inboxRoutes } from './http/routes/inbox.ts';
import { connectorRoutes } from './http/routes/connectors.ts';
import { startSandboxes } from './sandbox.ts';
import { loadOrCreateSecretKey, SecretBox } from './security/secrets.ts';

export interface RunningTandem {
  url: string;
  app: FastifyInstance;
  config: Config;
  stop(): Promise<void>;
}

export async function startTandem(
  config: Config = loadConfig(),
  logger: Logger = createLogger(config.logLevel),
): Promise<RunningTandem> {
  const started = Date.now();
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    home: config.home,
    poolSize: config.dbPoolSize,
  });
  logger.info(
    { embedded: database.embedded, ms: Date.now() - started },
    database.embedded ? `embedded PostgreSQL ready under ${config.home}/pg` : 'using DATABASE_URL',
  );
  const applied = await migrate(database.db);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const secrets = new SecretBox(await loadOrCreateSecretKey(config.secretKey, config.home));
  const defaultPractice = await ensureDefaultPractice(database.db);

  // The public URL is known once the server listens (PORT may be 0); connectors ask lazily.
  let boundPort = config.port;
  const connectorDeps: ConnectorDeps = {
    config,
    db: database.db,
    logger,
    secrets,
    publicUrl: () => publicUrl(config, boundPort),
  };
  const connectors = await loadConnectors(connectorDeps);
  const handlers: TaskHandlers = { 'dispatch-events': dispatchEvents(connectors.flatMap((c) => c.fanOut)), echo };
  for (const c of connectors) Object.assign(handlers, c.tasks);
  // Roles (docs/operations.md): an api process enqueues and never runs a job; a worker runs them.
  const workers = runsWorkers(config.role)
    ? await startWorkers({
        db: database.db,
        connectionString: database.url,
        logger,
        concurrency: config.workerConcurrency,
        handlers,
        crontab: [
          `* * * * * dispatch-events ?max=3&queue=${DISPATCH_QUEUE}`,
          ...connectors.flatMap((c) => c.crontab ?? []),
        ],
      })
    : undefined;
  // A write in any process NOTIFYs; a worker's listener dispatches it at once.
  const outbox = workers ? wakeDispatcherOnWrites(database.db, logger) : undefined;
  installDatabaseGauges(database.db);
  const health = createHealthProbe(database.db, workers ? () => workers.isRunning() : undefined);

  let sandboxes: RunningSandbox[] = [];
  const app = !servesHttpApi(config.role)
    ? await buildProbeApp({ health, metricsToken: config.metricsToken })
    : await buildApp({
        config,
        db: database.db,
        logger,
        bootstrap: config.bootstrapToken ? { token: config.bootstrapToken, practiceId: defaultPractice.id } : undefined,
        consoleDir: CONSOLE_DIST_DIR,
        patientFacts: connectors.flatMap((c) => (c.patientFacts ? [{ system: c.system, ...c.patientFacts }] : [])),
        sessions: sessionSettings(config),
        publicUrl: () => publicUrl(config, boundPort),
        extensions: {
          api: async (api) => {
            await api.register(connectionRoutes, { db: database.db });
            await api.register(sandboxRoutes, { sandboxes: () => sandboxes });
            await api.register(connectorRoutes, { connectors });
            await api.register(inboxRoutes, {
              db: database.db,
              wake: async (c) => connectors.find((x) => x.system === c.system)?.wakeInbox?.(c.practiceId, c.id),
            });
            await api.register(matchReviewRoutes, { db: database.db, taskNames: new Set(Object.keys(handlers)) });
            await api.register(overviewRoutes, {
              db: database.db,
              describeHealth: (c) => connectors.find((x) => x.system === c.system)?.describeHealth?.(c),
            });
            await api.register(patientConsoleRoutes, { db: database.db, fanOut: connectors.flatMap((c) => c.fanOut) });
            for (const c of connectors) if (c.apiRoutes) await api.register(async (scope) => c.apiRoutes!(scope));
          },
          public: async (app) => {
            for (const c of connectors) if (c.publicRoutes) await app.register(async (scope) => c.publicRoutes!(scope));
          },
        },
        health,
      });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  boundPort = port;
  const url = `http://${config.host}:${port}`;
  // The emulators and the setup link belong to the process people talk to; the long-lived
  // loops (pollers, streams) to the workers, each owned by one of them at a time (jobs/leases.ts).
  if (servesHttpApi(config.role))
    sandboxes = await startSandboxes(config, connectors, { ...connectorDeps, defaultPractice }, logger);
  if (workers) for (const c of connectors) await c.afterListen?.();
  logger.info(
    { url, role: config.role, publicUrl: publicUrl(config, port), ms: Date.now() - started },
    `Tandem listening on ${url} (role ${config.role})`,
  );
  if (servesHttpApi(config.role))
    await announceSetupLink(database.db, defaultPractice.id, publicUrl(config, port), logger);

  let stopping: Promise<void> | undefined;
  return {
    url,
    app,
    config,
    stop: () =>
      (stopping ??= (async () => {
        await app.close();
        for (const c of connectors) await c.stop?.();
        for (const s of sandboxes) await s.stop().catch(() => {});
        outbox?.stop();
        await workers?.stop();
        await database.close();
      })()),
  };
}
