// `tandem emulate hint` and sandbox mode start the Hint emulator through startEmulator.
import type { RunningEmulator } from '../shared/types.ts';
import { buildHintEmulator, type HintEmulatorOptions } from './app.ts';

export { buildHintEmulator } from './app.ts';
export type { HintEmulator, HintEmulatorOptions } from './app.ts';
export { sign as signWebhookBody } from './webhooks.ts';
/** The same answer as GET /_emulator/credentials, for in-process users: hintCredentials(emulator.context). */
export { credentials as hintCredentials } from './harness.ts';

export async function startEmulator(options: HintEmulatorOptions = {}): Promise<RunningEmulator> {
  // `tandem emulate hint --state FILE`, or HINT_EMULATOR_STATE_FILE, turns persistence on.
  const stateFile = options.stateFile ?? process.env.HINT_EMULATOR_STATE_FILE;
  const { app } = buildHintEmulator({ ...options, stateFile });
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { url: `http://${host}:${port}`, app, close: () => app.close() };
}

/** `tandem emulate hint` listens here unless --port is given. */
export const defaultPort = 4010;
