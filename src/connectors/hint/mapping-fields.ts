// The catalogue of fields the patient mapping may pair: every canonical field and every Hint
// field with its kind. A pair is valid when both sides have the same kind; the kind picks
// the conversion (mapping.ts). Settings hold the pairs as data (settings.ts).
export type FieldKind = 'text' | 'date' | 'sex' | 'genderIdentity' | 'phones' | 'country' | 'practitioner';
export type Direction = 'both' | 'fromHint' | 'toHint' | 'readOnly';

export const CANONICAL_PATIENT_FIELDS = {
  firstName: 'text',
  middleName: 'text',
  lastName: 'text',
  preferredName: 'text',
  dob: 'date',
  sex: 'sex',
  genderIdentity: 'genderIdentity',
  email: 'text',
  phones: 'phones',
  'address.line1': 'text',
  'address.line2': 'text',
  'address.city': 'text',
  'address.state': 'text',
  'address.postcode': 'text',
  'address.country': 'country',
  'insurance.payerName': 'text',
  'insurance.memberId': 'text',
  'insurance.groupNumber': 'text',
  practitionerId: 'practitioner',
} as const satisfies Record<string, FieldKind>;
export type CanonicalField = keyof typeof CANONICAL_PATIENT_FIELDS;

export const HINT_PATIENT_FIELDS = {
  first_name: 'text',
  middle_name: 'text',
  last_name: 'text',
  chosen_first_name: 'text',
  chosen_middle_name: 'text',
  chosen_last_name: 'text',
  email: 'text',
  dob: 'date',
  sex: 'sex',
  gender_identity: 'genderIdentity',
  phones: 'phones',
  address_line1: 'text',
  address_line2: 'text',
  address_city: 'text',
  address_state: 'text',
  address_zip: 'text',
  address_country: 'country',
  health_insurance_payer_name: 'text',
  health_insurance_member_id: 'text',
  health_insurance_group_id: 'text',
  health_insurance_payer_id: 'text',
  practitioner: 'practitioner',
} as const satisfies Record<string, FieldKind>;
export type HintField = keyof typeof HINT_PATIENT_FIELDS;

export interface FieldRule {
  canonical: CanonicalField;
  hint: HintField;
  direction: Direction;
}

export const DEFAULT_PATIENT_MAPPING: FieldRule[] = (
  [
    ['firstName', 'first_name'],
    ['middleName', 'middle_name'],
    ['lastName', 'last_name'],
    ['preferredName', 'chosen_first_name'],
    ['dob', 'dob'],
    ['sex', 'sex'],
    ['genderIdentity', 'gender_identity'],
    ['email', 'email'],
    ['phones', 'phones'],
    ['address.line1', 'address_line1'],
    ['address.line2', 'address_line2'],
    ['address.city', 'address_city'],
    ['address.state', 'address_state'],
    ['address.postcode', 'address_zip'],
    ['address.country', 'address_country'],
    ['insurance.payerName', 'health_insurance_payer_name'],
    ['insurance.memberId', 'health_insurance_member_id'],
    ['insurance.groupNumber', 'health_insurance_group_id'],
    ['practitionerId', 'practitioner'],
  ] as const
).map(([canonical, hint]) => ({ canonical, hint, direction: 'both' as const }));

export const readsFromHint = (d: Direction) => d === 'both' || d === 'fromHint';
export const writesToHint = (d: Direction) => d === 'both' || d === 'toHint';
