// A new patient from a connected system (Hint's webhook, typically) meets Salesforce (digest
// §12 step 3, scenarios 6–8): contacts with exactly its first name, last name and date of birth
// are looked up; one not yet synced is linked (the patient wins, blanks filled from the
// contact); an already-synced one, or several, are left and logged; none → a new contact in the
// Default Account when "create a contact when no demographic match" is on. A blocking duplicate
// rule refusing that contact counts as several matches (scenario 16): logged at Error, no retry.
import { createLinkIfAbsent, findLink, upsertLink } from '../../db/links.ts';
import { inTransaction } from '../../db/pool.ts';
import { patients } from '../../db/records/kinds.ts';
import { getRecord } from '../../db/records/repository.ts';
import { NotFoundError } from '../../core/errors.ts';
import type { TaskContext } from '../../jobs/types.ts';
import { duplicateMatchIds, sfCode } from './client.ts';
import { clientFor, type LoadedConnection, type SalesforceDeps } from './connection.ts';
import { linkFieldValues, readFields } from './contact-fields.ts';
import { nsName } from './mapping-fields.ts';
import { contactFields, patientValues } from './mapping.ts';
import { hintSideOf } from './outbound-contact.ts';
import { linkContact, type Contact } from './link.ts';
import { sfLog } from './log.ts';
import { jobKeys, queues } from './queues.ts';

const soqlString = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Contacts with exactly this first name, last name and birthdate (names compared case-insensitively, the date in full). */
export async function contactsByDemographics(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  person: { firstName: string; lastName: string; dob: string },
): Promise<Contact[]> {
  const soql = `SELECT ${readFields(loaded.settings).join(', ')} FROM Contact WHERE FirstName = ${soqlString(person.firstName)} AND LastName = ${soqlString(person.lastName)} AND Birthdate = ${person.dob}`;
  const found = await clientFor(deps, loaded).query<Contact>(soql);
  // Re-check what the query returned: some orgs compare birthdays ignoring the year.
  return found.filter(
    (c) =>
      c.Birthdate === person.dob &&
      String(c.FirstName ?? '').toLowerCase() === person.firstName.toLowerCase() &&
      String(c.LastName ?? '').toLowerCase() === person.lastName.toLowerCase(),
  );
}

export async function createContactForNewPatient(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  patientId: string,
  ctx?: Pick<TaskContext, 'enqueue'>,
): Promise<'linked' | 'created' | 'skipped' | 'no-match'> {
  const { connection, settings } = loaded;
  if (await findLink(deps.db, connection.practiceId, connection.id, 'patient', { localId: patientId }))
    return 'skipped';
  let patient: Record<string, unknown>;
  try {
    patient = await getRecord(deps.db, connection.practiceId, patients, patientId);
  } catch (e) {
    if (e instanceof NotFoundError) return 'skipped';
    throw e;
  }
  const log = (level: 'debug' | 'error', message: string, contactId?: string) =>
    sfLog(deps, loaded, { level, message, operation: 'new-patient', patientId, contactId });
  const matches = patient.dob
    ? await contactsByDemographics(deps, loaded, {
        firstName: String(patient.firstName),
        lastName: String(patient.lastName),
        dob: String(patient.dob),
      })
    : [];
  const syncedField = nsName(settings.namespace, 'Synced_to_Hint__c');
  if (matches.length > 1) {
    await log(
      'debug',
      `New patient ${patientId}: ${matches.length} contacts match on name and date of birth; none linked`,
    );
    return 'skipped';
  }
  if (matches.length === 1) {
    const contact = matches[0]!;
    if (contact[syncedField] === true) {
      await log(
        'debug',
        `New patient ${patientId}: contact ${contact.Id} matches but is already synced; not taken`,
        contact.Id,
      );
      return 'skipped';
    }
    await linkContact(deps, loaded, contact.Id, patientId, {
      winner: 'patient',
      actor: `connection:${connection.id}`,
      contact,
    });
    return 'linked';
  }
  if (!settings.createContactWhenNoMatch) {
    await log(
      'debug',
      `New patient ${patientId}: no contact matches; none created ("create a contact when no match" is off)`,
    );
    return 'no-match';
  }
  const hint = await hintSideOf(deps.db, connection.practiceId, patientId);
  const values = patientValues(patient, hint.facts);
  const fields: Record<string, unknown> = {
    ...contactFields(values, settings.fieldMapping, settings.namespace),
    ...linkFieldValues(settings, hint.hintPatientId),
    ...(settings.defaultAccountId ? { AccountId: settings.defaultAccountId } : {}),
  };
  for (const [k, v] of Object.entries(fields)) if (v === null) delete fields[k];
  let contactId: string;
  try {
    contactId = await clientFor(deps, loaded).create('Contact', fields);
  } catch (e) {
    // The Hint patient id is unique on contacts: a person who linked the patient by hand
    // meanwhile gave it to their contact, and Salesforce refuses a second one. Theirs stands.
    if (
      sfCode(e) === 'DUPLICATE_VALUE' &&
      (await findLink(deps.db, connection.practiceId, connection.id, 'patient', { localId: patientId }))
    ) {
      await log('debug', `New patient ${patientId}: linked by hand meanwhile; no contact made`);
      return 'skipped';
    }
    // A blocking duplicate rule (an alert-only one is saved by the client): Salesforce knows
    // contacts like this one, so it is the "several matches" case — left for staff, not retried.
    if (sfCode(e) !== 'DUPLICATES_DETECTED') throw e;
    const ids = duplicateMatchIds(e);
    await log(
      'error',
      `New patient ${patientId}: Salesforce's duplicate rule blocked a new contact (DUPLICATES_DETECTED; it matches ${ids.length ? ids.join(', ') : 'existing contacts'}); none created — link one by hand`,
      ids.length === 1 ? ids[0] : undefined,
    );
    return 'skipped';
  }
  const key = {
    practiceId: connection.practiceId,
    connectionId: connection.id,
    entityKind: 'patient' as const,
    localId: patientId,
    remoteId: contactId,
  };
  // A person may have linked the patient by hand ("Sync to Hint") while the contact was being
  // made: their choice stands, and the contact just made, known to nobody yet, is taken back.
  // (In one transaction, a hand link racing the fill-in waits for it and then replaces it.)
  const ours = await inTransaction(deps.db, async (tx) => {
    if (!(await createLinkIfAbsent(tx, key, 'synced'))) return false;
    await upsertLink(tx, key, {
      status: 'synced',
      remoteState: 'active',
      remoteData: { agreed: values, hintPatientId: hint.hintPatientId },
      synced: true,
    });
    return true;
  });
  if (!ours) {
    await takeBack(deps, loaded, patientId, contactId, log);
    // The hand link's write to its contact may have been refused while ours held the patient's
    // Hint id (DUPLICATE_VALUE): with ours gone, a push writes it again (nothing when it stood).
    const hand = await findLink(deps.db, connection.practiceId, connection.id, 'patient', { localId: patientId });
    if (hand) await pushSoon(loaded, patientId, hand.remoteId, ctx);
    return 'skipped';
  }
  await log('debug', `New patient ${patientId}: contact ${contactId} created`, contactId);
  // Hint's id may arrive after this: a push shortly after writes it if it changed.
  await pushSoon(loaded, patientId, contactId, ctx);
  return 'created';
}

/** A push of the patient to its contact in 3 s (the patient's push job key: one at a time). */
async function pushSoon(
  loaded: LoadedConnection,
  patientId: string,
  contactId: string,
  ctx: Pick<TaskContext, 'enqueue'> | undefined,
): Promise<void> {
  const { connection } = loaded;
  await ctx?.enqueue(
    'salesforce:push-contact',
    { practiceId: connection.practiceId, connectionId: connection.id, patientId },
    {
      queue: queues.record(connection.id, contactId),
      jobKey: jobKeys.push(connection.id, patientId),
      runAt: new Date(Date.now() + 3000),
    },
  );
}

/** The contact made for a patient someone linked meanwhile: deleted, or left and said when that fails. */
async function takeBack(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  patientId: string,
  contactId: string,
  log: (level: 'debug' | 'error', message: string, contactId?: string) => Promise<unknown>,
): Promise<void> {
  try {
    await clientFor(deps, loaded).remove('Contact', contactId);
    await log(
      'debug',
      `New patient ${patientId}: linked by hand meanwhile; contact ${contactId} just made is deleted`,
      contactId,
    );
  } catch (e) {
    await log(
      'error',
      `New patient ${patientId}: linked by hand meanwhile; contact ${contactId} just made could not be deleted (${sfCode(e) ?? 'error'}): delete it in Salesforce`,
      contactId,
    );
  }
}
