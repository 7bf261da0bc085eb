// Batch Hint patients → contacts (digest §12 step 4, scenarios 9–10): every Hint-linked patient
// without a contact is matched exactly on first name, last name and date of birth (one SOQL
// query per 200 patients, the full date re-checked here: some orgs compare birthdays without
// the year). A unique match is linked (the patient wins, blanks filled from the contact); none →
// a new contact in the Default Account only when "create a contact when no demographic match"
// is on; several → skipped and reported. Each page costs one SOQL query, one collections write
// and one hub transaction (batch-store.ts), whatever its size; a contact linked in Tandem alone
// with another patient, and new contacts, still go one at a time. Abort stops between pages of
// 200. A resumed run starts after the last page recorded; links made one at a time in an
// unrecorded page are then reported as already linked (never linked twice).
import { recordedIds, type BatchItem } from '../../db/batches.ts';
import { findLinksByLocalId, findLinksByRemoteId, linksFor } from '../../db/links.ts';
import { linkedPatientsPage } from '../../db/patient-search.ts';
import { clientFor, type LoadedConnection, type SalesforceDeps } from './connection.ts';
import { readFields } from './contact-fields.ts';
import { nsName } from './mapping-fields.ts';
import { linkContact, planLink, type Contact } from './link.ts';
import { writeAndStore, type Entry } from './batch-store.ts';
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
  // A resumed run (its worker killed) starts after the last page it recorded: pages go in id order.
  let after: string | null = [...(await recordedIds(deps.db, practiceId, batchId, 'local'))].sort().at(-1) ?? null;
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
    const hubLinks = await findLinksByRemoteId(
      deps.db,
      practiceId,
      connection.id,
      'patient',
      [...byKey.values()].flat().map((c) => c.Id),
    );
    const spokes = await linksFor(
      deps.db,
      practiceId,
      'patient',
      todo.map((p) => String(p.id)),
    );
    const entries: Entry[] = items.map((item) => ({ item }));
    const taken = new Map<string, string>(); // contact → the patient this page links it with
    for (const p of todo) {
      const patientId = String(p.id);
      const matches = p.dob ? (byKey.get(key(p.firstName, p.lastName, p.dob)) ?? []) : [];
      const free = matches.filter((c) => c[nsName(settings.namespace, 'Synced_to_Hint__c')] !== true);
      const item = (action: string, remoteId?: string, message?: string): BatchItem => ({
        entityKind: 'patient',
        localId: patientId,
        remoteId: remoteId ?? null,
        action,
        message: message ?? null,
      });
      if (matches.length > 1) {
        entries.push({ item: item('skipped-multiple-matches', undefined, `${matches.length} contacts match`) });
      } else if (matches.length === 1 && (free.length === 0 || taken.has(matches[0]!.Id))) {
        entries.push({
          item: item('skipped-already-linked', matches[0]!.Id, 'the contact is synced with another patient'),
        });
      } else if (matches.length === 1 && hubLinks.get(matches[0]!.Id)?.remoteId) {
        // The contact is linked with another patient in Tandem only: linkContact unlinks it first (audited).
        const r = await linkContact(deps, loaded, matches[0]!.Id, patientId, {
          winner: 'patient',
          actor: `batch:${batchId}`,
          batchId,
          contact: matches[0]!,
          extraFields: { [nsName(settings.namespace, 'Last_Batch_Sync_Result__c')]: 'Linked' },
        });
        entries.push({ item: item(r.contactError ? 'error' : 'linked', r.contactId, r.contactError ?? undefined) });
      } else if (matches.length === 1) {
        const contact = matches[0]!;
        const hintLink = (spokes.get(patientId) ?? []).find((l) => l.system === 'hint' && l.remoteId);
        const hint = { hintPatientId: hintLink?.remoteId ?? null, facts: hintLink?.remoteData ?? {} };
        const plan = await planLink(deps, loaded, contact, p, hint, {
          winner: 'patient',
          batchId,
          extraFields: { [nsName(settings.namespace, 'Last_Batch_Sync_Result__c')]: 'Linked' },
        });
        taken.set(contact.Id, patientId);
        entries.push({
          item: item('linked', contact.Id),
          write: { Id: contact.Id, ...plan.fields },
          link: { patientId, plan, hintPatientId: hint.hintPatientId },
        });
      } else if (settings.createContactWhenNoMatch) {
        const outcome = await createContactForNewPatient(deps, loaded, patientId);
        entries.push({ item: item(outcome === 'skipped' ? 'skipped-already-linked' : outcome) });
      } else {
        entries.push({ item: item('no-match') });
      }
    }
    if (await writeAndStore(deps, loaded, batchId, 'patient', entries)) return true;
  }
}
