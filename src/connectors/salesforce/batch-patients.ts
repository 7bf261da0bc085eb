// Batch Hint patients → contacts (digest §12 step 4, scenarios 9–10): every Hint-linked patient
// without a contact is matched exactly on first name, last name and date of birth (one SOQL
// query per 200 patients, the full date re-checked here: some orgs compare birthdays without
// the year). A unique match is linked (the patient wins, blanks filled from the contact); none →
// a new contact in the Default Account only when "create a contact when no demographic match"
// is on; several → skipped and reported. Abort stops between pages of 200.
import { recordItems, type BatchItem } from '../../db/batches.ts';
import { findLinksByLocalId } from '../../db/links.ts';
import { linkedPatientsPage } from '../../db/patient-search.ts';
import { clientFor, type LoadedConnection, type SalesforceDeps } from './connection.ts';
import { readFields } from './contact-fields.ts';
import { nsName } from './mapping-fields.ts';
import { linkContact, type Contact } from './link.ts';
import { createContactForNewPatient } from './outbound-new-patient.ts';

const PAGE = 200;
const soql = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const key = (first: unknown, last: unknown, dob: unknown) =>
  `${String(first ?? '').toLowerCase()}|${String(last ?? '').toLowerCase()}|${String(dob ?? '')}`;

/** Runs the batch; true when it stopped because an abort was asked for. */
export async function runPatientsToContacts(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  batchId: string,
): Promise<boolean> {
  const { connection, settings } = loaded;
  const { practiceId } = connection;
  const client = clientFor(deps, loaded);
  let after: string | null = null;
  for (;;) {
    const page = await linkedPatientsPage(deps.db, practiceId, 'hint', after, PAGE);
    if (page.length === 0) return false;
    after = String(page.at(-1)!.id);
    const linked = await findLinksByLocalId(
      deps.db,
      practiceId,
      connection.id,
      'patient',
      page.map((p) => String(p.id)),
    );
    const todo = page.filter((p) => !linked.has(String(p.id)));
    const items: BatchItem[] = page
      .filter((p) => linked.has(String(p.id)))
      .map((p) => ({
        entityKind: 'patient',
        localId: String(p.id),
        remoteId: linked.get(String(p.id))!.remoteId,
        action: 'skipped-already-linked',
      }));
    const withDob = todo.filter((p) => p.dob);
    const byKey = new Map<string, Contact[]>();
    if (withDob.length) {
      const firsts = [...new Set(withDob.map((p) => soql(String(p.firstName))))];
      const lasts = [...new Set(withDob.map((p) => soql(String(p.lastName))))];
      const found = await client.query<Contact>(
        `SELECT ${readFields(settings).join(', ')} FROM Contact WHERE LastName IN (${lasts.join(', ')}) AND FirstName IN (${firsts.join(', ')})`,
      );
      for (const c of found) {
        const k = key(c.FirstName, c.LastName, c.Birthdate);
        byKey.set(k, [...(byKey.get(k) ?? []), c]);
      }
    }
    for (const p of todo) {
      const patientId = String(p.id);
      const matches = p.dob ? (byKey.get(key(p.firstName, p.lastName, p.dob)) ?? []) : [];
      const free = matches.filter((c) => c[nsName(settings.namespace, 'Synced_to_Hint__c')] !== true);
      if (matches.length > 1) {
        items.push({
          entityKind: 'patient',
          localId: patientId,
          action: 'skipped-multiple-matches',
          message: `${matches.length} contacts match`,
        });
      } else if (matches.length === 1 && free.length === 0) {
        items.push({
          entityKind: 'patient',
          localId: patientId,
          remoteId: matches[0]!.Id,
          action: 'skipped-already-linked',
          message: 'the contact is synced with another patient',
        });
      } else if (matches.length === 1) {
        const r = await linkContact(deps, loaded, matches[0]!.Id, patientId, {
          winner: 'patient',
          actor: `batch:${batchId}`,
          batchId,
          contact: matches[0]!,
          extraFields: { [nsName(settings.namespace, 'Last_Batch_Sync_Result__c')]: 'Linked' },
        });
        items.push({
          entityKind: 'patient',
          localId: patientId,
          remoteId: r.contactId,
          action: r.contactError ? 'error' : 'linked',
          message: r.contactError,
        });
      } else if (settings.createContactWhenNoMatch) {
        const outcome = await createContactForNewPatient(deps, loaded, patientId);
        items.push({
          entityKind: 'patient',
          localId: patientId,
          action: outcome === 'skipped' ? 'skipped-already-linked' : outcome,
        });
      } else {
        items.push({ entityKind: 'patient', localId: patientId, action: 'no-match' });
      }
    }
    if (await recordItems(deps.db, practiceId, batchId, items)) return true;
  }
}
