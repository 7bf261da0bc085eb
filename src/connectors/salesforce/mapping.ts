// Contact ↔ canonical patient, pure. Values are compared in canonical form ("Value"): the
// contact's side is normalised (trimmed, phones to E.164, gender and country to Tandem's codes)
// so formatting differences are not changes. The link keeps a snapshot of the values both
// sides last agreed on: a side changed a field when it differs from the snapshot, so an edit in
// Salesforce and another in Tandem to different fields of one person both survive.
import { toE164 } from '../../core/records/fields.ts';
import {
  CANONICAL_FIELDS,
  CONTACT_FIELDS,
  HINT_OWNED,
  apiName,
  type CanonicalKey,
  type ContactFieldDef,
  type MappingRule,
} from './mapping-fields.ts';

export type Value = string | boolean | null;
export type Values = Partial<Record<CanonicalKey, Value>>;
export type Json = Record<string, unknown>;

const SEX_TO_SF: Record<string, string> = { female: 'Female', male: 'Male', other: 'Other', unknown: 'Unknown' };
const COUNTRY_NAMES: Record<string, string> = {
  US: 'United States',
  AU: 'Australia',
  CA: 'Canada',
  GB: 'United Kingdom',
  NZ: 'New Zealand',
  IE: 'Ireland',
};
const COUNTRY_ALIASES: Record<string, string> = {
  usa: 'US',
  'united states of america': 'US',
  'u.s.': 'US',
  'u.s.a.': 'US',
  uk: 'GB',
  ...Object.fromEntries(Object.entries(COUNTRY_NAMES).map(([code, name]) => [name.toLowerCase(), code])),
};

/** Rules whose values Salesforce may change in Tandem (never Hint-owned fields). */
export const readsFromSalesforce = (r: MappingRule) => r.direction !== 'toSalesforce' && !HINT_OWNED.has(r.canonical);
export const writesToSalesforce = (r: MappingRule) => r.direction !== 'fromSalesforce';

/** The canonical values of a patient (REST form) and the Hint facts on its Hint link. */
export function patientValues(patient: Json, hintFacts: Json = {}): Values {
  const phones = (patient.phones as { type: string; number: string }[] | undefined) ?? [];
  const address = (patient.address as Json | null) ?? {};
  const insurance = (patient.insurance as Json | null) ?? {};
  const str = (v: unknown): Value => (typeof v === 'string' && v.trim() !== '' ? v : null);
  const bool = (v: unknown): Value => (typeof v === 'boolean' ? v : null);
  const phone = (type: string) => phones.find((p) => p.type === type)?.number ?? null;
  return {
    namePrefix: str(patient.namePrefix),
    firstName: str(patient.firstName),
    middleName: str(patient.middleName),
    lastName: str(patient.lastName),
    dob: str(patient.dob),
    sex: str(patient.sex),
    email: str(patient.email),
    'phones.mobile': phone('mobile'),
    'phones.home': phone('home'),
    'phones.work': phone('work'),
    'address.line1': str(address.line1),
    'address.line2': str(address.line2),
    'address.city': str(address.city),
    'address.state': str(address.state),
    'address.postcode': str(address.postcode),
    'address.country': str(address.country),
    'insurance.payerName': str(insurance.payerName),
    'insurance.groupNumber': str(insurance.groupNumber),
    'insurance.memberId': str(insurance.memberId),
    'hint.practitionerName': str(hintFacts.practitionerName),
    'hint.memberContractAccepted': bool(hintFacts.memberContractAccepted),
    'hint.memberContractAcceptedAt': str(hintFacts.memberContractAcceptedAt),
    'hint.hipaaAuthorizationAccepted': bool(hintFacts.hipaaAuthorizationAccepted),
    'hint.hipaaAuthorizationAcceptedAt': str(hintFacts.hipaaAuthorizationAcceptedAt),
  };
}

export interface ReadProblem {
  field: string;
  message: string;
}

/** A contact's values in canonical form, for the rules Salesforce may change; unreadable values are problems. */
export function contactValues(
  contact: Json,
  rules: MappingRule[],
  namespace: string,
  defaultCountry: string,
): { values: Values; problems: ReadProblem[] } {
  const values: Values = {};
  const problems: ReadProblem[] = [];
  for (const rule of rules.filter(readsFromSalesforce)) {
    const def: ContactFieldDef = CONTACT_FIELDS[rule.contact];
    const name = apiName(namespace, rule.contact);
    let raw = contact[name];
    if (def.streetLine) raw = streetLine(raw, def.streetLine);
    const read = fromSalesforce(CANONICAL_FIELDS[rule.canonical], raw, defaultCountry);
    if ('problem' in read) problems.push({ field: name, message: read.problem });
    else values[rule.canonical] = read.value;
  }
  return { values, problems };
}

function streetLine(raw: unknown, line: 1 | 2): unknown {
  if (typeof raw !== 'string') return null;
  const at = raw.indexOf('\n');
  if (line === 1) return at < 0 ? raw : raw.slice(0, at);
  return at < 0 ? null : raw.slice(at + 1).replace(/\n/g, ', ');
}

function fromSalesforce(kind: string, raw: unknown, defaultCountry: string): { value: Value } | { problem: string } {
  if (raw === null || raw === undefined) return { value: null };
  if (kind === 'bool') return { value: raw === true };
  const text = String(raw).trim();
  if (text === '') return { value: null };
  switch (kind) {
    case 'phone': {
      const e164 = toE164(text, defaultCountry);
      return e164 ? { value: e164 } : { problem: 'is not a phone number Tandem can read' };
    }
    case 'sex': {
      const code = text.toLowerCase();
      return code in SEX_TO_SF ? { value: code } : { problem: `"${text}" is not Female, Male, Other or Unknown` };
    }
    case 'country': {
      if (/^[A-Za-z]{2}$/.test(text)) return { value: text.toUpperCase() };
      const code = COUNTRY_ALIASES[text.toLowerCase()];
      return code ? { value: code } : { problem: 'is not a country Tandem knows (use a two-letter code)' };
    }
    case 'email':
      return { value: text.toLowerCase() };
    default:
      return { value: text };
  }
}

/** Contact field values for the given canonical values (only rules that write to Salesforce). */
export function contactFields(values: Values, rules: MappingRule[], namespace: string): Json {
  const out: Json = {};
  const street: [Value, Value] = [null, null];
  let hasStreet = false;
  for (const rule of rules.filter(writesToSalesforce)) {
    if (!(rule.canonical in values)) continue;
    const def: ContactFieldDef = CONTACT_FIELDS[rule.contact];
    const value = values[rule.canonical] ?? null;
    if (def.streetLine) {
      street[def.streetLine - 1] = value;
      hasStreet = true;
      continue;
    }
    out[apiName(namespace, rule.contact)] = toSalesforce(CANONICAL_FIELDS[rule.canonical], value);
  }
  if (hasStreet)
    out.MailingStreet =
      street[0] || street[1] ? [street[0] ?? '', street[1]].filter((s) => s !== null).join('\n') : null;
  return out;
}

function toSalesforce(kind: string, value: Value): unknown {
  if (value === null) return null;
  if (kind === 'sex') return SEX_TO_SF[String(value)] ?? null;
  if (kind === 'country') return COUNTRY_NAMES[String(value)] ?? value;
  return value;
}

/** Keys of values that differ (null and absent are the same). */
export function changedKeys(a: Values, b: Values, keys: Iterable<CanonicalKey>): CanonicalKey[] {
  return [...keys].filter((k) => (a[k] ?? null) !== (b[k] ?? null));
}

/**
 * Linking a contact with a patient: the `winner`'s value stands where both have one, a blank
 * on either side is filled from the other. What each side must change to end up the same.
 */
export function mergeForLink(
  contact: Values,
  patient: Values,
  rules: MappingRule[],
  winner: 'contact' | 'patient',
): { merged: Values; toPatient: Values; toContact: Values } {
  const merged: Values = {};
  const toPatient: Values = {};
  const toContact: Values = {};
  for (const rule of rules) {
    const k = rule.canonical;
    const c = contact[k] ?? null;
    const p = patient[k] ?? null;
    const canRead = readsFromSalesforce(rule);
    const value = !canRead ? p : winner === 'contact' ? (c ?? p) : (p ?? c);
    merged[k] = value;
    if (canRead && value !== p) toPatient[k] = value;
    if (writesToSalesforce(rule) && value !== c) toContact[k] = value;
  }
  return { merged, toPatient, toContact };
}

/**
 * The canonical patch for changed values: phones replace their own type only, the address and
 * insurance merge into the current ones (the record repository replaces nested objects whole).
 */
export function patientPatch(current: Json, changes: Values): Json {
  const patch: Json = {};
  let phones: { type: string; number: string }[] | undefined;
  let address: Json | undefined;
  for (const [key, value] of Object.entries(changes) as [CanonicalKey, Value][]) {
    if (HINT_OWNED.has(key)) continue;
    const [group, part] = key.split('.') as [string, string | undefined];
    if (group === 'phones' && part) {
      phones = (phones ?? (current.phones as typeof phones) ?? []).filter((p) => p.type !== part);
      if (typeof value === 'string') phones.push({ type: part, number: value });
    } else if (group === 'address' && part) {
      address ??= { ...emptyAddress, ...((current.address as Json | null) ?? {}) };
      address[part] = value;
    } else patch[key] = value;
  }
  if (phones) patch.phones = phones;
  if (address) patch.address = address;
  return patch;
}

const emptyAddress = { line1: null, line2: null, city: null, state: null, postcode: null, country: null };

/** A patient to create from a contact's values (names required by the hub). */
export function patientInput(values: Values): Json {
  return patientPatch({ phones: [] }, values);
}
