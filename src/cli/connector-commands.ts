// `tandem <system> <subcommand>`: the subcommands a connector registers (its index.ts's `cli`
// export, src/connectors/types.ts), found through the registry. Nothing here names a system:
// a new connector folder with a `cli` export is a new `tandem <system>` command.
import { connectorSystems, loadConnectorCli } from '../connectors/registry.ts';
import { CliError } from './errors.ts';

export { connectorSystems };

function help(system: string, commands: Record<string, { summary: string }>): string {
  const names = Object.keys(commands).sort();
  if (names.length === 0) return `tandem ${system}: this connector has no subcommands`;
  const width = Math.max(...names.map((n) => n.length));
  return [
    `Usage: tandem ${system} <subcommand> [options]`,
    '',
    'Subcommands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${commands[n]!.summary}`),
    '',
    `Run \`tandem ${system} <subcommand> --help\` for its options.`,
  ].join('\n');
}

/** Runs `tandem <system> [subcommand] [...args]`; returns the exit code. */
export async function runConnectorCommand(system: string, args: string[]): Promise<number> {
  const commands = await loadConnectorCli(system);
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help(system, commands) + '\n');
    return name ? 0 : 2;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) throw new CliError(`unknown subcommand "${name}"\n\n${help(system, commands)}`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.usage + '\n');
    return 0;
  }
  return command.run(rest);
}
