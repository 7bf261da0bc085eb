// `tandem start`: the whole of Tandem (HTTP API, console, workers) until SIGINT/SIGTERM.
import { loadConfig } from '../../config.ts';
import { createLogger } from '../../logger.ts';
import { startTandem } from '../../main.ts';
import { ensureConsoleBuilt } from '../../http/console-build.ts';

export const usage = `Usage: tandem start

Starts Tandem: HTTP API on PORT (default 8080), background workers, and with no DATABASE_URL
an embedded PostgreSQL under ./.tandem/pg. Configuration is read from the environment (see README).`;

export async function run(): Promise<number> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  // The console is built by `npm install`; a source edited since then is rebuilt here. A failed
  // build is logged and the API still starts (the console page then says it is not built).
  await ensureConsoleBuilt((message) => logger.info(message)).catch((error: unknown) =>
    logger.error({ err: error }, 'the console could not be built; the API runs without it'),
  );
  const tandem = await startTandem(config, logger);
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
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  logger.info('stopped');
  return 0;
}
