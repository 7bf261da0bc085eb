// Batch contacts → Hint patients from an uploaded report (digest §12 step 5, scenarios 11–13):
// contacts read 200 at a time (one collections retrieve each); a contact already linked (or
// Synced to Hint) is skipped; each other is matched exactly on first name, last name and date
// of birth against Hint-linked patients: several → skipped, none → no match, one → linked with
// the contact's values overwriting the patient's (blanks filled from the patient). Every
// touched contact gets the batch id in Last_Batch_Sync_Id__c and the outcome in
// Last_Batch_Sync_Result__c, so the report is also a Salesforce query. Each chunk of 200 costs
// a fixed number of calls and round trips (batch-csv-chunk.ts) and is recorded whole or not at
// all. Abort stops between chunks: what is done stays done, the rest is reported as not
// processed. A retried job resumes after the contacts already recorded. Results go to the
// hub's batch tables (the report).
import {
  createBatch,
  finishBatch,
  getBatch,
  recordItems,
  recordedIds,
  resumeBatch,
  setTotalOnce,
} from '../../db/batches.ts';
import { inTransaction } from '../../db/pool.ts';
import { enqueue } from '../../jobs/queue.ts';
import { IntegrationError } from '../../core/errors.ts';
import { type LoadedConnection, type SalesforceDeps } from './connection.ts';
import { runCsvChunk } from './batch-csv-chunk.ts';
import { sfLog } from './log.ts';
import { queues } from './queues.ts';
import { runPatientsToContacts } from './batch-patients.ts';

export const CSV_KIND = 'salesforce:contacts-csv';
export const PATIENTS_KIND = 'salesforce:patients-to-contacts';
const CHUNK = 200;

export async function startCsvBatch(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  ids: string[],
  invalid: { line: number; value: string }[],
) {
  return startBatchOf(deps, loaded, CSV_KIND, { contactIds: ids, invalid });
}

export async function startBatchOf(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  kind: string,
  params: Record<string, unknown>,
) {
  const { connection } = loaded;
  const batch = await createBatch(deps.db, {
    practiceId: connection.practiceId,
    connectionId: connection.id,
    kind,
    dryRun: false,
    params,
  });
  await enqueue(
    deps.db,
    'salesforce:batch',
    { practiceId: connection.practiceId, connectionId: connection.id, batchId: batch.id },
    { queue: queues.batch(connection.id), maxAttempts: 3 },
  );
  return batch;
}

export async function runBatch(deps: SalesforceDeps, loaded: LoadedConnection, batchId: string): Promise<void> {
  const { connection } = loaded;
  const { practiceId } = connection;
  const batch = await getBatch(deps.db, practiceId, batchId);
  if (!batch || !['queued', 'running'].includes(batch.status)) return;
  // A retried job (its worker killed mid-batch) resumes after what the first attempt recorded.
  if (!(await resumeBatch(deps.db, practiceId, batchId))) return;
  if (batch.kind === PATIENTS_KIND) {
    const aborted = await runPatientsToContacts(deps, loaded, batchId);
    await finishBatch(deps.db, practiceId, batchId, aborted ? 'aborted' : 'completed');
    await sfLog(deps, loaded, {
      level: 'debug',
      message: `Batch ${batchId} ${aborted ? 'aborted' : 'completed'}`,
      operation: 'batch',
      batchId,
    });
    return;
  }
  const ids = (batch.params.contactIds as string[] | undefined) ?? [];
  const invalid = (batch.params.invalid as { line: number; value: string }[] | undefined) ?? [];
  await inTransaction(deps.db, async (tx) => {
    if (!(await setTotalOnce(tx, practiceId, batchId, ids.length + invalid.length))) return;
    if (invalid.length)
      await recordItems(
        tx,
        practiceId,
        batchId,
        invalid.map((r) => ({
          entityKind: 'contact',
          remoteId: null,
          action: 'error',
          message: `line ${r.line}: "${r.value}" is not a Contact id`,
        })),
      );
  });
  // 15-character prefixes: the export may hold either form of an id, the report holds 18.
  const done = new Set([...(await recordedIds(deps.db, practiceId, batchId))].map((id) => id.slice(0, 15)));
  const todo = ids.filter((id) => !done.has(id.slice(0, 15)));
  try {
    for (let i = 0; i < todo.length; i += CHUNK) {
      const chunk = todo.slice(i, i + CHUNK);
      if (await runCsvChunk(deps, loaded, batchId, chunk)) {
        await abortRest(deps, loaded, batchId, todo.slice(i + chunk.length), done.size + i + chunk.length);
        return;
      }
    }
  } catch (e) {
    if (e instanceof IntegrationError && !e.retryable) {
      await finishBatch(deps.db, practiceId, batchId, 'failed', `${e.code}: ${e.detail ?? e.message}`);
      await sfLog(deps, loaded, {
        level: 'error',
        message: `Batch ${batchId} failed: ${e.code}`,
        operation: 'batch',
        batchId,
      });
      return;
    }
    throw e;
  }
  await finishBatch(deps.db, practiceId, batchId, 'completed');
  await sfLog(deps, loaded, {
    level: 'debug',
    message: `Batch ${batchId} completed (${ids.length} contacts)`,
    operation: 'batch',
    batchId,
  });
}

/**
 * An abort lands between chunks: every chunk before it is done whole, every contact after it
 * is untouched in both systems and reported as not processed (so the report lists every id).
 */
async function abortRest(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  batchId: string,
  rest: string[],
  processed: number,
): Promise<void> {
  const { practiceId } = loaded.connection;
  await inTransaction(deps.db, async (tx) => {
    await recordItems(
      tx,
      practiceId,
      batchId,
      rest.map((id) => ({
        entityKind: 'contact',
        remoteId: id,
        action: 'not-processed',
        message: 'the batch was aborted before this contact',
      })),
      { progress: false },
    );
    await finishBatch(tx, practiceId, batchId, 'aborted');
  });
  await sfLog(deps, loaded, {
    level: 'debug',
    message: `Batch ${batchId} aborted after ${processed} contacts`,
    operation: 'batch',
    batchId,
  });
}
