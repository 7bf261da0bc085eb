// `tandem batch show|abort|report <id> [--json]`: any batch (initial sync, CSV sync, resync).
import { batchItems, getBatch, progressOf, requestAbort, type Batch } from '../../db/batches.ts';
import type { Db } from '../../db/pool.ts';
import { parseFlags } from '../args.ts';
import { print, withDatabase } from '../context.ts';
import { CliError } from '../errors.ts';
import { isUuid } from '../../core/ids.ts';

export const usage = `Usage:
  tandem batch show <id> [--json]   status, live progress and counts
  tandem batch abort <id>           stop it at its next checkpoint
  tandem batch report <id>          the per-record results as CSV on stdout`;

async function find(db: Db, id: string): Promise<Batch> {
  if (!isUuid(id)) throw new CliError(`"${id}" is not a batch id`);
  const { rows } = await db.query('SELECT practice_id FROM batches WHERE id = $1', [id]);
  const batch = rows[0] ? await getBatch(db, rows[0].practice_id, id) : undefined;
  if (!batch) throw new CliError(`no batch ${id}`, 1);
  return batch;
}

const csv = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, { json: { type: 'boolean' } }, usage);
  const [action, id] = positionals;
  if (!action || !id || !['show', 'abort', 'report'].includes(action)) throw new CliError(usage);
  return withDatabase(async ({ db }) => {
    const batch = await find(db, id);
    if (action === 'abort') {
      const after = (await requestAbort(db, batch.practiceId, id))!;
      print(`batch ${id}: abort requested (status ${after.status})`, false);
      return 0;
    }
    if (action === 'report') {
      print('entity_kind,remote_id,local_id,action,message,at', false);
      for await (const i of batchItems(db, batch.practiceId, id))
        print([i.entityKind, i.remoteId, i.localId, i.action, i.message, i.createdAt].map(csv).join(','), false);
      return 0;
    }
    const progress = progressOf(batch);
    if (values.json) print({ ...batch, progress }, true);
    else
      print(
        `${batch.kind} ${batch.id}${batch.dryRun ? ' (dry run)' : ''}: ${batch.status}, ${batch.processed}/${batch.total ?? '?'}${progress.percent !== null ? ` (${progress.percent}%)` : ''} ${JSON.stringify(batch.counts)}${batch.error ? ` error: ${batch.error}` : ''}`,
        false,
      );
    return 0;
  });
}
