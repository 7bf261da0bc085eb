// A canonical patient changed (not by this connection): the fields Tandem changed since the
// link's snapshot — the hub's changes, whichever spoke made them — are written to the linked
// contact, with the Hint patient id once Hint holds the patient. Salesforce's refusals of the
// data (STRING_TOO_LONG, INVALID_EMAIL_ADDRESS, a validation rule, a duplicate rule…) are stored
// on the link with Salesforce's message and logged at Error; they are not retried.
import { IntegrationError, NotFoundError } from '../../core/errors.ts';
import { findLink, linksFor, patchLink, type Link } from '../../db/links.ts';
import { patients } from '../../db/records/kinds.ts';
import { getRecord } from '../../db/records/repository.ts';
import type { Queryable } from '../../db/pool.ts';
import { refusalMessage, VALIDATION_CODES } from './client.ts';
import { clientFor, type LoadedConnection, type SalesforceDeps } from './connection.ts';
import { agreedOf, linkFieldValues } from './contact-fields.ts';
import { CONTACT_FIELDS, type CanonicalKey } from './mapping-fields.ts';
import { changedKeys, contactFields, patientValues, writesToSalesforce, type Values } from './mapping.ts';
import { sfLog } from './log.ts';

/** The Hint side of a patient: its Hint id and the facts the Hint connector keeps on the link. */
export async function hintSideOf(
  db: Queryable,
  practiceId: string,
  patientId: string,
): Promise<{ hintPatientId: string | null; facts: Record<string, unknown> }> {
  const links = (await linksFor(db, practiceId, 'patient', [patientId])).get(patientId) ?? [];
  const hint = links.find((l) => l.system === 'hint' && l.remoteId);
  return { hintPatientId: hint?.remoteId ?? null, facts: hint?.remoteData ?? {} };
}

export async function pushContact(
  deps: SalesforceDeps,
  loaded: LoadedConnection,
  patientId: string,
): Promise<'unlinked' | 'unchanged' | 'written' | 'refused' | 'deleted'> {
  const { connection, settings } = loaded;
  const link = await findLink(deps.db, connection.practiceId, connection.id, 'patient', { localId: patientId });
  if (!link) return 'unlinked';
  if (link.remoteState === 'deleted') return 'deleted';
  let patient: Record<string, unknown>;
  try {
    patient = await getRecord(deps.db, connection.practiceId, patients, patientId);
  } catch (e) {
    if (e instanceof NotFoundError) return 'unlinked';
    throw e;
  }
  const hint = await hintSideOf(deps.db, connection.practiceId, patientId);
  const values = patientValues(patient, hint.facts);
  const agreed = agreedOf(link);
  const rules = settings.fieldMapping.filter(writesToSalesforce);
  const changed = new Set(
    changedKeys(
      values,
      agreed,
      rules.map((r) => r.canonical),
    ),
  );
  // MailingStreet holds both lines: a change to one writes both.
  const streetKeys = rules.filter((r) => 'streetLine' in CONTACT_FIELDS[r.contact]).map((r) => r.canonical);
  if (streetKeys.some((k) => changed.has(k))) streetKeys.forEach((k) => changed.add(k));
  const hintChanged = (link.remoteData.hintPatientId ?? null) !== hint.hintPatientId;
  if (changed.size === 0 && !hintChanged) return 'unchanged';
  const subset: Values = Object.fromEntries([...changed].map((k: CanonicalKey) => [k, values[k] ?? null]));
  const fields = {
    ...contactFields(subset, rules, settings.namespace),
    ...(hintChanged ? linkFieldValues(settings, hint.hintPatientId) : {}),
  };
  try {
    await clientFor(deps, loaded).update('Contact', link.remoteId, fields);
  } catch (e) {
    if (!(e instanceof IntegrationError)) throw e;
    if (e.code === 'ENTITY_IS_DELETED' || e.code === 'NOT_FOUND') return markGone(deps, loaded, link, e);
    if (!VALIDATION_CODES.has(e.code)) throw e;
    const message = refusalMessage(e.code, e.detail);
    await patchLink(deps.db, link.practiceId, link.id, { status: 'errored', errorMessage: message });
    await sfLog(deps, loaded, {
      level: 'error',
      // Salesforce's message may quote the refused value (an e-mail address): the log, and its
      // mirror in Hint_Log__c, carry the code only; the message is on the link.
      message: `Contact ${link.remoteId}: Salesforce refused the update (${e.code}); its message is on the link`,
      operation: 'push-contact',
      contactId: link.remoteId,
      patientId,
      hintPatientId: hint.hintPatientId,
    });
    return 'refused';
  }
  await patchLink(deps.db, link.practiceId, link.id, {
    status: 'synced',
    errorMessage: null,
    remoteData: { agreed: { ...agreed, ...subset }, hintPatientId: hint.hintPatientId },
    synced: true,
  });
  await sfLog(deps, loaded, {
    level: 'debug',
    message: `Patient ${patientId} → contact ${link.remoteId}: ${[...changed].join(', ') || 'Hint patient id'} written`,
    operation: 'push-contact',
    contactId: link.remoteId,
    patientId,
    hintPatientId: hint.hintPatientId,
  });
  return 'written';
}

async function markGone(deps: SalesforceDeps, loaded: LoadedConnection, link: Link, e: IntegrationError) {
  await patchLink(deps.db, link.practiceId, link.id, {
    status: 'errored',
    remoteState: 'deleted',
    errorMessage: `The contact is deleted in Salesforce (${e.code}); the patient stays. Undelete it there, or unlink.`,
  });
  await sfLog(deps, loaded, {
    level: 'error',
    message: `Contact ${link.remoteId} is deleted in Salesforce (${e.code}); link marked`,
    operation: 'push-contact',
    contactId: link.remoteId,
    patientId: link.localId,
  });
  return 'deleted' as const;
}
