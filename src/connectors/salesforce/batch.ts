// Batch contacts → Hint patients from an uploaded report (digest §12 step 5, scenarios 11–13):
// contacts read 200 at a time (one collections retrieve each); a contact already linked (or
// Synced to Hint) is skipped; each other is matched exactly on first name, last name and date
// of birth against Hint-linked patients: several → skipped, none → no match, one → linked with
// the contact's values overwriting the patient's (blanks filled from the patient). Every
// touched contact gets the batch id in Last_Batch_Sync_Id__c and the outcome in
// Last_Batch_Sync_Result__c, so the report is also a Salesforce query. Abort stops between
// chunks of 200; what is done stays done. Results go to the hub's batch tables (the report).
import {
  createBatch,
  finishBatch,
  getBatch,
  recordItems,
  startBatch,
  addToTotal,
  type BatchItem,
} from '../../db/batches.ts';
import { findLink, findLinksByLocalId } from '../../db/links.ts';
import { findByDemographics } from '../../db/patient-search.ts';
import { enqueue } from '../../jobs/queue.ts';
import { IntegrationError } from '../../core/errors.ts';
import { clientFor, type LoadedConnection, type SalesforceDeps } from './connection.ts';
import { readFields } from './contact-fields.ts';
import { nsName } from './mapping-fields.ts';
import { linkContact, storeContactRefusal, type Contact } from './link.ts';
import { sfLog } from './log.ts';
import { queues } from './queues.ts';
import { runPatientsToContacts } from './batch-patients.ts';

export const CSV_KIND = 'salesforce:contacts-csv';
export const PATIENTS_KIND = 'salesforce:patients-to-contacts';
const CHUNK = 200;

type Outcome = 'Linked' | 'Skipped-Already-Linked' | 'Skipped-Multiple-Matches' | 'No-Match' | 'Error';
const ACTION: Record<Outcome, string> = {
  Linked: 'linked',
  'Skipped-Already-Linked': 'skipped-already-linked',
  'Skipped-Multiple-Matches': 'skipped-multiple-matches',
  'No-Match': 'no-match',
  Error: 'error',
};

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
  const { connection, settings } = loaded;
  const { practiceId } = connection;
  const batch = await getBatch(deps.db, practiceId, batchId);
  if (!batch || !['queued', 'running'].includes(batch.status)) return;
  if (!(await startBatch(deps.db, practiceId, batchId))) return;
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
  await addToTotal(deps.db, practiceId, batchId, ids.length + invalid.length);
  if (invalid.length)
    await recordItems(
      deps.db,
      practiceId,
      batchId,
      invalid.map((r) => ({
        entityKind: 'contact',
        remoteId: null,
        action: 'error',
        message: `line ${r.line}: "${r.value}" is not a Contact id`,
      })),
    );
  const client = clientFor(deps, loaded);
  const ns = settings.namespace;
  try {
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const contacts = await client.retrieve<Contact>('Contact', chunk, readFields(settings));
      const items: BatchItem[] = [];
      const writes: { record: Record<string, unknown>; item: BatchItem }[] = [];
      for (let j = 0; j < chunk.length; j++) {
        const c = contacts[j];
        if (!c) {
          items.push({
            entityKind: 'contact',
            remoteId: chunk[j]!,
            action: 'error',
            message: 'no such contact (unknown or deleted)',
          });
          continue;
        }
        const { outcome, patientId, message, write } = await oneContact(deps, loaded, c, batchId);
        const item: BatchItem = {
          entityKind: 'contact',
          remoteId: c.Id,
          localId: patientId ?? null,
          action: ACTION[outcome],
          message,
        };
        items.push(item);
        // Linked contacts carry the batch id in their link write; the others get a stamp.
        writes.push({
          item,
          record: write ?? {
            Id: c.Id,
            [nsName(ns, 'Last_Batch_Sync_Id__c')]: batchId,
            [nsName(ns, 'Last_Batch_Sync_Result__c')]: outcome,
          },
        });
      }
      await writeChunk(deps, loaded, writes);
      const abort = await recordItems(deps.db, practiceId, batchId, items);
      if (abort) {
        await finishBatch(deps.db, practiceId, batchId, 'aborted');
        await sfLog(deps, loaded, {
          level: 'debug',
          message: `Batch ${batchId} aborted after ${i + chunk.length} contacts`,
          operation: 'batch',
          batchId,
        });
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

async function oneContact(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  c: Contact,
  batchId: string,
): Promise<{ outcome: Outcome; patientId?: string; message?: string; write?: Record<string, unknown> }> {
  const { connection, settings } = loaded;
  const ns = settings.namespace;
  const link = await findLink(deps.db, connection.practiceId, connection.id, 'patient', { remoteId: c.Id });
  if (link || c[nsName(ns, 'Synced_to_Hint__c')] === true)
    return { outcome: 'Skipped-Already-Linked', patientId: link?.localId, message: 'the contact is already linked' };
  if (!c.FirstName || !c.LastName || !c.Birthdate)
    return { outcome: 'No-Match', message: 'the contact lacks a first name, last name or birthdate' };
  const found = await findByDemographics(
    deps.db,
    connection.practiceId,
    { firstName: String(c.FirstName), lastName: String(c.LastName), dob: String(c.Birthdate) },
    'hint',
  );
  if (found.length > 1) return { outcome: 'Skipped-Multiple-Matches', message: `${found.length} Hint patients match` };
  if (found.length === 0) return { outcome: 'No-Match' };
  const patientId = String(found[0]!.id);
  const taken = await findLinksByLocalId(deps.db, connection.practiceId, connection.id, 'patient', [patientId]);
  if (taken.size)
    return {
      outcome: 'Skipped-Already-Linked',
      patientId,
      message: `the patient is linked with contact ${taken.get(patientId)!.remoteId}`,
    };
  const result = await linkContact(deps, loaded, c.Id, patientId, {
    winner: 'contact',
    actor: `batch:${batchId}`,
    batchId,
    contact: c,
    extraFields: { [nsName(ns, 'Last_Batch_Sync_Result__c')]: 'Linked' },
    deferContactWrite: true,
  });
  return { outcome: 'Linked', patientId, write: { Id: c.Id, ...result.pendingContactFields } };
}

/**
 * One collections call per chunk for every contact the chunk touched: the linked ones (their
 * merged fields, link fields and batch id) and the others (batch id and outcome). A linked
 * contact Salesforce refuses keeps its link, errored with Salesforce's message, and is reported.
 */
async function writeChunk(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  writes: { record: Record<string, unknown>; item: BatchItem }[],
): Promise<void> {
  if (writes.length === 0) return;
  const results = await clientFor(deps, loaded).saveMany(
    'PATCH',
    'Contact',
    writes.map((w) => w.record),
  );
  for (let k = 0; k < writes.length; k++) {
    const r = results[k];
    const { item } = writes[k]!;
    if (!r || r.success) continue;
    const error = r.errors[0];
    if (item.action !== ACTION.Linked || !item.localId) continue; // a stamp that did not stick: the report has it
    item.action = ACTION.Error;
    item.message = await storeContactRefusal(
      deps,
      loaded,
      String(item.remoteId),
      item.localId,
      error?.statusCode ?? 'UNKNOWN',
      error?.message,
    );
  }
}
