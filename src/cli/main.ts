// `tandem <command> [...]`: one file per command under ./commands, loaded on demand so
// `tandem emulate hint` does not pay for the server's imports; `tandem <system> ...` runs a
// connector's registered subcommands (connector-commands.ts).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from './errors.ts';
import { connectorSystems, runConnectorCommand } from './connector-commands.ts';
import { EmbeddedDatabaseError } from '../db/embedded-preflight.ts';
import { ConfigError } from '../config.ts';

type Command = { run(args: string[]): Promise<number | void>; usage: string };

const COMMANDS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'commands');

/** Every file in ./commands is a command named after the file. */
function listCommands(): string[] {
  return readdirSync(COMMANDS_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

const loadCommand = (name: string): Promise<Command> => import(path.join(COMMANDS_DIR, `${name}.ts`));

async function help(): Promise<string> {
  return [
    'Usage: tandem <command> [options]',
    '',
    'Commands:',
    ...listCommands().map((c) => `  ${c}`),
    '',
    'Connector commands (tandem <system> <subcommand>):',
    ...(await connectorSystems()).map((s) => `  ${s}`),
    '',
    "Run `tandem <command> --help` for a command's options.",
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write((await help()) + '\n');
    return name ? 0 : 2;
  }
  if (!listCommands().includes(name)) {
    // Not a command of the hub's: a connector's, when a connector folder has that name.
    if ((await connectorSystems()).includes(name)) return runConnectorCommand(name, rest);
    process.stderr.write(`tandem: unknown command "${name}"\n\n${await help()}\n`);
    return 2;
  }
  const command = await loadCommand(name);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.usage + '\n');
    return 0;
  }
  return (await command.run(rest)) ?? 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof EmbeddedDatabaseError || error instanceof ConfigError) {
      process.stderr.write(`tandem: ${error.message}\n`);
      process.exitCode = 1;
    } else if (error instanceof CliError) {
      process.stderr.write(`tandem: ${error.message}\n`);
      process.exitCode = error.exitCode;
    } else {
      process.stderr.write(`tandem: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
