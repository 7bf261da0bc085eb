// `tandem sync <system> [...]`: the same as `tandem <system> sync [...]`, the initial sync a
// connector registers as its `sync` subcommand (for Hint: the initial sync as a batch, in this
// process, printing live progress).
import { runConnectorCommand } from '../connector-commands.ts';
import { CliError } from '../errors.ts';

export const usage = `Usage: tandem sync <system> --connection <id> [--dry-run] [--json]

Runs a connector's initial sync (\`tandem <system> sync\`); e.g. \`tandem sync hint --connection <id>\`.
\`tandem <system> sync --help\` gives that connector's options.`;

export async function run(args: string[]): Promise<number> {
  const [system, ...rest] = args;
  if (!system || system.startsWith('-')) throw new CliError(`name a system, e.g. tandem sync hint\n\n${usage}`);
  return runConnectorCommand(system, ['sync', ...rest]);
}
