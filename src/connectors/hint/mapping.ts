// Pure conversions between Hint's patient and Tandem's canonical patient, driven by the
// connection's field rules. Values are compared in one "wire" form (as Hint holds them,
// normalised), so "did this field change?" means the same thing in both directions.
import type { Json } from '../../db/records/repository.ts';
import { CANONICAL_PATIENT_FIELDS, type FieldKind, type FieldRule, HINT_PATIENT_FIELDS } from './mapping-fields.ts';
import type { HintPatient } from './schemas.ts';

export type Wire = string | null | { number: string; type: string }[];

/** Looks up practitioner links (prefetched by the caller, so this stays pure). */
export interface PractitionerResolver {
  hintIdOf(localId: string): string | undefined;
  localIdOf(hintId: string): string | undefined;
}

const SEX_TO_HINT: Record<string, string | null> = { male: 'male', female: 'female', other: 'intersex', unknown: null };
const SEX_FROM_HINT: Record<string, string> = { male: 'male', female: 'female', intersex: 'other' };
const GENDER_IDENTITIES = ['man', 'woman', 'trans man', 'trans woman', 'nonbinary', 'not listed'];
const GENDER_SYNONYMS: Record<string, string> = {
  male: 'man',
  female: 'woman',
  'non-binary': 'nonbinary',
  'non binary': 'nonbinary',
};
const COUNTRY_NAMES: Record<string, string> = {
  US: 'United States',
  AU: 'Australia',
  CA: 'Canada',
  GB: 'United Kingdom',
  NZ: 'New Zealand',
};
const PHONE_TYPE_TO_HINT: Record<string, string> = { mobile: 'mobile', home: 'home', work: 'office', other: 'other' };
const PHONE_TYPE_FROM_HINT: Record<string, 'mobile' | 'home' | 'work' | 'other'> = {
  mobile: 'mobile',
  cell: 'mobile',
  home: 'home',
  office: 'work',
  work: 'work',
};

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

export function getPath(obj: Json, path: string): unknown {
  let value: unknown = obj;
  for (const key of path.split('.')) value = value && typeof value === 'object' ? (value as Json)[key] : undefined;
  return value;
}

function hintPhonesWire(phones: HintPatient['phones']): Wire {
  return (phones ?? []).map((p) => ({ number: p.number.trim(), type: (p.type ?? 'other').toLowerCase() }));
}

/** A Hint patient's value for one rule, in wire form. */
export function hintWire(rule: FieldRule, patient: HintPatient): Wire {
  const kind = HINT_PATIENT_FIELDS[rule.hint];
  if (kind === 'phones') return hintPhonesWire(patient.phones);
  if (kind === 'practitioner') return patient.practitioner?.id ?? null;
  // "not listed" carries its description in gender_other: the wire holds the description itself.
  if (kind === 'genderIdentity' && patient.gender_identity === 'not listed')
    return text((patient as Json).gender_other) ?? 'not listed';
  return text((patient as Json)[rule.hint]);
}

function e164ToHint(number: string): string {
  return /^\+1\d{10}$/.test(number) ? number.slice(2) : number;
}

function hintToE164(number: string): string {
  const digits = number.replace(/\D/g, '');
  if (number.trim().startsWith('+')) return `+${digits}`;
  if (digits.length === 10) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
  return number.trim();
}

/** A canonical value for one rule, in wire form; undefined when it cannot be expressed in Hint. */
export function canonicalWire(rule: FieldRule, patient: Json, resolver: PractitionerResolver): Wire | undefined {
  const value = getPath(patient, rule.canonical);
  switch (CANONICAL_PATIENT_FIELDS[rule.canonical] as FieldKind) {
    case 'text':
    case 'date':
      return text(value);
    case 'sex':
      return typeof value === 'string' ? (SEX_TO_HINT[value] ?? null) : null;
    case 'genderIdentity': {
      const v = text(value)?.toLowerCase();
      if (!v) return null;
      const mapped = GENDER_SYNONYMS[v] ?? v;
      // One of Hint's list, or the patient's own words (sent as "not listed" + gender_other).
      return GENDER_IDENTITIES.includes(mapped) ? mapped : text(value);
    }
    case 'country': {
      const v = text(value)?.toUpperCase();
      return v ? (COUNTRY_NAMES[v] ?? v) : null;
    }
    case 'phones':
      return ((value ?? []) as { number: string; type: string }[]).map((p) => ({
        number: e164ToHint(p.number),
        type: PHONE_TYPE_TO_HINT[p.type] ?? 'other',
      }));
    case 'practitioner':
      return typeof value === 'string' ? resolver.hintIdOf(value) : null;
  }
}

function countryFromHint(value: string): string | null {
  const upper = value.trim().toUpperCase();
  if (/^[A-Z]{2}$/.test(upper)) return upper;
  if (upper === 'USA' || upper === 'UNITED STATES OF AMERICA') return 'US';
  const found = Object.entries(COUNTRY_NAMES).find(([, name]) => name.toUpperCase() === upper);
  return found ? found[0] : null;
}

/** A wire value as the canonical field holds it; undefined when it has no canonical equivalent yet. */
export function decodeWire(rule: FieldRule, wire: Wire, resolver: PractitionerResolver): unknown {
  const kind = CANONICAL_PATIENT_FIELDS[rule.canonical] as FieldKind;
  if (kind === 'phones') {
    return (Array.isArray(wire) ? wire : []).map((p) => ({
      type: PHONE_TYPE_FROM_HINT[p.type] ?? 'other',
      number: hintToE164(p.number),
    }));
  }
  if (wire === null || Array.isArray(wire)) return null;
  switch (kind) {
    case 'text':
    case 'date':
    case 'genderIdentity':
      return wire;
    case 'sex':
      return SEX_FROM_HINT[wire] ?? null;
    case 'country':
      return countryFromHint(wire);
    case 'practitioner':
      return resolver.localIdOf(wire);
  }
}

/** Hint's PhoneNumber: `us_formattable` must be false for a number that is not exactly 10 digits. */
function phonesBody(wire: Wire): Json[] {
  return (Array.isArray(wire) ? wire : []).map((p) =>
    /^\d{10}$/.test(p.number) ? { ...p } : { ...p, us_formattable: false },
  );
}

/**
 * The Hint request body that writes these wire values, as the spec types them: phones with
 * `us_formattable`, a gender identity outside Hint's list as "not listed" with `gender_other`,
 * and no `practitioner: null` on a create (an Association is `{id}`; there is nothing to clear).
 */
export function hintBody(rules: FieldRule[], values: Map<FieldRule, Wire>, options: { create?: boolean } = {}): Json {
  const body: Json = {};
  for (const [rule, wire] of values) {
    const kind = HINT_PATIENT_FIELDS[rule.hint];
    if (kind === 'practitioner') {
      if (wire !== null) body.practitioner = { id: wire };
      else if (!options.create) body.practitioner = null;
    } else if (kind === 'phones') body[rule.hint] = phonesBody(wire);
    else if (kind === 'genderIdentity' && typeof wire === 'string' && !GENDER_IDENTITIES.includes(wire)) {
      body[rule.hint] = 'not listed';
      body.gender_other = wire;
    } else body[rule.hint] = wire;
  }
  void rules;
  return body;
}

/** A canonical patch from decoded values; nested objects merge with the current record. */
export function canonicalPatch(values: Map<FieldRule, unknown>, current: Json): Json {
  const patch: Json = {};
  for (const [rule, value] of values) {
    if (value === undefined) continue;
    const [head, leaf] = rule.canonical.split('.') as [string, string | undefined];
    if (!leaf) {
      patch[head] = value;
      continue;
    }
    const base = (patch[head] ?? (head === 'insurance' ? { ...((current[head] as Json | null) ?? {}) } : {})) as Json;
    base[leaf] = value;
    patch[head] = base;
  }
  return patch;
}

export interface StaffFacts {
  webLink: string | null;
  membershipStatus: string | null;
  planName: string | null;
  balanceCents: number | null;
  employerName: string | null;
  practitionerName: string | null;
  /** The member contract (Hint's patient agreement) and the HIPAA authorization: accepted, and when (ISO, UTC). */
  memberContractAccepted: boolean | null;
  memberContractAcceptedAt: string | null;
  hipaaAuthorizationAccepted: boolean | null;
  hipaaAuthorizationAcceptedAt: string | null;
}

/** Hint's timestamp (local offset, microseconds) as an ISO instant in UTC; unreadable → null. */
function instant(value: string | null | undefined): string | null {
  if (!value) return null;
  const ms = Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** What staff see about a linked patient, read from Hint's record (Hint owns all of it). */
export function staffFacts(patient: HintPatient): StaffFacts {
  const memberships = [...(patient.memberships ?? [])].sort(
    (a, b) =>
      Number(b.status === 'active') - Number(a.status === 'active') ||
      String(b.start_date ?? '').localeCompare(String(a.start_date ?? '')),
  );
  const current = memberships.find((m) => m.status !== 'ended') ?? memberships[0];
  return {
    webLink: patient.provider_web_link ?? null,
    membershipStatus: patient.membership_status ?? null,
    planName: current?.plan?.name ?? null,
    balanceCents: patient.account?.past_due_in_cents ?? null,
    employerName: patient.company?.name ?? current?.company?.name ?? null,
    practitionerName: patient.practitioner?.name ?? null,
    memberContractAccepted: patient.patient_agreement_accepted ?? null,
    memberContractAcceptedAt: instant(patient.patient_agreement_accepted_at),
    hipaaAuthorizationAccepted: patient.hipaa_authorization_accepted ?? null,
    hipaaAuthorizationAcceptedAt: instant(patient.hipaa_authorization_accepted_at),
  };
}
