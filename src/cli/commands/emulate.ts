// `tandem emulate <platform> [--port N] [--seed N] [--rate-limit N] [--time-scale K]`: every
// folder of src/emulators with an index.ts (but shared) is a platform, its index.ts an
// EmulatorModule (startEmulator, defaultPort). A new emulator folder is a new platform here.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { intFlag, numberFlag, parseFlags } from '../args.ts';
import { CliError } from '../errors.ts';
import type { EmulatorModule } from '../../emulators/shared/types.ts';

const EMULATORS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../emulators');
const platforms = readdirSync(EMULATORS, { withFileTypes: true })
  .filter((e) => e.isDirectory() && e.name !== 'shared' && existsSync(path.join(EMULATORS, e.name, 'index.ts')))
  .map((e) => e.name)
  .sort();

export const usage = `Usage: tandem emulate <${platforms.join('|')}> [--port N] [--host H] [--seed N] [--rate-limit N] [--time-scale K] [--state FILE]

Starts a platform's local sandbox on its default port (docs/emulators.md). --state keeps the sandbox's data in FILE across restarts (emulators that support it).
Credentials for the seeded accounts: GET <url>/_emulator/credentials`;

const load = (name: string) =>
  import(pathToFileURL(path.join(EMULATORS, name, 'index.ts')).href) as Promise<EmulatorModule>;

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
  if (!name || !platforms.includes(name)) throw new CliError(`name a platform: ${platforms.join(' | ')}\n\n${usage}`);
  const { startEmulator, defaultPort } = await load(name);
  const running = await startEmulator({
    port: intFlag(values.port, 'port', defaultPort),
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
