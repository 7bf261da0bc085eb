// Storing a batch's chunk of planned links (CSV contacts → patients, Hint patients → contacts):
// one collections write for every contact the chunk touched, then one hub transaction for
// everything else — the patients' changes with their outbox and audit rows (one multi-row
// update), the links, their audits, the logs and the report's items. The Salesforce write
// comes first and the items are recorded in the transaction with the links, so a chunk is
// recorded whole or not at all: a resumed run redoes an unrecorded chunk and skips a recorded one.
import { recordItems, type BatchItem } from '../../db/batches.ts';
import { writeAudits } from '../../db/audit.ts';
import { upsertSyncedLinks } from '../../db/links.ts';
import { writeLogs } from '../../db/logs.ts';
import { inTransaction, type Tx } from '../../db/pool.ts';
import { patients } from '../../db/records/kinds.ts';
import { RecordsGoneError, updateRecords } from '../../db/records/update-many.ts';
import { ConflictError, ValidationError } from '../../core/errors.ts';
import { refusalMessage } from './client.ts';
import { clientFor, writeContext, type LoadedConnection, type SalesforceDeps } from './connection.ts';
import { nsName } from './mapping-fields.ts';
import type { LinkPlan } from './link.ts';
import { hubEntries, mirrorLogs, type SfLogEntry } from './log.ts';

export type Outcome = 'Linked' | 'Skipped-Already-Linked' | 'Skipped-Multiple-Matches' | 'No-Match' | 'Error';
export const ACTION: Record<Outcome, string> = {
  Linked: 'linked',
  'Skipped-Already-Linked': 'skipped-already-linked',
  'Skipped-Multiple-Matches': 'skipped-multiple-matches',
  'No-Match': 'no-match',
  Error: 'error',
};

/**
 * One record's fate in the chunk: its report item (whose remoteId is the contact), its
 * Salesforce write, and (when linked) its plan.
 */
export interface Entry {
  item: BatchItem;
  write?: Record<string, unknown>;
  link?: { patientId: string; plan: LinkPlan; hintPatientId: string | null };
  /** Salesforce refused the contact's write: the code and the fields' API names, for the log (no values). */
  refusal?: string;
}

type Winner = 'contact' | 'patient';

/** The chunk's contacts written, then its hub side stored; true when an abort was asked for. */
export async function writeAndStore(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  batchId: string,
  winner: Winner,
  entries: Entry[],
): Promise<boolean> {
  await writeContacts(deps, loaded, entries);
  const abort = await storeChunk(deps, loaded, batchId, winner, entries);
  await mirrorLogs(
    deps,
    loaded,
    linkLogs(
      batchId,
      winner,
      entries.filter((e) => e.link),
    ),
  );
  return abort;
}

/**
 * One collections call for every contact the chunk touched: the linked ones (merged fields,
 * link fields, batch id) and the others (batch id and outcome). A linked contact Salesforce
 * refuses is still linked, its link errored with Salesforce's message, and reported as an error.
 */
async function writeContacts(deps: SalesforceDeps, loaded: LoadedConnection, entries: Entry[]): Promise<void> {
  const writing = entries.filter((e) => e.write);
  if (writing.length === 0) return;
  const results = await clientFor(deps, loaded).saveMany(
    'PATCH',
    'Contact',
    writing.map((e) => e.write!),
  );
  writing.forEach((e, k) => {
    const r = results[k];
    if (!r || r.success || !e.link) return; // a stamp that did not stick: the report has the outcome
    const error = r.errors[0];
    e.item.action = ACTION.Error;
    const code = error?.statusCode ?? error?.errorCode ?? 'UNKNOWN';
    e.item.message = refusalMessage(code, error?.message);
    // Salesforce's message quotes the refused value (an e-mail, a name): the report and the link
    // show it, the log names only the code and the fields.
    e.refusal = `Salesforce refused the update: ${code}${error?.fields?.length ? ` on ${error.fields.join(', ')}` : ''}`;
  });
}

/**
 * The chunk's hub writes in one transaction; returns whether an abort was asked for. When the
 * hub refuses the chunk (a patient deleted meanwhile, a rule of the record), each link is
 * stored on its own instead and the ones refused are reported as errors (their contacts' link
 * fields cleared again), so one bad record never holds up 199 good ones.
 */
async function storeChunk(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  batchId: string,
  winner: Winner,
  entries: Entry[],
): Promise<boolean> {
  const { practiceId } = loaded.connection;
  const items = entries.map((e) => e.item);
  try {
    return await inTransaction(
      deps.db,
      async (tx) => {
        await storeLinks(tx, loaded, batchId, winner, entries);
        return recordItems(tx, practiceId, batchId, items);
      },
      { retryConflicts: true },
    );
  } catch (error) {
    if (!refusedByHub(error)) throw error;
  }
  const undo: Entry[] = [];
  for (const e of entries.filter((x) => x.link)) {
    try {
      await inTransaction(deps.db, (tx) => storeLinks(tx, loaded, batchId, winner, [e]), { retryConflicts: true });
    } catch (error) {
      if (!refusedByHub(error)) throw error;
      e.item.action = ACTION.Error;
      e.item.message = `the patient could not be updated: ${(error as Error).message}`;
      e.link = undefined; // not linked after all: no link log, and its contact is told so below
      undo.push(e);
    }
  }
  if (undo.length)
    await clientFor(deps, loaded).saveMany(
      'PATCH',
      'Contact',
      undo.map((e) => ({
        Id: e.item.remoteId,
        [nsName(loaded.settings.namespace, 'Hint_Patient_Id__c')]: null,
        [nsName(loaded.settings.namespace, 'Synced_to_Hint__c')]: false,
        [nsName(loaded.settings.namespace, 'Last_Batch_Sync_Result__c')]: 'Error',
      })),
    );
  return recordItems(deps.db, practiceId, batchId, items);
}

const refusedByHub = (e: unknown) =>
  e instanceof RecordsGoneError || e instanceof ValidationError || e instanceof ConflictError;

/** Patients (with outbox and audit rows), links, link audits and logs of these entries, in `tx`. */
async function storeLinks(
  tx: Tx,
  loaded: LoadedConnection,
  batchId: string,
  winner: Winner,
  entries: Entry[],
): Promise<void> {
  const { connection } = loaded;
  const { practiceId } = connection;
  const linked = entries.filter((e) => e.link);
  if (linked.length === 0) return;
  await updateRecords(
    tx,
    writeContext(connection),
    patients,
    linked.flatMap((e) => (e.link!.plan.patch ? [{ id: e.link!.patientId, patch: e.link!.plan.patch }] : [])),
  );
  await upsertSyncedLinks(
    tx,
    { practiceId, connectionId: connection.id, entityKind: 'patient' },
    linked.map((e) => {
      const refused = e.item.action === ACTION.Error;
      return {
        localId: e.link!.patientId,
        remoteId: String(e.item.remoteId),
        status: refused ? 'errored' : 'synced',
        errorMessage: refused ? (e.item.message ?? null) : null,
        remoteData: refused ? e.link!.plan.remoteDataIfRefused : e.link!.plan.remoteData,
      };
    }),
  );
  await writeAudits(
    tx,
    linked.map((e) => ({
      practiceId,
      actor: `batch:${batchId}`,
      action: 'salesforce.linked',
      entityKind: 'patient',
      entityId: e.link!.patientId,
      fields: ['salesforce'],
    })),
  );
  await writeLogs(tx, practiceId, hubEntries(connection.id, linkLogs(batchId, winner, linked)));
}

function linkLogs(batchId: string, winner: Winner, linked: Entry[]): SfLogEntry[] {
  return linked.map((e) => {
    const refused = e.item.action === ACTION.Error;
    return {
      level: refused ? 'error' : 'debug',
      message: refused
        ? `Contact ${e.item.remoteId} linked with patient ${e.link!.patientId}, but ${e.refusal ?? e.item.message}`
        : `Contact ${e.item.remoteId} linked with patient ${e.link!.patientId} (${winner} wins)`,
      operation: 'link',
      contactId: String(e.item.remoteId),
      patientId: e.link!.patientId,
      hintPatientId: e.link!.hintPatientId,
      batchId,
    };
  });
}
