// One chunk (up to 200 contacts) of the CSV batch "contacts → Hint patients", in a fixed
// number of round trips whatever its size: one collections read, three hub queries (the
// contacts' links, the demographic matches, the matched patients' links on both spokes), one
// collections write, then one transaction that stores everything (batch-store.ts). A run
// resumed after a crash (batch.ts) redoes the unrecorded chunk, recognising the contacts it had
// already stamped as linked by this batch.
import type { BatchItem } from '../../db/batches.ts';
import { findLinksByLocalId, findLinksByRemoteId, linksFor } from '../../db/links.ts';
import { findManyByDemographics, demographicKey } from '../../db/patient-search.ts';
import type { Json } from '../../db/records/repository.ts';
import { clientFor, type LoadedConnection, type SalesforceDeps } from './connection.ts';
import { readFields } from './contact-fields.ts';
import { nsName } from './mapping-fields.ts';
import { planLink, type Contact } from './link.ts';
import { ACTION, writeAndStore, type Entry, type Outcome } from './batch-store.ts';

/** Processes one chunk of contact ids; true when an abort was asked for (checked as the chunk is recorded). */
export async function runCsvChunk(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  batchId: string,
  ids: string[],
): Promise<boolean> {
  const entries = await planChunk(deps, loaded, batchId, ids);
  return writeAndStore(deps, loaded, batchId, 'contact', entries);
}

async function planChunk(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  batchId: string,
  ids: string[],
): Promise<Entry[]> {
  const { connection, settings } = loaded;
  const { practiceId } = connection;
  const ns = settings.namespace;
  const resultField = nsName(ns, 'Last_Batch_Sync_Result__c');
  const fields = [...new Set([...readFields(settings), resultField])];
  const contacts = await clientFor(deps, loaded).retrieve<Contact>('Contact', ids, fields);
  const found = contacts.filter((c): c is Contact => Boolean(c));
  const hubLinks = await findLinksByRemoteId(
    deps.db,
    practiceId,
    connection.id,
    'patient',
    found.map((c) => c.Id),
  );
  const person = (c: Contact) => ({
    firstName: String(c.FirstName ?? ''),
    lastName: String(c.LastName ?? ''),
    dob: String(c.Birthdate ?? ''),
  });
  // Synced to Hint by this very batch (a resumed run after its write, before its record): not a skip.
  const ownStamp = (c: Contact) => c[nsName(ns, 'Last_Batch_Sync_Id__c')] === batchId && c[resultField] === 'Linked';
  const candidates = found.filter(
    (c) =>
      !hubLinks.get(c.Id)?.remoteId &&
      (c[nsName(ns, 'Synced_to_Hint__c')] !== true || ownStamp(c)) &&
      c.FirstName &&
      c.LastName &&
      // Salesforce's dates are ISO; anything else matches nobody (and must not break the chunk's query).
      /^\d{4}-\d{2}-\d{2}$/.test(String(c.Birthdate ?? '')),
  );
  const matches = await findManyByDemographics(deps.db, practiceId, candidates.map(person), 'hint');
  const unique = candidates.flatMap((c) => {
    const m = matches.get(demographicKey(person(c))) ?? [];
    return m.length === 1 ? [String(m[0]!.id)] : [];
  });
  const taken = await findLinksByLocalId(deps.db, practiceId, connection.id, 'patient', unique);
  const spokes = await linksFor(deps.db, practiceId, 'patient', unique);
  const linkedHere = new Map<string, string>(); // patient → the contact this chunk links it with
  const stamp = (c: Contact, outcome: Outcome) => ({
    Id: c.Id,
    [nsName(ns, 'Last_Batch_Sync_Id__c')]: batchId,
    [resultField]: outcome,
  });
  const entries: Entry[] = [];
  for (let j = 0; j < ids.length; j++) {
    const c = contacts[j];
    if (!c) {
      entries.push({ item: item(ids[j]!, 'Error', null, 'no such contact (unknown or deleted)') });
      continue;
    }
    const decided = decide(c);
    if (decided.outcome !== 'Linked') {
      entries.push({
        item: item(c.Id, decided.outcome, decided.patientId ?? null, decided.message),
        write: stamp(c, decided.outcome),
      });
      continue;
    }
    const patient = decided.patient;
    const patientId = String(patient.id);
    const hintLink = (spokes.get(patientId) ?? []).find((l) => l.system === 'hint' && l.remoteId);
    const hint = { hintPatientId: hintLink?.remoteId ?? null, facts: hintLink?.remoteData ?? {} };
    const plan = await planLink(deps, loaded, c, patient, hint, {
      winner: 'contact',
      batchId,
      extraFields: { [resultField]: 'Linked' },
    });
    linkedHere.set(patientId, c.Id);
    entries.push({
      item: item(c.Id, 'Linked', patientId),
      write: { Id: c.Id, ...plan.fields },
      link: { patientId, plan, hintPatientId: hint.hintPatientId },
    });
  }
  return entries;

  function decide(
    c: Contact,
  ):
    | { outcome: Exclude<Outcome, 'Linked'>; patientId?: string; message?: string }
    | { outcome: 'Linked'; patient: Json } {
    const link = hubLinks.get(c.Id);
    if (link?.remoteId || (c[nsName(ns, 'Synced_to_Hint__c')] === true && !ownStamp(c)))
      return { outcome: 'Skipped-Already-Linked', patientId: link?.localId, message: 'the contact is already linked' };
    if (!c.FirstName || !c.LastName || !c.Birthdate)
      return { outcome: 'No-Match', message: 'the contact lacks a first name, last name or birthdate' };
    const m = matches.get(demographicKey(person(c))) ?? [];
    if (m.length > 1) return { outcome: 'Skipped-Multiple-Matches', message: `${m.length} Hint patients match` };
    if (m.length === 0) return { outcome: 'No-Match' };
    const patientId = String(m[0]!.id);
    const other = taken.get(patientId)?.remoteId ?? linkedHere.get(patientId);
    if (other)
      return {
        outcome: 'Skipped-Already-Linked',
        patientId,
        message: `the patient is linked with contact ${other}`,
      };
    return { outcome: 'Linked', patient: m[0]! };
  }
}

const item = (remoteId: string, outcome: Outcome, localId: string | null, message?: string): BatchItem => ({
  entityKind: 'contact',
  remoteId,
  localId,
  action: ACTION[outcome],
  message: message ?? null,
});
