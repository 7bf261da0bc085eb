// The fields on each side of the Contact mapping (digest §9: the seed's 24 fields), their
// kinds, and the default mapping. Pure data: settings.ts validates rules against it,
// mapping.ts applies it.

export type FieldKind = 'text' | 'date' | 'email' | 'phone' | 'sex' | 'bool' | 'datetime' | 'country';

/** Canonical values the mapping reads or writes: patient fields, and Hint-owned facts (read-only). */
export const CANONICAL_FIELDS = {
  namePrefix: 'text',
  firstName: 'text',
  middleName: 'text',
  lastName: 'text',
  dob: 'date',
  sex: 'sex',
  email: 'email',
  'phones.mobile': 'phone',
  'phones.home': 'phone',
  'phones.work': 'phone',
  'address.line1': 'text',
  'address.line2': 'text',
  'address.city': 'text',
  'address.state': 'text',
  'address.postcode': 'text',
  'address.country': 'country',
  'insurance.payerName': 'text',
  'insurance.groupNumber': 'text',
  'insurance.memberId': 'text',
  'hint.practitionerName': 'text',
  'hint.memberContractAccepted': 'bool',
  'hint.memberContractAcceptedAt': 'datetime',
  'hint.hipaaAuthorizationAccepted': 'bool',
  'hint.hipaaAuthorizationAcceptedAt': 'datetime',
} as const satisfies Record<string, FieldKind>;

export type CanonicalKey = keyof typeof CANONICAL_FIELDS;

/** Hint owns these: they never flow from Salesforce (or anywhere else) into Tandem. */
export const HINT_OWNED: ReadonlySet<CanonicalKey> = new Set([
  'hint.practitionerName',
  'hint.memberContractAccepted',
  'hint.memberContractAcceptedAt',
  'hint.hipaaAuthorizationAccepted',
  'hint.hipaaAuthorizationAcceptedAt',
  'insurance.payerName',
  'insurance.groupNumber',
  'insurance.memberId',
]);

export interface ContactFieldDef {
  kind: FieldKind;
  /** A custom field of Tandem's package (namespace-prefixed when the package is managed). */
  custom?: boolean;
  /** Salesforce's length limit (describe `length`). */
  max?: number;
  /** MailingStreet holds both address lines, joined with a newline (digest §15 11). */
  streetLine?: 1 | 2;
}

/** Contact fields a rule may name. `MailingStreet#1`/`#2` are the two lines of MailingStreet. */
export const CONTACT_FIELDS = {
  Salutation: { kind: 'text', max: 40 },
  FirstName: { kind: 'text', max: 40 },
  MiddleName: { kind: 'text', max: 40 },
  Hint_Middle_Name__c: { kind: 'text', max: 40, custom: true },
  LastName: { kind: 'text', max: 80 },
  Birthdate: { kind: 'date' },
  Hint_Gender__c: { kind: 'sex', custom: true },
  Email: { kind: 'email', max: 80 },
  MobilePhone: { kind: 'phone', max: 40 },
  HomePhone: { kind: 'phone', max: 40 },
  Phone: { kind: 'phone', max: 40 },
  OtherPhone: { kind: 'phone', max: 40 },
  'MailingStreet#1': { kind: 'text', streetLine: 1 },
  'MailingStreet#2': { kind: 'text', streetLine: 2 },
  MailingCity: { kind: 'text', max: 40 },
  MailingState: { kind: 'text', max: 80 },
  MailingPostalCode: { kind: 'text', max: 20 },
  MailingCountry: { kind: 'country', max: 80 },
  Hint_Practitioner_Name__c: { kind: 'text', max: 255, custom: true },
  Hint_Insurance_Payer__c: { kind: 'text', max: 255, custom: true },
  Hint_Insurance_Group_Id__c: { kind: 'text', max: 80, custom: true },
  Hint_Insurance_Member_Id__c: { kind: 'text', max: 80, custom: true },
  Hint_Member_Contract_Accepted__c: { kind: 'bool', custom: true },
  Hint_Member_Contract_Accepted_At__c: { kind: 'datetime', custom: true },
  Hint_HIPAA_Authorization_Accepted__c: { kind: 'bool', custom: true },
  Hint_HIPAA_Authorization_Accepted_At__c: { kind: 'datetime', custom: true },
} as const satisfies Record<string, ContactFieldDef>;

export type ContactKey = keyof typeof CONTACT_FIELDS;

export interface MappingRule {
  canonical: CanonicalKey;
  contact: ContactKey;
  direction: 'both' | 'fromSalesforce' | 'toSalesforce';
}

const both = (canonical: CanonicalKey, contact: ContactKey): MappingRule => ({ canonical, contact, direction: 'both' });
const toSf = (canonical: CanonicalKey, contact: ContactKey): MappingRule => ({
  canonical,
  contact,
  direction: 'toSalesforce',
});

/** The seed's 24 fields (digest §9), the last 8 Hint-owned and read-only in Salesforce. */
export const DEFAULT_MAPPING: MappingRule[] = [
  both('namePrefix', 'Salutation'),
  both('firstName', 'FirstName'),
  both('middleName', 'Hint_Middle_Name__c'),
  both('lastName', 'LastName'),
  both('dob', 'Birthdate'),
  both('sex', 'Hint_Gender__c'),
  both('email', 'Email'),
  both('phones.mobile', 'MobilePhone'),
  both('phones.home', 'HomePhone'),
  both('phones.work', 'Phone'),
  both('address.line1', 'MailingStreet#1'),
  both('address.line2', 'MailingStreet#2'),
  both('address.city', 'MailingCity'),
  both('address.state', 'MailingState'),
  both('address.postcode', 'MailingPostalCode'),
  both('address.country', 'MailingCountry'),
  toSf('hint.practitionerName', 'Hint_Practitioner_Name__c'),
  toSf('insurance.payerName', 'Hint_Insurance_Payer__c'),
  toSf('insurance.groupNumber', 'Hint_Insurance_Group_Id__c'),
  toSf('insurance.memberId', 'Hint_Insurance_Member_Id__c'),
  toSf('hint.memberContractAccepted', 'Hint_Member_Contract_Accepted__c'),
  toSf('hint.memberContractAcceptedAt', 'Hint_Member_Contract_Accepted_At__c'),
  toSf('hint.hipaaAuthorizationAccepted', 'Hint_HIPAA_Authorization_Accepted__c'),
  toSf('hint.hipaaAuthorizationAcceptedAt', 'Hint_HIPAA_Authorization_Accepted_At__c'),
];

/** Tandem's link fields on Contact (not among the 24). */
export const LINK_FIELDS = ['Hint_Patient_Id__c', 'Synced_to_Hint__c', 'Last_Batch_Sync_Id__c'] as const;
export const BATCH_RESULT_FIELD = 'Last_Batch_Sync_Result__c';
export const LOG_OBJECT = 'Hint_Log__c';
export const LOG_FIELDS = [
  'Level__c',
  'Message__c',
  'Details__c',
  'Contact__c',
  'Hint_Patient_Id__c',
  'Batch_Id__c',
  'Operation__c',
] as const;
export const BUTTONS = ['Sync_to_Hint', 'Unlink_Patient'] as const;

/** A custom name with the package namespace, when the package is managed. */
export function nsName(namespace: string, name: string): string {
  return namespace && name.endsWith('__c') ? `${namespace}__${name}` : name;
}

/** The API name a contact key reads and writes. */
export function apiName(namespace: string, key: ContactKey): string {
  const def: ContactFieldDef = CONTACT_FIELDS[key];
  if (def.streetLine) return 'MailingStreet';
  return def.custom ? nsName(namespace, key) : key;
}
