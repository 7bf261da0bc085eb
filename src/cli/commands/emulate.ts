// `tandem emulate hint|healthengine|salesforce [--port N] [--seed N] [--rate-limit N] [--time-scale K]`
import { intFlag, numberFlag, parseFlags } from '../args.ts';
import { CliError } from '../errors.ts';
import type { StartEmulator } from '../../emulators/shared/types.ts';

export const usage = `Usage: tandem emulate <hint|healthengine|salesforce> [--port N] [--host H] [--seed N] [--rate-limit N] [--time-scale K] [--state FILE]

Starts a platform's local sandbox. Default ports: hint 4010, healthengine 4020, salesforce 4030. --state keeps the Hint or Salesforce sandbox's data in FILE across restarts.
Credentials for the seeded accounts: GET <url>/_emulator/credentials`;

const emulators: Record<string, { port: number; load: () => Promise<{ startEmulator: StartEmulator }> }> = {
  hint: { port: 4010, load: () => import('../../emulators/hint/index.ts') },
  healthengine: { port: 4020, load: () => import('../../emulators/healthengine/index.ts') },
  salesforce: { port: 4030, load: () => import('../../emulators/salesforce/index.ts') },
};

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      'rate-limit': { type: 'string' },
      'time-scale': { type: 'string' },
      state: { type: 'string' },
    },
    usage,
  );
  const name = positionals[0];
  const emulator = name ? emulators[name] : undefined;
  if (!name || !emulator) throw new CliError(`name a platform: ${Object.keys(emulators).join(' | ')}\n\n${usage}`);
  const { startEmulator } = await emulator.load();
  const running = await startEmulator({
    port: intFlag(values.port, 'port', emulator.port),
    host: values.host ?? '127.0.0.1',
    seed: values.seed === undefined ? undefined : intFlag(values.seed, 'seed', 0),
    rateLimit: values['rate-limit'] === undefined ? undefined : intFlag(values['rate-limit'], 'rate-limit', 20),
    timeScale: numberFlag(values['time-scale'], 'time-scale', 1),
    logger: false,
    stateFile: values.state,
  });
  process.stdout.write(
    `${name} emulator listening on ${running.url}\ncredentials: ${running.url}/_emulator/credentials\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      void running.close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
