// Linking a contact with a patient, and unlinking (digest §12 steps 2, 3, 6). The seed's rules:
// the winner's value stands where both have one (the contact in a manual sync and in CSV
// batches, the patient when a Hint patient finds its contact), a blank on either side is
// filled from the other. A contact already linked to another patient, or a patient already
// linked to another contact, is unlinked first (audited). Both records always stay.
import { findLink, deleteLink, upsertLink } from '../../db/links.ts';
import { writeAudit } from '../../db/audit.ts';
import { patients } from '../../db/records/kinds.ts';
import { createRecord, getRecord, updateRecord } from '../../db/records/repository.ts';
import { ConflictError, IntegrationError } from '../../core/errors.ts';
import { VALIDATION_CODES, describeSaveErrors, refusalMessage } from './client.ts';
import { clientFor, writeContext, type LoadedConnection, type SalesforceDeps } from './connection.ts';
import { linkFieldValues, readFields } from './contact-fields.ts';
import { nsName } from './mapping-fields.ts';
import {
  contactFields,
  contactValues,
  mergeForLink,
  patientInput,
  patientPatch,
  patientValues,
  type Json,
  type Values,
} from './mapping.ts';
import { hintSideOf } from './outbound-contact.ts';
import { sfLog } from './log.ts';
import { checkPatientInput, countryOf } from './validate.ts';

export type Contact = Record<string, unknown> & { Id: string };

export interface LinkResult {
  patientId: string;
  contactId: string;
  hintPatientId: string | null;
  /** Salesforce refused the contact's update (the link stands, errored, with Salesforce's message). */
  contactError: string | null;
  /** Contact values Tandem's rules refused (the patient kept its own). */
  refused: string[];
  /** The patient's previous contact or the contact's previous patient, unlinked first. */
  unlinked: { patientId?: string; contactId?: string };
}

export interface LinkOptions {
  winner: 'contact' | 'patient';
  actor: string;
  batchId?: string;
  /** The contact as already read (batches read many at once). */
  contact?: Contact;
  /** Extra Contact fields written with the link (e.g. the batch result). */
  extraFields?: Record<string, unknown>;
}

export async function readContact(deps: SalesforceDeps, loaded: LoadedConnection, contactId: string): Promise<Contact> {
  return clientFor(deps, loaded).get<Contact>('Contact', contactId, readFields(loaded.settings));
}

export async function linkContact(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  contactId: string,
  patientId: string,
  o: LinkOptions,
): Promise<LinkResult> {
  const { connection } = loaded;
  const { practiceId } = connection;
  const contact = o.contact ?? (await readContact(deps, loaded, contactId));
  const patient = await getRecord(deps.db, practiceId, patients, patientId);
  const unlinked: LinkResult['unlinked'] = {};
  const previousOfContact = await findLink(deps.db, practiceId, connection.id, 'patient', { remoteId: contact.Id });
  if (previousOfContact && previousOfContact.localId !== patientId) {
    await deleteLink(deps.db, practiceId, connection.id, 'patient', previousOfContact.localId);
    await audit(deps, loaded, o.actor, 'salesforce.unlinked', previousOfContact.localId);
    unlinked.patientId = previousOfContact.localId;
  }
  const previousOfPatient = await findLink(deps.db, practiceId, connection.id, 'patient', { localId: patientId });
  if (previousOfPatient && previousOfPatient.remoteId !== contact.Id) {
    await clearContactLinkFields(deps, loaded, previousOfPatient.remoteId);
    await deleteLink(deps.db, practiceId, connection.id, 'patient', patientId);
    await audit(deps, loaded, o.actor, 'salesforce.unlinked', patientId);
    unlinked.contactId = previousOfPatient.remoteId;
  }
  const hint = await hintSideOf(deps.db, practiceId, patientId);
  const plan = await planLink(deps, loaded, contact, patient, hint, o);
  if (plan.patch) await updateRecord(deps.db, writeContext(connection), patients, patientId, plan.patch);
  await upsertLink(
    deps.db,
    { practiceId, connectionId: connection.id, entityKind: 'patient', localId: patientId, remoteId: contact.Id },
    { status: 'synced', remoteState: 'active', errorMessage: null, remoteData: plan.remoteData, synced: true },
  );
  const { fields, refused } = plan;
  const contactError = await writeContact(deps, loaded, contact.Id, patientId, fields, plan.remoteDataIfRefused);
  await audit(deps, loaded, o.actor, 'salesforce.linked', patientId);
  await sfLog(deps, loaded, {
    level: contactError ? 'error' : 'debug',
    message: contactError
      ? `Contact ${contact.Id} linked with patient ${patientId}, but ${contactError}`
      : `Contact ${contact.Id} linked with patient ${patientId} (${o.winner} wins)`,
    operation: 'link',
    contactId: contact.Id,
    patientId,
    hintPatientId: hint.hintPatientId,
    batchId: o.batchId,
  });
  return {
    patientId,
    contactId: contact.Id,
    hintPatientId: hint.hintPatientId,
    contactError,
    refused,
    unlinked,
  };
}

type LinkData = { agreed: Values; hintPatientId: string | null };

export interface LinkPlan {
  /** The patient's checked patch (undefined: the patient keeps every value). */
  patch: Json | undefined;
  /** Contact values Tandem's rules refused (the patient kept its own). */
  refused: string[];
  /** What the link stores: the values both sides agree on, and Hint's id. */
  remoteData: LinkData;
  /**
   * What the link stores instead when Salesforce refuses the contact's write: the values the
   * contact still holds where the write would have changed them, so a later change event of the
   * contact does not read the refused values as Salesforce's and carry them to the patient.
   */
  remoteDataIfRefused: LinkData;
  /** The contact's fields to write: merged values, link fields, batch id, extras. */
  fields: Record<string, unknown>;
}

/**
 * What linking this contact with this patient changes on each side, computed without writing
 * (a batch plans 200 links, then stores them together): the seed's merge rules, the patient's
 * changes checked as the REST API checks them.
 */
export async function planLink(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  contact: Contact,
  patient: Json,
  hint: { hintPatientId: string | null; facts: Record<string, unknown> },
  o: Pick<LinkOptions, 'winner' | 'batchId' | 'extraFields'>,
): Promise<LinkPlan> {
  const { connection, settings } = loaded;
  const country = await countryOf(deps.db, connection.practiceId);
  const cv = contactValues(contact, settings.fieldMapping, settings.namespace, country);
  const merge = mergeForLink(cv.values, patientValues(patient, hint.facts), settings.fieldMapping, o.winner);
  const refused = cv.problems.map((p) => `${p.field} ${p.message}`);
  let patch: Json | undefined;
  if (Object.keys(merge.toPatient).length > 0) {
    const checked = await checkPatientInput(
      deps.db,
      connection.practiceId,
      patientPatch(patient, merge.toPatient),
      'patch',
    );
    refused.push(...checked.refused);
    if (checked.value && Object.keys(checked.value).length) patch = checked.value;
  }
  const fields = {
    ...contactFields(merge.toContact, settings.fieldMapping, settings.namespace),
    ...linkFieldValues(settings, hint.hintPatientId),
    ...(o.batchId ? { [nsName(settings.namespace, 'Last_Batch_Sync_Id__c')]: o.batchId } : {}),
    ...o.extraFields,
  };
  const held = Object.fromEntries(Object.keys(merge.toContact).map((k) => [k, cv.values[k as keyof Values] ?? null]));
  const heldHintId = contact[nsName(settings.namespace, 'Hint_Patient_Id__c')];
  return {
    patch,
    refused,
    remoteData: { agreed: merge.merged, hintPatientId: hint.hintPatientId },
    remoteDataIfRefused: {
      agreed: { ...merge.merged, ...held },
      hintPatientId: typeof heldHintId === 'string' && heldHintId ? heldHintId : null,
    },
    fields,
  };
}

/** Writes a linked contact; Salesforce's refusal is stored on the link and returned in words. */
async function writeContact(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  contactId: string,
  patientId: string,
  fields: Record<string, unknown>,
  ifRefused: LinkData,
): Promise<string | null> {
  try {
    await clientFor(deps, loaded).update('Contact', contactId, fields);
    return null;
  } catch (e) {
    if (!(e instanceof IntegrationError) || !VALIDATION_CODES.has(e.code)) throw e;
    return storeContactRefusal(deps, loaded, contactId, patientId, e.code, e.detail, ifRefused);
  }
}

/** Salesforce refused a linked contact's write: the link stands, errored, with Salesforce's message. */
async function storeContactRefusal(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  contactId: string,
  patientId: string,
  code: string,
  detail: string | undefined,
  remoteData: LinkData,
): Promise<string> {
  const message = refusalMessage(code, detail);
  await upsertLink(
    deps.db,
    {
      practiceId: loaded.connection.practiceId,
      connectionId: loaded.connection.id,
      entityKind: 'patient',
      localId: patientId,
      remoteId: contactId,
    },
    { status: 'errored', errorMessage: message, remoteData },
  );
  return message;
}

/** A new patient in Tandem (and, through the Hint connector, in Hint) from a contact, linked with it. */
export async function createPatientFromContact(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  contactId: string,
  actor: string,
): Promise<LinkResult> {
  const { connection, settings } = loaded;
  const contact = await readContact(deps, loaded, contactId);
  const existing = await findLink(deps.db, connection.practiceId, connection.id, 'patient', { remoteId: contactId });
  if (existing)
    throw new ConflictError('this contact is already linked with a patient; unlink it first', [
      { field: 'contactId', message: `is linked with patient ${existing.localId}` },
    ]);
  const country = await countryOf(deps.db, connection.practiceId);
  const { values } = contactValues(contact, settings.fieldMapping, settings.namespace, country);
  const checked = await checkPatientInput(deps.db, connection.practiceId, patientInput(values), 'create');
  if (!checked.value)
    throw new ConflictError(`the contact cannot become a patient: ${checked.refused.join('; ')}`, [
      { field: 'contactId', message: checked.refused.join('; ') },
    ]);
  // Created on behalf of a person (not this connection): the hub sends it to Hint as a new patient.
  const created = await createRecord(
    deps.db,
    { practiceId: connection.practiceId, actor, origin: 'api' },
    patients,
    checked.value,
  );
  return linkContact(deps, loaded, contactId, String(created.id), { winner: 'contact', actor, contact });
}

export async function unlinkContact(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  contactId: string,
  actor: string,
): Promise<{ patientId: string } | undefined> {
  const { connection } = loaded;
  const link = await findLink(deps.db, connection.practiceId, connection.id, 'patient', { remoteId: contactId });
  if (!link) return undefined;
  if (link.remoteState !== 'deleted') await clearContactLinkFields(deps, loaded, contactId);
  await deleteLink(deps.db, connection.practiceId, connection.id, 'patient', link.localId);
  await audit(deps, loaded, actor, 'salesforce.unlinked', link.localId);
  await sfLog(deps, loaded, {
    level: 'debug',
    message: `Contact ${contactId} unlinked from patient ${link.localId}`,
    operation: 'unlink',
    contactId,
    patientId: link.localId,
  });
  return { patientId: link.localId };
}

/** Hint_Patient_Id__c cleared and Synced_to_Hint__c unchecked on a contact (gone contacts are fine). */
async function clearContactLinkFields(deps: SalesforceDeps, loaded: LoadedConnection, contactId: string) {
  const ns = loaded.settings.namespace;
  try {
    await clientFor(deps, loaded).update('Contact', contactId, {
      [nsName(ns, 'Hint_Patient_Id__c')]: null,
      [nsName(ns, 'Synced_to_Hint__c')]: false,
    });
  } catch (e) {
    if (!(e instanceof IntegrationError) || (e.code !== 'ENTITY_IS_DELETED' && e.code !== 'NOT_FOUND')) throw e;
  }
}

async function audit(deps: SalesforceDeps, loaded: LoadedConnection, actor: string, action: string, patientId: string) {
  await writeAudit(deps.db, {
    practiceId: loaded.connection.practiceId,
    actor,
    action,
    entityKind: 'patient',
    entityId: patientId,
    fields: ['salesforce'],
  });
}

export { describeSaveErrors };
