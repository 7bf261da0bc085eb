// `tandem emulate healthengine` and sandbox mode start the emulator through startEmulator;
// tests and in-process users can build it without listening via buildHealthengineEmulator.
import type { StartEmulator } from '../shared/types.ts';
import { buildHealthengineEmulator } from './app.ts';

export { buildHealthengineEmulator, type HealthengineEmulator, type HealthengineOptions } from './app.ts';
export { validateAgainstSpec, validateComponent, validateResponseAgainstSpec, validateWebhookPayload } from './spec.ts';

export const startEmulator: StartEmulator = async (options) => {
  const emulator = buildHealthengineEmulator({
    seed: options.seed,
    timeScale: options.timeScale,
    rateLimit: options.rateLimit,
    logger: options.logger,
  });
  const host = options.host ?? '127.0.0.1';
  await emulator.app.listen({ port: options.port ?? 0, host });
  const address = emulator.app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  emulator.context.state.baseUrl = url;
  return {
    url,
    app: emulator.app,
    close: async () => {
      await emulator.app.close();
      emulator.clock.stop();
    },
  };
};

/** `tandem emulate healthengine` listens here unless --port is given. */
export const defaultPort = 4020;
