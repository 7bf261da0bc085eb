// Patient changes shared by the API (a partner writing) and the harness (a practice user
// editing in Hint's UI). Both validate everything before changing anything, and fire the
// webhooks Hint would.
import type { HintContext } from './context.ts';
import { parseWith } from './errors.ts';
import { patientEvent } from './events.ts';
import { assertRecordIdFree, forgetIntegrationData, recordPartnerWrite } from './integration-data.ts';
import type { Patient } from './model.ts';
import {
  createPatientSchema,
  newPatient,
  preparePatientWrite,
  SCALAR_FIELDS,
  updatePatientSchema,
} from './patient-fields.ts';

const INTEGRATION_KEYS = new Set(['integration_record_id', 'integration_error_message', 'integration_web_link']);
const SCALAR_KEYS: ReadonlySet<string> = new Set(SCALAR_FIELDS);

/** partnerId: the calling partner, or undefined when a practice user acts through the harness. */
export function createPatient(ctx: HintContext, practiceId: string, body: unknown, partnerId?: string): Patient {
  const input = parseWith(createPatientSchema, body);
  if (partnerId) assertRecordIdFree(ctx.state, partnerId, practiceId, 'patient', input.integration_record_id);
  const apply = preparePatientWrite(ctx.state, practiceId, input);
  const patient = newPatient(ctx.state, practiceId);
  apply(patient);
  ctx.state.data.patients.set(patient.id, patient);
  ctx.state.data.patientSetVersion += 1;
  if (partnerId) recordPartnerWrite(ctx.state, partnerId, 'patient', patient, input);
  patientEvent(ctx, 'created', patient, partnerId);
  return patient;
}

export function updatePatient(ctx: HintContext, patient: Patient, body: unknown, partnerId?: string): Patient {
  const input = parseWith(updatePatientSchema, body);
  // Only the patient accepts the HIPAA authorization (in Hint); a partner's value is ignored,
  // as Hint ignores parameters it does not permit.
  if (partnerId) delete input.hipaa_authorization_accepted;
  if (partnerId)
    assertRecordIdFree(ctx.state, partnerId, patient.practiceId, 'patient', input.integration_record_id, patient.id);
  const apply = preparePatientWrite(ctx.state, patient.practiceId, input);
  // A field sent with the value it already holds changes nothing (e.g. the names every PATCH
  // must carry): only real changes fire a webhook, as Hint's saved-changes callbacks do.
  const changesPatient = Object.entries(input).some(
    ([key, value]) =>
      value !== undefined &&
      !INTEGRATION_KEYS.has(key) &&
      !(SCALAR_KEYS.has(key) && (value === '' ? null : value) === (patient.fields[key] ?? null)),
  );
  const wasArchived = patient.archivedAt !== null;
  if (changesPatient) {
    apply(patient);
    ctx.state.touch(patient);
  }
  if (partnerId) recordPartnerWrite(ctx.state, partnerId, 'patient', patient, input);
  // Writing only one's own integration fields changes nothing other partners see: no event.
  if (changesPatient) {
    patientEvent(ctx, 'updated', patient, partnerId);
    if (!wasArchived && patient.archivedAt !== null) patientEvent(ctx, 'inactive', patient, partnerId);
  }
  return patient;
}

export function destroyPatient(ctx: HintContext, patient: Patient, partnerId?: string): void {
  patientEvent(ctx, 'destroyed', patient, partnerId);
  ctx.state.data.patients.delete(patient.id);
  ctx.state.data.patientSetVersion += 1;
  forgetIntegrationData(ctx.state, 'patient', patient);
}
