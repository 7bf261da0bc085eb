// A contact changed in Salesforce (a change event or a poll): its current state is read and
// the fields that differ from the link's snapshot — the ones Salesforce changed — are written
// to the canonical patient (the hub then carries them to Hint). Fields Tandem changed since
// stay. Contacts with no link are left alone: linking is a person's decision ("Sync to Hint").
// A deleted contact leaves the patient in place and marks the link.
import { IntegrationError, NotFoundError } from '../../core/errors.ts';
import { findLink, patchLink, type Link } from '../../db/links.ts';
import { patients } from '../../db/records/kinds.ts';
import { getRecord, updateRecord } from '../../db/records/repository.ts';
import { clientFor, writeContext, type LoadedConnection, type SalesforceDeps } from './connection.ts';
import { agreedOf, readFields } from './contact-fields.ts';
import {
  changedKeys,
  contactValues,
  patientPatch,
  patientValues,
  readsFromSalesforce,
  writesToSalesforce,
  type Values,
} from './mapping.ts';
import { hintSideOf } from './outbound-contact.ts';
import { SALESFORCE_REFUSED } from './client.ts';
import { sfLog } from './log.ts';
import { checkPatientInput, countryOf } from './validate.ts';

export async function applyContact(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  contactId: string,
  deleted: boolean,
): Promise<'unlinked' | 'deleted' | 'unchanged' | 'applied'> {
  const { connection, settings } = loaded;
  const link = await findLink(deps.db, connection.practiceId, connection.id, 'patient', { remoteId: contactId });
  if (!link) return 'unlinked';
  if (deleted) return markDeleted(deps, loaded, link);
  let contact: Record<string, unknown>;
  try {
    contact = await clientFor(deps, loaded).get('Contact', contactId, readFields(settings));
  } catch (e) {
    if (e instanceof IntegrationError && (e.code === 'ENTITY_IS_DELETED' || e.code === 'NOT_FOUND'))
      return markDeleted(deps, loaded, link);
    throw e;
  }
  const country = await countryOf(deps.db, connection.practiceId);
  const { values, problems } = contactValues(contact, settings.fieldMapping, settings.namespace, country);
  const agreed = agreedOf(link);
  const keys = settings.fieldMapping.filter(readsFromSalesforce).map((r) => r.canonical);
  const changed = changedKeys(values, agreed, keys).filter((k) => k in values);
  if (changed.length === 0 && problems.length === 0 && link.remoteState !== 'deleted') return 'unchanged';
  const changes: Values = Object.fromEntries(changed.map((k) => [k, values[k] ?? null]));
  let refused: string[] = problems.map((p) => `${p.field} ${p.message}`);
  let applied: Values = changes;
  if (changed.length > 0) {
    let patient: Record<string, unknown>;
    try {
      patient = await getRecord(deps.db, connection.practiceId, patients, link.localId);
    } catch (e) {
      if (e instanceof NotFoundError) return 'unchanged'; // deleted in Tandem: nothing to update
      throw e;
    }
    const checked = await checkPatientInput(deps.db, connection.practiceId, patientPatch(patient, changes), 'patch');
    refused = [...refused, ...checked.refused];
    if (checked.value && Object.keys(checked.value).length > 0)
      await updateRecord(deps.db, writeContext(connection), patients, link.localId, checked.value);
    if (!checked.value) applied = {};
  }
  const agreedAfter = { ...agreed, ...applied };
  const errorMessage = refused.length
    ? `Tandem refused from Salesforce: ${refused.slice(0, 3).join('; ')}`
    : await standingRefusal(deps, loaded, link, agreedAfter);
  await patchLink(deps.db, link.practiceId, link.id, {
    status: errorMessage ? 'errored' : 'synced',
    errorMessage,
    remoteState: 'active',
    remoteData: { agreed: agreedAfter },
    synced: true,
  });
  await sfLog(deps, loaded, {
    level: errorMessage ? 'error' : 'debug',
    message:
      errorMessage ?? `Contact ${contactId} → patient ${link.localId}: ${changed.join(', ') || 'no field'} changed`,
    operation: 'contact-changed',
    contactId,
    patientId: link.localId,
  });
  return 'applied';
}

/**
 * Salesforce's refusal of Tandem's last write to the contact, while it still stands: the patient
 * holds values the contact has not taken. A change made in Salesforce to other fields does not
 * clear it; the next accepted write does (pushContact), or the contact coming to agree.
 */
async function standingRefusal(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  link: Link,
  agreed: Values,
): Promise<string | null> {
  if (link.status !== 'errored' || !link.errorMessage?.startsWith(SALESFORCE_REFUSED)) return null;
  const { practiceId } = loaded.connection;
  const patient = await getRecord(deps.db, practiceId, patients, link.localId).catch((e: unknown) => {
    if (e instanceof NotFoundError) return null; // deleted in Tandem: nothing left to write
    throw e;
  });
  if (!patient) return null;
  const hint = await hintSideOf(deps.db, practiceId, link.localId);
  const keys = loaded.settings.fieldMapping.filter(writesToSalesforce).map((r) => r.canonical);
  return changedKeys(patientValues(patient, hint.facts), agreed, keys).length > 0 ? link.errorMessage : null;
}

async function markDeleted(deps: SalesforceDeps, loaded: LoadedConnection, link: Link): Promise<'deleted'> {
  if (link.remoteState === 'deleted') return 'deleted';
  await patchLink(deps.db, link.practiceId, link.id, {
    status: 'errored',
    remoteState: 'deleted',
    errorMessage: 'The contact was deleted in Salesforce; the patient stays. Undelete it there, or unlink.',
  });
  await sfLog(deps, loaded, {
    level: 'debug',
    message: `Contact ${link.remoteId} was deleted in Salesforce; patient ${link.localId} kept, link marked`,
    operation: 'contact-deleted',
    contactId: link.remoteId,
    patientId: link.localId,
  });
  return 'deleted';
}
