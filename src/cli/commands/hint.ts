// `tandem hint migrate-legacy-ids --connection <id> [--dry-run] [--json]`
import { cliConnection } from '../../connectors/hint/cli.ts';
import { migrateLegacyIds } from '../../connectors/hint/cli-legacy-ids.ts';
import { parseFlags } from '../args.ts';
import { print, withDatabase } from '../context.ts';
import { CliError } from '../errors.ts';

export const usage = `Usage: tandem hint migrate-legacy-ids --connection <id> [--dry-run] [--json]

Moves the ids a practice stored in Hint's deprecated import_id / external_link_id fields into
integration_record_id, for every patient that has no integration_record_id yet. Never writes
the legacy fields. --dry-run counts what would move.`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    { connection: { type: 'string' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } },
    usage,
  );
  if (positionals[0] !== 'migrate-legacy-ids') throw new CliError(usage);
  if (!values.connection) throw new CliError(`--connection is required\n\n${usage}`);
  const connectionId = values.connection;
  return withDatabase(async ({ config, db }) => {
    const found = await cliConnection(config, db, connectionId);
    if (!found.ok) throw new CliError(found.reason, 1);
    const result = await migrateLegacyIds(found.deps, found.loaded, { dryRun: values['dry-run'] ?? false });
    print(
      values.json
        ? result
        : `scanned ${result.scanned}: moved ${result.moved}${values['dry-run'] ? ' (dry run)' : ''}, already set ${result.alreadySet}, conflicts ${result.conflicts}, no legacy id ${result.withoutLegacyId}`,
      values.json ?? false,
    );
    return result.conflicts > 0 ? 1 : 0;
  });
}
