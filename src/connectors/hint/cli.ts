// `tandem hint <subcommand>` (exported from index.ts as `cli`): the initial sync as a batch and
// the legacy-id migration, run in the CLI's process with the same client and code paths as the
// server, on the database and secret key the CLI opened.
import { parseFlags } from '../../cli/args.ts';
import { print, withDatabase } from '../../cli/context.ts';
import { CliError } from '../../cli/errors.ts';
import type { Config } from '../../config.ts';
import { publicUrl } from '../../config.ts';
import { createBatch, getBatch } from '../../db/batches.ts';
import { getConnectionById } from '../../db/connections.ts';
import type { Db } from '../../db/pool.ts';
import { createLogger } from '../../logger.ts';
import { loadOrCreateSecretKey, SecretBox } from '../../security/secrets.ts';
import { ConnectionGone, type CliCommand } from '../types.ts';
import { migrateLegacyIds } from './cli-legacy-ids.ts';
import { hintDeps, loadConnection, type LoadedConnection, type HintDeps } from './connection.ts';
import { runInitialSync } from './initial-sync.ts';

export async function cliRuntime(config: Config, db: Db): Promise<HintDeps> {
  const secrets = new SecretBox(await loadOrCreateSecretKey(config.secretKey, config.home));
  return hintDeps({
    config,
    db,
    logger: createLogger('silent'),
    secrets,
    publicUrl: () => publicUrl(config, config.port),
  });
}

export type Loaded = { ok: true; deps: HintDeps; loaded: LoadedConnection } | { ok: false; reason: string };

/** The active Hint connection with this id, ready to use, or why not. */
export async function cliConnection(config: Config, db: Db, connectionId: string): Promise<Loaded> {
  const connection = await getConnectionById(db, connectionId);
  if (!connection || connection.system !== 'hint') return { ok: false, reason: `no Hint connection ${connectionId}` };
  const deps = await cliRuntime(config, db);
  try {
    return { ok: true, deps, loaded: await loadConnection(deps, connection.practiceId, connection.id) };
  } catch (e) {
    if (!(e instanceof ConnectionGone)) throw e;
    return { ok: false, reason: `Hint connection ${connectionId} is ${connection.status}, not active` };
  }
}

const syncUsage = `Usage: tandem hint sync --connection <id> [--dry-run] [--json]

Pages through every Hint patient and practitioner, matches them against Tandem's records and,
per the connection's policy, links, creates on the missing side, sends to review or skips.
Safe to re-run: nothing is created twice. --dry-run reports what would happen, writing nothing.`;

const migrateUsage = `Usage: tandem hint migrate-legacy-ids --connection <id> [--dry-run] [--json]

Moves the ids a practice stored in Hint's deprecated import_id / external_link_id fields into
integration_record_id, for every patient that has no integration_record_id yet. Never writes
the legacy fields. --dry-run counts what would move.`;

/** `tandem hint sync`: the initial sync as a batch in this process, printing progress; the batch id works with `tandem batch`. */
async function sync(args: string[]): Promise<number> {
  const { values } = parseFlags(
    args,
    { connection: { type: 'string' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } },
    syncUsage,
  );
  if (!values.connection) throw new CliError(`--connection is required\n\n${syncUsage}`);
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

/** `tandem hint migrate-legacy-ids`: exit 1 when an id could not move (another patient holds it). */
async function migrateLegacy(args: string[]): Promise<number> {
  const { values } = parseFlags(
    args,
    { connection: { type: 'string' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } },
    migrateUsage,
  );
  if (!values.connection) throw new CliError(`--connection is required\n\n${migrateUsage}`);
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

export const cli: Record<string, CliCommand> = {
  sync: {
    summary: 'the initial sync as a batch, in this process, with live progress (also: tandem sync hint)',
    usage: syncUsage,
    run: sync,
  },
  'migrate-legacy-ids': {
    summary: "move ids kept in Hint's deprecated import_id / external_link_id into integration_record_id",
    usage: migrateUsage,
    run: migrateLegacy,
  },
};
