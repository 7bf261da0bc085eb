// The org's schema: standard Contact and Account fields, and the integration's package
// (custom Contact fields and the Hint_Log__c object, digest §8–9) that a fresh org lacks until
// the harness deploys it. Describe, validation, SOQL and change events all read from here.
export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'date'
  | 'datetime'
  | 'boolean'
  | 'picklist'
  | 'reference'
  | 'double'
  | 'address';

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  length?: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  defaultedOnCreate?: boolean;
  defaultValue?: unknown;
  custom?: boolean;
  externalId?: boolean;
  unique?: boolean;
  caseSensitive?: boolean;
  idLookup?: boolean;
  picklist?: string[];
  restrictedPicklist?: boolean;
  referenceTo?: string[];
  relationshipName?: string;
  compoundFieldName?: string;
  extraTypeInfo?: string;
  /** Profiles for which field-level security makes this field read-only (Hint-owned fields). */
  readOnlyFor?: string[];
  autoNumber?: string;
  inlineHelpText?: string;
  /** Searched by SOSL IN NAME / EMAIL / PHONE FIELDS. */
  search?: 'name' | 'email' | 'phone' | 'text';
}

export interface ObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom: boolean;
  fields: FieldDef[];
  byLower: Map<string, FieldDef>;
  /** Relationship name (lower case) → the reference field that follows it. */
  relationships: Map<string, FieldDef>;
  /** When the object's metadata last changed (If-Modified-Since on describe). */
  modifiedAt: number;
}

export interface CustomFieldInput {
  object: string;
  name: string;
  label: string;
  type: 'string' | 'boolean' | 'datetime' | 'date' | 'picklist' | 'textarea' | 'email' | 'phone';
  length?: number;
  externalId?: boolean;
  unique?: boolean;
  caseSensitive?: boolean;
  picklistValues?: string[];
  readOnlyForStandardUsers?: boolean;
}

export interface OrgSettings {
  /** NameSettings enableMiddleName / enableNameSuffix (§7): MiddleName / Suffix exist only when on. */
  middleName: boolean;
  suffix: boolean;
  /** GenderIdentity and Pronouns standard fields (newer orgs). */
  genderIdentity: boolean;
  /** The integration package: custom fields, log object and buttons. Absent in a fresh org. */
  packageDeployed: boolean;
  /** Managed-package namespace prefixed to custom names ('' = unmanaged). */
  namespace: string;
  /** Custom fields deployed in place of the built-in package definitions (null = the built-in set). */
  customFields: CustomFieldInput[] | null;
  deployedAt: number;
}

export const STANDARD_PROFILE = 'Standard User';
export const INTEGRATION_PROFILE = 'Integration User';
export const LOG_OBJECT = 'Hint_Log__c';
export const PACKAGE_BUTTONS = ['Sync_to_Hint', 'Open_in_Tandem'];

const SALUTATIONS = ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.'];

const text = (name: string, label: string, length: number, extra: Partial<FieldDef> = {}): FieldDef => ({
  name,
  label,
  type: 'string',
  length,
  nillable: true,
  createable: true,
  updateable: true,
  ...extra,
});
const typed = (name: string, label: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef => ({
  name,
  label,
  type,
  nillable: true,
  createable: true,
  updateable: true,
  ...extra,
});
const system = (name: string, label: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef => ({
  name,
  label,
  type,
  nillable: false,
  createable: false,
  updateable: false,
  defaultedOnCreate: true,
  ...extra,
});

function auditFields(): FieldDef[] {
  const user = { referenceTo: ['User'], length: 18 };
  return [
    typed('OwnerId', 'Owner ID', 'reference', {
      ...user,
      nillable: false,
      defaultedOnCreate: true,
      relationshipName: 'Owner',
    }),
    system('CreatedDate', 'Created Date', 'datetime'),
    system('CreatedById', 'Created By ID', 'reference', { ...user, relationshipName: 'CreatedBy' }),
    system('LastModifiedDate', 'Last Modified Date', 'datetime'),
    system('LastModifiedById', 'Last Modified By ID', 'reference', { ...user, relationshipName: 'LastModifiedBy' }),
    system('SystemModstamp', 'System Modstamp', 'datetime'),
  ];
}

function idFields(label: string): FieldDef[] {
  return [
    system('Id', label, 'id', { length: 18, idLookup: true }),
    system('IsDeleted', 'Deleted', 'boolean', { defaultValue: false }),
  ];
}

function contactFields(org: OrgSettings): FieldDef[] {
  const name = { compoundFieldName: 'Name', extraTypeInfo: 'personname' };
  const mailing = { compoundFieldName: 'MailingAddress' };
  return [
    ...idFields('Contact ID'),
    system('MasterRecordId', 'Master Record ID', 'reference', { nillable: true, length: 18, referenceTo: ['Contact'] }),
    typed('AccountId', 'Account ID', 'reference', {
      length: 18,
      referenceTo: ['Account'],
      relationshipName: 'Account',
    }),
    text('LastName', 'Last Name', 80, { ...name, nillable: false, search: 'name' }),
    text('FirstName', 'First Name', 40, { ...name, search: 'name' }),
    typed('Salutation', 'Salutation', 'picklist', {
      ...name,
      length: 40,
      picklist: SALUTATIONS,
      restrictedPicklist: false,
    }),
    ...(org.middleName ? [text('MiddleName', 'Middle Name', 40, { ...name, search: 'name' })] : []),
    ...(org.suffix ? [text('Suffix', 'Name Suffix', 40, { ...name })] : []),
    system('Name', 'Full Name', 'string', { length: org.middleName || org.suffix ? 203 : 121, search: 'name' }),
    typed('MailingStreet', 'Mailing Street', 'textarea', {
      ...mailing,
      length: 255,
      extraTypeInfo: 'plaintextarea',
      search: 'text',
    }),
    text('MailingCity', 'Mailing City', 40, { ...mailing, search: 'text' }),
    text('MailingState', 'Mailing State/Province', 80, { ...mailing, search: 'text' }),
    text('MailingPostalCode', 'Mailing Zip/Postal Code', 20, { ...mailing, search: 'text' }),
    text('MailingCountry', 'Mailing Country', 80, { ...mailing, search: 'text' }),
    system('MailingAddress', 'Mailing Address', 'address', { nillable: true, defaultedOnCreate: false }),
    typed('Phone', 'Business Phone', 'phone', { length: 40, search: 'phone' }),
    typed('MobilePhone', 'Mobile Phone', 'phone', { length: 40, search: 'phone' }),
    typed('HomePhone', 'Home Phone', 'phone', { length: 40, search: 'phone' }),
    typed('OtherPhone', 'Other Phone', 'phone', { length: 40, search: 'phone' }),
    typed('Email', 'Email', 'email', { length: 80, search: 'email' }),
    text('Title', 'Title', 128, { search: 'text' }),
    text('Department', 'Department', 80),
    typed('Birthdate', 'Birthdate', 'date'),
    typed('Description', 'Contact Description', 'textarea', { length: 32000 }),
    typed('LeadSource', 'Lead Source', 'picklist', {
      length: 255,
      picklist: ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'],
    }),
    ...(org.genderIdentity
      ? [
          typed('GenderIdentity', 'Gender Identity', 'picklist', {
            length: 255,
            picklist: ['Female', 'Male', 'Nonbinary', 'Not Listed'],
          }),
          typed('Pronouns', 'Pronouns', 'picklist', {
            length: 255,
            picklist: ['He/Him', 'She/Her', 'They/Them', 'He/They', 'She/They', 'Not Listed'],
          }),
        ]
      : []),
    ...contactExtras(),
    ...auditFields(),
  ];
}

/** The rest of a real Contact's standard fields (examples/contact-record-real-2025.json), so GET has its shape. */
function contactExtras(): FieldDef[] {
  const other = { compoundFieldName: 'OtherAddress' };
  const readOnly = { createable: false, updateable: false };
  return [
    text('AssistantName', "Assistant's Name", 40),
    typed('AssistantPhone', 'Asst. Phone', 'phone', { length: 40 }),
    typed('CleanStatus', 'Clean Status', 'picklist', {
      length: 40,
      picklist: ['Matched', 'Different', 'Acknowledged', 'NotFound', 'Inactive', 'Pending', 'SelectMatch', 'Skipped'],
    }),
    typed('ContactSource', 'Contact Source', 'picklist', { length: 255, picklist: [] }),
    typed('DoNotCall', 'Do Not Call', 'boolean', { nillable: false, defaultedOnCreate: true, defaultValue: false }),
    typed('EmailBouncedDate', 'Email Bounced Date', 'datetime'),
    text('EmailBouncedReason', 'Email Bounced Reason', 255),
    typed('Fax', 'Business Fax', 'phone', { length: 40 }),
    typed('HasOptedOutOfEmail', 'Email Opt Out', 'boolean', {
      nillable: false,
      defaultedOnCreate: true,
      defaultValue: false,
    }),
    typed('HasOptedOutOfFax', 'Fax Opt Out', 'boolean', {
      nillable: false,
      defaultedOnCreate: true,
      defaultValue: false,
    }),
    typed('IndividualId', 'Individual ID', 'reference', { length: 18, referenceTo: ['Individual'] }),
    system('IsEmailBounced', 'Is Email Bounced', 'boolean', { defaultValue: false }),
    text('Jigsaw', 'Data.com Key', 20),
    system('JigsawContactId', 'Jigsaw Contact ID', 'string', { length: 20, nillable: true }),
    system('LastActivityDate', 'Last Activity', 'date', { nillable: true, defaultedOnCreate: false }),
    typed('LastCURequestDate', 'Last Stay-in-Touch Request Date', 'datetime', readOnly),
    typed('LastCUUpdateDate', 'Last Stay-in-Touch Save Date', 'datetime', readOnly),
    typed('LastReferencedDate', 'Last Referenced Date', 'datetime', readOnly),
    typed('LastViewedDate', 'Last Viewed Date', 'datetime', readOnly),
    typed('MailingGeocodeAccuracy', 'Mailing Geocode Accuracy', 'picklist', {
      compoundFieldName: 'MailingAddress',
      length: 40,
      picklist: [
        'Address',
        'NearAddress',
        'Block',
        'Street',
        'ExtendedZip',
        'Zip',
        'City',
        'County',
        'State',
        'Unknown',
      ],
    }),
    typed('MailingLatitude', 'Mailing Latitude', 'double', { compoundFieldName: 'MailingAddress' }),
    typed('MailingLongitude', 'Mailing Longitude', 'double', { compoundFieldName: 'MailingAddress' }),
    typed('OtherStreet', 'Other Street', 'textarea', { ...other, length: 255 }),
    text('OtherCity', 'Other City', 40, other),
    text('OtherState', 'Other State/Province', 80, other),
    text('OtherPostalCode', 'Other Zip/Postal Code', 20, other),
    text('OtherCountry', 'Other Country', 80, other),
    typed('OtherGeocodeAccuracy', 'Other Geocode Accuracy', 'picklist', { ...other, length: 40, picklist: [] }),
    typed('OtherLatitude', 'Other Latitude', 'double', other),
    typed('OtherLongitude', 'Other Longitude', 'double', other),
    system('OtherAddress', 'Other Address', 'address', { nillable: true, defaultedOnCreate: false }),
    system('PhotoUrl', 'Photo URL', 'url', { length: 255, nillable: true }),
    typed('ReportsToId', 'Reports To ID', 'reference', {
      length: 18,
      referenceTo: ['Contact'],
      relationshipName: 'ReportsTo',
    }),
  ];
}

function accountFields(): FieldDef[] {
  const billing = { compoundFieldName: 'BillingAddress' };
  return [
    ...idFields('Account ID'),
    text('Name', 'Account Name', 255, { nillable: false, search: 'name' }),
    typed('Type', 'Account Type', 'picklist', {
      length: 255,
      picklist: ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Partner', 'Other'],
    }),
    typed('Phone', 'Account Phone', 'phone', { length: 40, search: 'phone' }),
    typed('Website', 'Website', 'url', { length: 255 }),
    typed('BillingStreet', 'Billing Street', 'textarea', { ...billing, length: 255, search: 'text' }),
    text('BillingCity', 'Billing City', 40, { ...billing, search: 'text' }),
    text('BillingState', 'Billing State/Province', 80, { ...billing }),
    text('BillingPostalCode', 'Billing Zip/Postal Code', 20, { ...billing }),
    text('BillingCountry', 'Billing Country', 80, { ...billing }),
    typed('Description', 'Account Description', 'textarea', { length: 32000 }),
    ...auditFields(),
  ];
}

const HINT_OWNED = [STANDARD_PROFILE];
const hintHelp = 'Maintained by Hint Health (read-only in Salesforce)';

/** The package's Contact fields (digest §8–9): link fields, then the eight Hint-owned ones. */
export function packageContactFields(): CustomFieldInput[] {
  const owned = { readOnlyForStandardUsers: true };
  const f = (name: string, label: string, type: CustomFieldInput['type'], extra: Partial<CustomFieldInput> = {}) => ({
    object: 'Contact',
    name,
    label,
    type,
    ...extra,
  });
  return [
    f('Hint_Patient_Id__c', 'Hint Patient Id', 'string', {
      length: 50,
      externalId: true,
      unique: true,
      caseSensitive: true,
    }),
    f('Synced_to_Hint__c', 'Synced to Hint', 'boolean'),
    f('Last_Batch_Sync_Id__c', 'Last Batch Sync Id', 'string', { length: 40, externalId: true }),
    f('Last_Batch_Sync_Result__c', 'Batch Sync Result', 'picklist', {
      picklistValues: ['Linked', 'Skipped-Already-Linked', 'Skipped-Multiple-Matches', 'No-Match', 'Error'],
    }),
    f('Hint_Gender__c', 'Gender', 'picklist', { picklistValues: ['Female', 'Male', 'Other', 'Unknown'] }),
    f('Hint_Middle_Name__c', 'Middle Name (Hint)', 'string', { length: 40 }),
    f('Hint_Practitioner_Name__c', 'Practitioner Name', 'string', { length: 255, ...owned }),
    f('Hint_Insurance_Payer__c', 'Insurance Payer', 'string', { length: 255, ...owned }),
    f('Hint_Insurance_Group_Id__c', 'Insurance Group ID', 'string', { length: 80, ...owned }),
    f('Hint_Insurance_Member_Id__c', 'Insurance Member ID', 'string', { length: 80, ...owned }),
    f('Hint_Member_Contract_Accepted__c', 'Member Contract Accepted', 'boolean', owned),
    f('Hint_Member_Contract_Accepted_At__c', 'Member Contract Accepted At', 'datetime', owned),
    f('Hint_HIPAA_Authorization_Accepted__c', 'HIPAA Authorization Accepted', 'boolean', owned),
    f('Hint_HIPAA_Authorization_Accepted_At__c', 'HIPAA Authorization Accepted At', 'datetime', owned),
  ];
}

export function nsName(namespace: string, name: string): string {
  return namespace ? `${namespace}__${name}` : name;
}

function customField(input: CustomFieldInput, namespace: string): FieldDef {
  const name = nsName(namespace, input.name);
  const base = { custom: true, readOnlyFor: input.readOnlyForStandardUsers ? HINT_OWNED : undefined };
  const help = input.readOnlyForStandardUsers ? { inlineHelpText: hintHelp } : {};
  if (input.type === 'boolean')
    return {
      ...system(name, input.label, 'boolean'),
      createable: true,
      updateable: true,
      defaultValue: false,
      ...base,
      ...help,
    };
  if (input.type === 'picklist')
    return typed(name, input.label, 'picklist', {
      length: 255,
      picklist: input.picklistValues ?? [],
      ...base,
      ...help,
    });
  if (input.type === 'datetime' || input.type === 'date')
    return typed(name, input.label, input.type, { ...base, ...help });
  const length =
    input.length ??
    (input.type === 'textarea' ? 131072 : input.type === 'email' ? 80 : input.type === 'phone' ? 40 : 255);
  return typed(name, input.label, input.type, {
    length,
    externalId: input.externalId ?? false,
    unique: input.unique ?? false,
    caseSensitive: input.caseSensitive ?? false,
    idLookup: input.externalId ?? false,
    ...base,
    ...help,
  });
}

function logFields(namespace: string): FieldDef[] {
  const n = (name: string) => nsName(namespace, name);
  return [
    ...idFields('Record ID'),
    system('Name', 'Log Number', 'string', { length: 80, autoNumber: 'LOG-{000000}', search: 'name' }),
    typed(n('Level__c'), 'Level', 'picklist', {
      custom: true,
      length: 255,
      picklist: ['Debug', 'Error', 'Exception'],
      restrictedPicklist: true,
    }),
    typed(n('Message__c'), 'Message', 'textarea', { custom: true, length: 131072 }),
    typed(n('Details__c'), 'Details', 'textarea', { custom: true, length: 131072 }),
    typed(n('Contact__c'), 'Contact', 'reference', {
      custom: true,
      length: 18,
      referenceTo: ['Contact'],
      relationshipName: n('Contact__r'),
    }),
    text(n('Hint_Patient_Id__c'), 'Hint Patient Id', 50, { custom: true }),
    text(n('Batch_Id__c'), 'Batch Id', 40, { custom: true, externalId: true, idLookup: true }),
    text(n('Operation__c'), 'Operation', 80, { custom: true }),
    ...auditFields(),
  ];
}

function objectDef(
  name: string,
  label: string,
  labelPlural: string,
  keyPrefix: string,
  fields: FieldDef[],
  at: number,
): ObjectDef {
  const byLower = new Map(fields.map((f) => [f.name.toLowerCase(), f]));
  const relationships = new Map<string, FieldDef>();
  for (const f of fields) if (f.relationshipName) relationships.set(f.relationshipName.toLowerCase(), f);
  return {
    name,
    label,
    labelPlural,
    keyPrefix,
    custom: name.endsWith('__c'),
    fields,
    byLower,
    relationships,
    modifiedAt: at,
  };
}

/** The objects this org has, given its settings. */
export function buildSchema(org: OrgSettings, createdAt: number): Map<string, ObjectDef> {
  const ns = org.namespace;
  const contact = contactFields(org);
  const objects = new Map<string, ObjectDef>();
  const customs = org.packageDeployed ? (org.customFields ?? packageContactFields()) : [];
  const at = Math.max(createdAt, org.deployedAt);
  const extra = (object: string) => customs.filter((c) => c.object === object).map((c) => customField(c, ns));
  objects.set('Contact', objectDef('Contact', 'Contact', 'Contacts', '003', [...contact, ...extra('Contact')], at));
  objects.set(
    'Account',
    objectDef('Account', 'Account', 'Accounts', '001', [...accountFields(), ...extra('Account')], at),
  );
  if (org.packageDeployed) {
    const log = nsName(ns, LOG_OBJECT);
    objects.set(log, objectDef(log, 'Hint Log', 'Hint Logs', 'a0B', logFields(ns), at));
  }
  return objects;
}

/** Case-insensitive lookup of an object by API name. */
export function findObject(schema: Map<string, ObjectDef>, name: string): ObjectDef | undefined {
  const direct = schema.get(name);
  if (direct) return direct;
  const lower = name.toLowerCase();
  for (const def of schema.values()) if (def.name.toLowerCase() === lower) return def;
  return undefined;
}

/** Field-level security: whether this profile may write the field. */
export function writableBy(field: FieldDef, profile: string, creating: boolean): boolean {
  if (creating ? !field.createable : !field.updateable) return false;
  return !field.readOnlyFor?.includes(profile);
}

const SOAP: Record<FieldType, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  string: 'xsd:string',
  textarea: 'xsd:string',
  email: 'xsd:string',
  phone: 'xsd:string',
  url: 'xsd:string',
  picklist: 'xsd:string',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  boolean: 'xsd:boolean',
  double: 'xsd:double',
  address: 'urn:address',
};

/** One DescribeFieldResult, as the calling profile sees it (createable/updateable per FLS). */
export function describeField(field: FieldDef, profile: string): Record<string, unknown> {
  const textual = field.length !== undefined && !['id', 'reference'].includes(field.type);
  const length = field.type === 'id' || field.type === 'reference' ? 18 : (field.length ?? 0);
  return {
    name: field.name,
    label: field.label,
    type: field.type,
    soapType: SOAP[field.type],
    length: ['date', 'datetime', 'boolean', 'address', 'double'].includes(field.type) ? 0 : length,
    byteLength: textual ? length * 3 : ['id', 'reference'].includes(field.type) ? 18 : 0,
    digits: 0,
    precision: 0,
    scale: 0,
    nillable: field.nillable,
    createable: writableBy(field, profile, true),
    updateable: writableBy(field, profile, false),
    defaultedOnCreate: field.defaultedOnCreate ?? false,
    defaultValue: field.defaultValue ?? null,
    custom: field.custom ?? false,
    externalId: field.externalId ?? false,
    unique: field.unique ?? false,
    idLookup: field.idLookup ?? false,
    caseSensitive: field.caseSensitive ?? false,
    calculated: field.type === 'address' || field.name === 'Name',
    autoNumber: field.autoNumber !== undefined,
    filterable: field.type !== 'address' && field.type !== 'textarea',
    sortable: field.type !== 'address' && field.type !== 'textarea',
    groupable: !['address', 'textarea', 'datetime', 'double'].includes(field.type),
    nameField: field.name === 'Name',
    compoundFieldName: field.compoundFieldName ?? null,
    extraTypeInfo: field.extraTypeInfo ?? null,
    referenceTo: field.referenceTo ?? [],
    relationshipName: field.relationshipName ?? null,
    restrictedPicklist: field.restrictedPicklist ?? false,
    picklistValues: (field.picklist ?? []).map((value) => ({
      active: true,
      defaultValue: false,
      label: value,
      validFor: null,
      value,
    })),
    inlineHelpText: field.inlineHelpText ?? null,
  };
}

export function objectUrls(def: ObjectDef, version: string): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${def.name}`;
  return {
    sobject: base,
    describe: `${base}/describe`,
    rowTemplate: `${base}/{ID}`,
  };
}

/** The object-level part of a describe (global describe, basic info and full describe share it). */
export function describeObjectHeader(def: ObjectDef, version: string): Record<string, unknown> {
  return {
    name: def.name,
    label: def.label,
    labelPlural: def.labelPlural,
    keyPrefix: def.keyPrefix,
    custom: def.custom,
    createable: true,
    updateable: true,
    deletable: true,
    queryable: true,
    searchable: true,
    retrieveable: true,
    replicateable: true,
    triggerable: true,
    undeletable: true,
    mergeable: def.name === 'Contact' || def.name === 'Account',
    layoutable: true,
    urls: objectUrls(def, version),
  };
}

export function describeObject(def: ObjectDef, version: string, profile: string): Record<string, unknown> {
  return {
    ...describeObjectHeader(def, version),
    fields: def.fields.map((f) => describeField(f, profile)),
    childRelationships: [],
    recordTypeInfos: [],
  };
}
