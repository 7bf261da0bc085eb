// `tandem healthengine <subcommand>` (exported from index.ts as `cli`): resync --connection <id>
// [--config|--availability] and list --practice <id> [--json]. The resync is queued as jobs; the
// running Tandem's workers send it (configuration, and/or every day of the availability window).
import { getConnectionById, listConnections } from '../../db/connections.ts';
import { requestResync } from './activation.ts';
import { parseFlags } from '../../cli/args.ts';
import { print, withDatabase } from '../../cli/context.ts';
import { CliError } from '../../cli/errors.ts';
import { isUuid } from '../../core/ids.ts';

import type { CliCommand } from '../types.ts';

const usage = `Usage:
  tandem healthengine resync --connection <id> [--config | --availability]
      resend the configuration and/or the whole availability window (both when neither flag is given)
  tandem healthengine list --practice <id> [--json]
      the practice's Healthengine connections with status and health`;

/** Both subcommands parse the same flags (one usage text, as before the move into the connector). */
async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    {
      connection: { type: 'string' },
      config: { type: 'boolean' },
      availability: { type: 'boolean' },
      practice: { type: 'string' },
      json: { type: 'boolean' },
    },
    usage,
  );
  const [action] = positionals;
  if (action === 'resync') {
    if (!values.connection) throw new CliError(`--connection is required\n\n${usage}`);
    const both = !values.config && !values.availability;
    const queued = await withDatabase(async ({ db }) => {
      const connection = await getConnectionById(db, values.connection!);
      if (!connection || connection.system !== 'healthengine')
        throw new CliError(`--connection: no Healthengine connection ${values.connection}`);
      if (connection.status !== 'active')
        throw new CliError(`--connection: the connection is ${connection.status}; enable it (or fix consent) first`, 1);
      return requestResync(db, connection.practiceId, connection.id, {
        config: both || values.config === true,
        availability: both || values.availability === true,
      });
    });
    print(`queued: ${queued.join(', ')}`, false);
    return 0;
  }
  if (action === 'list') {
    if (!values.practice || !isUuid(values.practice))
      throw new CliError(`--practice: name the practice id (a UUID)\n\n${usage}`);
    const connections = await withDatabase(({ db }) => listConnections(db, values.practice!, 'healthengine'));
    if (values.json) print(connections, true);
    else for (const c of connections) print(`${c.id}  ${c.remoteAccountId ?? '-'}  ${c.status}  ${c.name}`, false);
    return 0;
  }
  throw new CliError(usage);
}

export const cli: Record<string, CliCommand> = {
  resync: {
    summary: 'resend the configuration and/or the whole availability window',
    usage,
    run: (args) => run(['resync', ...args]),
  },
  list: {
    summary: "the practice's Healthengine connections with status and health",
    usage,
    run: (args) => run(['list', ...args]),
  },
};
