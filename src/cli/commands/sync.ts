// `tandem sync hint --connection <id> [--dry-run] [--json]`: the initial sync as a batch, run
// in this process (no server needed), printing live progress; the batch id works with
// `tandem batch` and the API meanwhile.
import { createBatch, getBatch } from '../../db/batches.ts';
import { runInitialSync } from '../../connectors/hint/initial-sync.ts';
import { cliConnection } from '../../connectors/hint/cli.ts';
import { parseFlags } from '../args.ts';
import { print, withDatabase } from '../context.ts';
import { CliError } from '../errors.ts';

export const usage = `Usage: tandem sync hint --connection <id> [--dry-run] [--json]

Pages through every Hint patient and practitioner, matches them against Tandem's records and,
per the connection's policy, links, creates on the missing side, sends to review or skips.
Safe to re-run: nothing is created twice. --dry-run reports what would happen, writing nothing.`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    { connection: { type: 'string' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } },
    usage,
  );
  if (positionals[0] !== 'hint') throw new CliError(`only "tandem sync hint" exists for now\n\n${usage}`);
  if (!values.connection) throw new CliError(`--connection is required\n\n${usage}`);
  const connectionId = values.connection;
  return withDatabase(async ({ config, db }) => {
    const found = await cliConnection(config, db, connectionId);
    if (!found.ok) throw new CliError(found.reason, 1);
    const { deps, loaded } = found;
    const dryRun = values['dry-run'] ?? false;
    const batch = await createBatch(db, {
      practiceId: loaded.connection.practiceId,
      connectionId: loaded.connection.id,
      kind: 'hint:initial-sync',
      dryRun,
      params: { startedBy: 'cli' },
    });
    if (!values.json) print(`batch ${batch.id}${dryRun ? ' (dry run)' : ''}`, false);
    const ticker = values.json
      ? undefined
      : setInterval(() => {
          void getBatch(db, loaded.connection.practiceId, batch.id).then((b) => {
            if (b) process.stderr.write(`  ${b.processed}/${b.total ?? '?'} ${JSON.stringify(b.counts)}\n`);
          });
        }, 2000);
    try {
      await runInitialSync(deps, {
        practiceId: loaded.connection.practiceId,
        connectionId: loaded.connection.id,
        batchId: batch.id,
      });
    } finally {
      if (ticker) clearInterval(ticker);
    }
    const done = (await getBatch(db, loaded.connection.practiceId, batch.id))!;
    if (values.json) print(done, true);
    else
      print(
        `${done.status}: ${done.processed} records ${JSON.stringify(done.counts)}${done.error ? ` (${done.error})` : ''}`,
        false,
      );
    return done.status === 'completed' ? 0 : 1;
  });
}
