// Hint's wire types, as zod schemas: only what the connector reads, everything else passes
// through (`loose`), because Hint adds fields without a version bump.
import { z } from 'zod';

const ref = z.object({ id: z.string() }).loose();
const nullableString = z.string().nullable().optional();

export const hintPhoneSchema = z
  .object({
    number: z.union([z.string(), z.number()]).transform(String),
    type: z.string().nullable().optional(),
    us_formattable: z.boolean().optional(),
  })
  .loose();

export const hintPatientSchema = z
  .object({
    id: z.string(),
    first_name: nullableString,
    middle_name: nullableString,
    last_name: nullableString,
    chosen_first_name: nullableString,
    chosen_last_name: nullableString,
    chosen_middle_name: nullableString,
    email: nullableString,
    dob: nullableString,
    sex: nullableString,
    gender_identity: nullableString,
    gender_other: nullableString,
    address_line1: nullableString,
    address_line2: nullableString,
    address_city: nullableString,
    address_state: nullableString,
    address_zip: nullableString,
    address_country: nullableString,
    health_insurance_payer_name: nullableString,
    health_insurance_member_id: nullableString,
    health_insurance_group_id: nullableString,
    health_insurance_payer_id: nullableString,
    phones: z.array(hintPhoneSchema).nullable().optional(),
    practitioner: z.object({ id: z.string(), name: nullableString }).loose().nullable().optional(),
    membership_status: nullableString,
    patient_agreement_accepted: z.boolean().nullable().optional(),
    patient_agreement_accepted_at: nullableString,
    hipaa_authorization_accepted: z.boolean().nullable().optional(),
    hipaa_authorization_accepted_at: nullableString,
    provider_web_link: nullableString,
    account: z.object({ past_due_in_cents: z.number().nullable().optional() }).loose().nullable().optional(),
    company: z.object({ id: z.string().optional(), name: nullableString }).loose().nullable().optional(),
    memberships: z
      .array(
        z
          .object({
            status: nullableString,
            start_date: nullableString,
            plan: z.object({ name: nullableString }).loose().nullable().optional(),
            company: z.object({ name: nullableString }).loose().nullable().optional(),
          })
          .loose(),
      )
      .nullable()
      .optional(),
    import_id: nullableString,
    import_source: nullableString,
    external_link_id: nullableString,
    integration_record_id: nullableString,
    integration_error_message: nullableString,
    integration_web_link: nullableString,
    integration_sync_status: nullableString,
    created_at: z.string().optional(),
    updated_at: z.string().optional(),
  })
  .loose();
export type HintPatient = z.infer<typeof hintPatientSchema>;

export const hintPractitionerSchema = z
  .object({
    id: z.string(),
    name: nullableString,
    email: nullableString,
    npi: z
      .object({ number: z.union([z.string(), z.number()]).transform(String).nullable().optional() })
      .loose()
      .nullable()
      .optional(),
    integration_record_id: nullableString,
    created_at: z.string().optional(),
    updated_at: z.string().optional(),
  })
  .loose();
export type HintPractitioner = z.infer<typeof hintPractitionerSchema>;

export const hintChargeSchema = z
  .object({
    id: z.string(),
    name: nullableString,
    quantity: z.number(),
    price_in_cents: z.number(),
    service_date: nullableString,
  })
  .loose();

export const hintInvoiceSchema = z
  .object({
    id: z.string(),
    owner: ref.nullable().optional(),
    patient: ref.nullable().optional(),
    integration_record_id: nullableString,
    status: nullableString,
    invoice_number: z.union([z.string(), z.number()]).transform(String).nullable().optional(),
    date: nullableString,
    paid_in_cents: z.number().nullable().optional(),
    paid_at: nullableString,
    payments_count: z.number().nullable().optional(),
    provider_web_link: nullableString,
    charges: z.array(hintChargeSchema).nullable().optional(),
    updated_at: z.string().optional(),
  })
  .loose();
export type HintInvoice = z.infer<typeof hintInvoiceSchema>;

export const hintMembershipSchema = z
  .object({
    id: z.string(),
    owner: ref.nullable().optional(),
    membership_patients: z
      .array(z.object({ patient: ref.nullable().optional() }).loose())
      .nullable()
      .optional(),
    members: z
      .array(z.object({ patient: ref.nullable().optional() }).loose())
      .nullable()
      .optional(),
    updated_at: nullableString,
  })
  .loose();
export type HintMembership = z.infer<typeof hintMembershipSchema>;

export const hintPracticeSchema = z.object({ id: z.string(), name: nullableString }).loose();

/** The code exchange answer (POST /api/oauth/tokens): the Integration plus the token. */
export const tokenExchangeSchema = z
  .object({
    id: z.string(),
    access_token: z.string().min(1),
    status: z.string(),
    practice: z.object({ id: z.string(), name: nullableString }).loose(),
  })
  .loose();
export type TokenExchange = z.infer<typeof tokenExchangeSchema>;

export const integrationSchema = z
  .object({
    id: z.string(),
    status: z.string(),
    practice: z.object({ id: z.string(), name: nullableString }).loose(),
  })
  .loose();

export const webhookEndpointSchema = z.object({ id: z.string(), webhook_url: z.string() }).loose();

/** The webhook envelope. `object` is validated later, per event type. */
export const webhookEnvelopeSchema = z.object({
  id: z.string().min(1).max(200),
  type: z.string().min(1).max(100),
  practice_id: z.string().min(1).max(100),
  created_at: z.string().optional(),
  object: z.unknown(),
});
export type WebhookEnvelope = z.infer<typeof webhookEnvelopeSchema>;

export const hintErrorSchema = z.object({ status: z.number().optional(), message: z.string().optional() }).loose();
