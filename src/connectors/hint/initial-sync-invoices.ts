// The initial sync's invoice phase, when the practice's system bills (billing: 'practice'):
// every Hint customer invoice carrying one of our invoice ids (integration_record_id) is linked
// to it and takes Hint's payment facts; then every canonical invoice still unlinked is created
// in Hint. Hint's own invoices (memberships it bills) are left alone. Re-running links nothing
// twice; a dry run reports the same actions and writes nothing.
import { addToTotal, recordItems, type BatchItem } from '../../db/batches.ts';
import { findLink } from '../../db/links.ts';
import { invoices } from '../../db/records/kinds.ts';
import { recordExists } from '../../db/records/repository.ts';
import { unlinkedIds } from '../../db/unlinked.ts';
import { isUuid } from '../../core/ids.ts';
import { HintApiError } from './client.ts';
import { absorbInvoice } from './inbound-invoice.ts';
import { listInvoices } from './client-invoices.ts';
import { pushInvoice } from './outbound-invoice.ts';
import type { Run } from './initial-sync-run.ts';
import type { HintInvoice } from './schemas.ts';

const PAGE = 100;

const INVOICE_PAGE = 500;

/** Returns true when the batch was aborted (as every phase of initial-sync.ts does). */
export async function invoicesPhase(run: Run): Promise<boolean> {
  if (run.loaded.settings.billing !== 'practice') return false;
  return (await linkHintInvoices(run)) || (await createUnlinked(run));
}

async function linkHintInvoices(run: Run): Promise<boolean> {
  const { deps, loaded } = run;
  for (let offset = 0; ; offset += PAGE) {
    const page = await listInvoices(deps, loaded, { limit: PAGE, offset, sort: 'created_at' });
    const ours = page.items.filter((i) => isUuid(i.integration_record_id));
    const items: BatchItem[] = [];
    for (const remote of ours)
      items.push(
        await oneInvoice({ remoteId: remote.id, localId: remote.integration_record_id }, () => linkOne(run, remote)),
      );
    if (items.length > 0) {
      await addToTotal(deps.db, loaded.connection.practiceId, run.batchId, items.length);
      if (await recordItems(deps.db, loaded.connection.practiceId, run.batchId, items)) return true;
    }
    if (page.items.length < PAGE) return false;
  }
}

async function linkOne(run: Run, remote: HintInvoice): Promise<BatchItem> {
  const { deps, loaded } = run;
  const localId = remote.integration_record_id!;
  const item = { entityKind: 'invoice', remoteId: remote.id, localId };
  if (await findLink(deps.db, loaded.connection.practiceId, loaded.connection.id, 'invoice', { remoteId: remote.id }))
    return { ...item, action: 'invoice_already_linked' };
  if (!(await recordExists(deps.db, loaded.connection.practiceId, invoices, localId)))
    return { ...item, localId: null, action: 'skip', message: 'integration_record_id is no invoice of this practice' };
  if (run.dryRun) return { ...item, action: 'invoice_link' };
  const outcome = await absorbInvoice(deps, loaded, remote);
  return { ...item, action: outcome === 'errored' ? 'invoice_error' : 'invoice_link' };
}

/** Canonical invoices no Hint invoice claimed: created in Hint (or, for an unlinked patient, errored). */
async function createUnlinked(run: Run): Promise<boolean> {
  const { deps, loaded } = run;
  let after: string | undefined;
  for (;;) {
    // An invoice whose link errored (no Hint invoice) is still to be created.
    const rows = await unlinkedIds(deps.db, invoices, loaded.connection.practiceId, loaded.connection.id, {
      after,
      limit: INVOICE_PAGE,
      remoteOnly: true,
    });
    const items: BatchItem[] = [];
    for (const id of rows) {
      if (run.dryRun) {
        items.push({ entityKind: 'invoice', localId: id, action: 'invoice_create_remote' });
        continue;
      }
      items.push(
        await oneInvoice({ localId: id }, async () => {
          const outcome = await pushInvoice(deps, loaded, id);
          const link = await findLink(deps.db, loaded.connection.practiceId, loaded.connection.id, 'invoice', {
            localId: id,
          });
          const action =
            outcome === 'created'
              ? 'invoice_create_remote'
              : outcome === 'errored'
                ? 'invoice_error'
                : `invoice_${outcome}`;
          return {
            entityKind: 'invoice',
            localId: id,
            remoteId: link?.remoteId ?? null,
            action,
            message: outcome === 'errored' ? (link?.errorMessage ?? 'see the log') : null,
          };
        }),
      );
    }
    if (items.length > 0) {
      await addToTotal(deps.db, loaded.connection.practiceId, run.batchId, items.length);
      if (await recordItems(deps.db, loaded.connection.practiceId, run.batchId, items)) return true;
    }
    if (rows.length < INVOICE_PAGE) return false;
    after = rows.at(-1)!;
  }
}

/** One invoice's failure is one report line; Hint unreachable ends the attempt (the job retries). */
async function oneInvoice(
  id: { remoteId?: string; localId?: string | null },
  work: () => Promise<BatchItem>,
): Promise<BatchItem> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HintApiError && error.retryable) throw error;
    const reason =
      error instanceof HintApiError
        ? `Hint ${error.status}`
        : error instanceof Error
          ? error.message.split('\n')[0]!.slice(0, 200)
          : 'failed';
    return {
      entityKind: 'invoice',
      remoteId: id.remoteId ?? null,
      localId: id.localId ?? null,
      action: 'invoice_error',
      message: reason,
    };
  }
}
