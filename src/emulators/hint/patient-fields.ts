// Patient request bodies (zod) and how they land on the stored record.
import { z } from 'zod';
import { HintError } from './errors.ts';
import type { Patient, Phone } from './model.ts';
import type { HintState } from './state.ts';
import { formatTimestamp } from './time.ts';

const str = z.string().nullable().optional();
const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(d)), 'not a real date')
  .nullable()
  .optional();
const association = z
  .object({ id: z.string().min(1) })
  .nullable()
  .optional();
const phone = z.object({
  id: z.string().optional(),
  number: z.union([z.string(), z.number()]).transform(String).pipe(z.string().min(1)),
  type: z.string().min(1),
  us_formattable: z.boolean().optional(),
});

/** Scalar attributes copied as-is onto the record (and echoed on GET). */
export const SCALAR_FIELDS = [
  'first_name',
  'middle_name',
  'last_name',
  'suffix',
  'chosen_first_name',
  'chosen_last_name',
  'chosen_middle_name',
  'chosen_suffix',
  'chosen_title',
  'pronouns',
  'email',
  'sex',
  'gender',
  'gender_identity',
  'gender_other',
  'dob',
  'health_insurance_group_id',
  'health_insurance_member_id',
  'health_insurance_payer_name',
  'health_insurance_payer_id',
  'address_line1',
  'address_line2',
  'address_city',
  'address_state',
  'address_zip',
  'address_country',
  'preferred_language',
  'last_engagement_date',
  'import_id',
  'import_source',
  'external_link_id',
  'lead_source_other',
] as const;

const patientShape = {
  first_name: z.string().trim().min(1),
  last_name: z.string().trim().min(1),
  middle_name: str,
  title: str,
  suffix: str,
  chosen_first_name: str,
  chosen_last_name: str,
  chosen_middle_name: str,
  chosen_title: str,
  chosen_suffix: str,
  pronouns: str,
  email: z.email().nullable().optional().or(z.literal('')),
  sex: z.enum(['male', 'female', 'intersex']).nullable().optional(),
  gender: str,
  gender_identity: z
    .enum(['man', 'woman', 'trans man', 'trans woman', 'nonbinary', 'not listed'])
    .nullable()
    .optional(),
  gender_other: str,
  dob: date,
  lead_source: association,
  practitioner: association,
  location: association,
  emergency_contact: z
    .object({
      name: str,
      email: str,
      relationship: z
        .enum(['spouse', 'parent', 'sibling', 'child', 'grandparent', 'guardian', 'other'])
        .nullable()
        .optional(),
      relationship_other: str,
      phone: phone.nullable().optional(),
    })
    .nullable()
    .optional(),
  phones: z.array(phone).optional(),
  ssn: z
    .object({ number: z.string().regex(/^\d{3}-?\d{2}-?\d{4}$/, 'expected 9 digits') })
    .nullable()
    .optional(),
  health_insurance_group_id: str,
  health_insurance_member_id: str,
  health_insurance_payer_name: str,
  health_insurance_payer_id: str,
  address_line1: str,
  address_line2: str,
  address_city: str,
  address_state: str,
  address_zip: str,
  address_country: str,
  preferred_language: z.enum(['en', 'es']).nullable().optional(),
  last_engagement_date: date,
  electronic_communication_consent_accepted: z.boolean().optional(),
  patient_agreement_accepted: z.boolean().optional(),
  lead_source_other: str,
  import_id: str,
  import_source: str,
  external_link_id: str,
  integration_record_id: str,
  integration_error_message: str,
  integration_web_link: str,
};

export const createPatientSchema = z.object(patientShape);
/** PATCH is partial (the spec marks names required, but Hint treats updates as partial). */
export const updatePatientSchema = z
  .object(patientShape)
  .partial()
  // Harness only (a practice user acting in Hint's UI): archiving, and the patient accepting the
  // HIPAA authorization, which Hint's API does not let a partner write (not in its request body).
  .extend({ archived: z.boolean().optional(), hipaa_authorization_accepted: z.boolean().optional() });

export type PatientInput = z.infer<typeof updatePatientSchema>;

function phoneOf(p: z.infer<typeof phone>): Phone {
  return { number: p.number, type: p.type, us_formattable: p.us_formattable ?? /^\d{10}$/.test(p.number) };
}

function resolveRef(
  state: HintState,
  practiceId: string,
  kind: 'practitioner' | 'location' | 'lead_source',
  id: string,
): string {
  const table =
    kind === 'practitioner' ? state.data.practitioners : kind === 'location' ? state.data.locations : undefined;
  if (table) {
    const record = table.get(id);
    if (!record || record.practiceId !== practiceId)
      throw new HintError(422, `Validation failed: ${kind.replace('_', ' ')} ${id} not found`);
  } else if (!state.data.leadSources.has(id)) {
    throw new HintError(422, `Validation failed: Lead source ${id} not found`);
  }
  return id;
}

/** Acceptances Hint stamps with the time they were given (`<name>_at`), cleared when withdrawn. */
const ACCEPTANCES = [
  'electronic_communication_consent_accepted',
  'patient_agreement_accepted',
  'hipaa_authorization_accepted',
] as const;

/** Checks references first, so a bad body changes nothing, then returns the mutation to apply. */
export function preparePatientWrite(
  state: HintState,
  practiceId: string,
  input: PatientInput,
): (patient: Patient) => void {
  const practitionerId = input.practitioner
    ? resolveRef(state, practiceId, 'practitioner', input.practitioner.id)
    : input.practitioner;
  const locationId = input.location ? resolveRef(state, practiceId, 'location', input.location.id) : input.location;
  const leadSourceId = input.lead_source
    ? resolveRef(state, practiceId, 'lead_source', input.lead_source.id)
    : input.lead_source;
  return (patient) => {
    for (const field of SCALAR_FIELDS) {
      const value = input[field];
      if (value !== undefined) patient.fields[field] = value === '' ? null : value;
    }
    const stamp = formatTimestamp(state.now(), state.offsetOf(practiceId));
    for (const key of ACCEPTANCES) {
      const accepted = input[key];
      if (accepted === undefined) continue;
      patient.fields[key] = accepted;
      patient.fields[`${key}_at`] = accepted ? stamp : null;
    }
    if (practitionerId !== undefined) patient.practitionerId = practitionerId;
    if (locationId !== undefined) patient.locationId = locationId;
    if (leadSourceId !== undefined) patient.leadSourceId = leadSourceId;
    if (input.phones !== undefined) patient.phones = input.phones.map(phoneOf);
    if (input.ssn !== undefined) patient.ssnLast4 = input.ssn ? input.ssn.number.slice(-4) : null;
    if (input.emergency_contact !== undefined) {
      const ec = input.emergency_contact;
      patient.emergencyContact = ec
        ? {
            id: patient.emergencyContact?.id ?? state.id('emc'),
            name: ec.name ?? null,
            email: ec.email ?? null,
            relationship: ec.relationship ?? null,
            relationship_other: ec.relationship_other ?? null,
            phone: ec.phone ? phoneOf(ec.phone) : null,
          }
        : null;
    }
    if (input.archived !== undefined) patient.archivedAt = input.archived ? (patient.archivedAt ?? state.now()) : null;
  };
}

/** Defaults every GET shows for a patient nobody has filled in. */
export function blankPatientFields(): Patient['fields'] {
  const fields: Patient['fields'] = {};
  for (const field of SCALAR_FIELDS) fields[field] = null;
  Object.assign(fields, {
    engaged: false,
    uses_tobacco: false,
    master_record_sponsor: null,
    electronic_communication_consent_accepted: false,
    electronic_communication_consent_accepted_at: null,
    hipaa_authorization_accepted: false,
    hipaa_authorization_accepted_at: null,
    patient_agreement_accepted: false,
    patient_agreement_accepted_at: null,
    terms_accepted: false,
    terms_accepted_at: null,
    email_marketing_authorization: false,
  });
  return fields;
}

export function newPatient(state: HintState, practiceId: string): Patient {
  const now = state.now();
  return {
    id: state.id('pat'),
    practiceId,
    createdAt: now,
    updatedAt: now,
    version: 1,
    fields: blankPatientFields(),
    phones: [],
    emergencyContact: null,
    ssnLast4: null,
    practitionerId: null,
    locationId: null,
    leadSourceId: null,
    archivedAt: null,
  };
}
