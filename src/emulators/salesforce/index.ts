// `tandem emulate salesforce` and sandbox mode start the Salesforce emulator through startEmulator.
import type { RunningEmulator } from '../shared/types.ts';
import { buildSalesforceEmulator, type SalesforceEmulatorOptions } from './app.ts';

export { buildSalesforceEmulator } from './app.ts';
export type { SalesforceEmulator, SalesforceEmulatorOptions } from './app.ts';
export { credentials as salesforceCredentials } from './harness.ts';

export async function startEmulator(options: SalesforceEmulatorOptions = {}): Promise<RunningEmulator> {
  const stateFile = options.stateFile ?? process.env.SALESFORCE_EMULATOR_STATE_FILE;
  const { app } = await buildSalesforceEmulator({ ...options, stateFile });
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { url: `http://${host}:${port}`, app, close: () => app.close() };
}

/** `tandem emulate salesforce` listens here unless --port is given. */
export const defaultPort = 4030;
