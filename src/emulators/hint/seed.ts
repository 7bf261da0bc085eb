// Deterministic sandbox data: the same seed gives the same practices, people, memberships,
// employers, balances and credentials. `seed` absent: one practice with five patients.
import { newId, newToken } from './ids.ts';
import type {
  Company,
  Integration,
  Location,
  Membership,
  Partner,
  Patient,
  Plan,
  Practice,
  Practitioner,
} from './model.ts';
import { blankPatientFields } from './patient-fields.ts';
import { chance, intBetween, mulberry32, pick, type Random } from './random.ts';
import {
  CITIES,
  COMPANIES,
  EMAIL_DOMAINS,
  FIRST_NAMES,
  LAST_NAMES,
  LEAD_SOURCES,
  MIDDLE_NAMES,
  PAYERS,
  PRACTITIONERS,
  STREETS,
} from './seed-data.ts';
import { addToIndex, HintData } from './state.ts';
import { formatTimestamp } from './time.ts';
import { seedBilling } from './seed-billing.ts';

const DAY = 86_400_000;
export const DEFAULT_PATIENTS = 5;

export interface SeedResult {
  data: HintData;
  random: Random;
}

function digits(random: Random, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += String(Math.floor(random() * 10));
  return out;
}

function seedPartners(data: HintData, random: Random): Partner[] {
  const make = (name: string, slug: string, redirectUrl: string): Partner => ({
    id: newId(random, 'ptr'),
    name,
    email: `dev@${slug}.example.com`,
    apiKey: newToken(random),
    webhookSecret: newToken(random),
    redirectUrl,
    webhookUrl: null,
    handshakeUrl: null,
    surfaces: { core_page: null, clinical_interaction: null, settings: null },
    productId: newId(random, 'ppro'),
    productName: name,
    productSlug: slug,
    backendId: newId(random, 'pbnd'),
  });
  const partners = [
    make('Tandem', 'tandem', 'http://127.0.0.1:8080/connect/hint/callback?code='),
    make('Other EMR', 'other-emr', 'http://127.0.0.1:9999/hint/callback?code='),
  ];
  for (const p of partners) data.partners.set(p.id, p);
  return partners;
}

export function addPractice(data: HintData, random: Random, name: string, now: number): Practice {
  const place = pick(random, CITIES);
  const practice: Practice = {
    id: newId(random, 'pra'),
    name,
    email: `hello@${name.toLowerCase().replace(/[^a-z]+/g, '')}.example.com`,
    url: null,
    logo_url: null,
    address_line1: `${intBetween(random, 10, 999)} ${pick(random, STREETS)}`,
    address_line2: null,
    address_city: place.city,
    address_state: place.state,
    address_zip: place.zip,
    address_country: 'United States',
    phones: [{ number: `415${digits(random, 7)}`, type: 'office', us_formattable: true }],
    offsetMinutes: -480,
    createdAt: now - 900 * DAY,
    updatedAt: now - 900 * DAY,
    version: 1,
    admin: {
      id: newId(random, 'user'),
      name: 'Pat Admin',
      email: `admin@${name.toLowerCase().replace(/[^a-z]+/g, '')}.example.com`,
    },
  };
  data.practices.set(practice.id, practice);
  return practice;
}

export function connect(
  data: HintData,
  random: Random,
  partner: Partner,
  practice: Practice,
  now: number,
): Integration {
  const integration: Integration = {
    id: newId(random, 'int'),
    installationId: newId(random, 'inst'),
    partnerId: partner.id,
    practiceId: practice.id,
    status: 'active',
    webhookUrlOverride: null,
    apiKeys: [
      {
        id: newId(random, 'key'),
        token: newToken(random),
        description: partner.productName,
        createdAt: now,
        lastUsedAt: null,
        deactivatedAt: null,
      },
    ],
    createdAt: now,
    updatedAt: now,
  };
  data.integrations.set(integration.id, integration);
  return integration;
}

function base(random: Random, prefix: string, practiceId: string, createdAt: number) {
  return { id: newId(random, prefix), practiceId, createdAt, updatedAt: createdAt, version: 1 };
}

function seedPlaces(data: HintData, random: Random, practice: Practice) {
  const created = practice.createdAt;
  const group = { ...base(random, 'prg', practice.id, created), name: `${practice.name} Locations` };
  data.locationGroups.set(group.id, group);
  const locations: Location[] = ['Downtown', 'Eastside'].map((label) => {
    const place = pick(random, CITIES);
    return {
      ...base(random, 'loc', practice.id, created),
      name: `${label} Clinic`,
      address_line1: `${intBetween(random, 10, 999)} ${pick(random, STREETS)}`,
      address_line2: null,
      address_city: place.city,
      address_state: place.state,
      address_zip: place.zip,
      address_country: 'United States',
      address_latitude: 37.7 + random() / 10,
      address_longitude: -122.4 + random() / 10,
      phone_number: `415${digits(random, 7)}`,
      virtual: false,
      groupId: group.id,
    };
  });
  for (const l of locations) data.locations.set(l.id, l);
  const practitioners: Practitioner[] = PRACTITIONERS.map((p) => ({
    ...base(random, 'pct', practice.id, created),
    name: p.name,
    email: `${p.name.split(' ')[1]?.toLowerCase()}@clinic.example.com`,
    bio: `${p.name} practises ${p.specialty.toLowerCase()}.`,
    gender: p.gender,
    gender_other: null,
    education: ['UCSF School of Medicine'],
    npiNumber: `1${digits(random, 9)}`,
    groupId: group.id,
    locationIds: locations.map((l) => l.id),
    specialty: p.specialty,
  }));
  for (const p of practitioners) data.practitioners.set(p.id, p);
  const plans: Plan[] = [
    { name: 'Adult Membership', plan_type: 'retail' as const, rateInCents: 7900 },
    { name: 'Child Membership', plan_type: 'retail' as const, rateInCents: 2900 },
    { name: 'Senior Membership', plan_type: 'retail' as const, rateInCents: 9900 },
    { name: 'Employer Plan', plan_type: 'company' as const, rateInCents: 6500 },
  ].map((p) => ({ ...base(random, 'pln', practice.id, created), ...p }));
  for (const p of plans) data.plans.set(p.id, p);
  const companyPlan = plans[3]?.id ?? null;
  const companies: Company[] = COMPANIES.slice(0, 3).map((name) => {
    const place = pick(random, CITIES);
    return {
      ...base(random, 'com', practice.id, created),
      name,
      status: 'active' as const,
      addressId: newId(random, 'add'),
      address: {
        line1: `${intBetween(random, 100, 999)} ${pick(random, STREETS)}`,
        line2: null,
        city: place.city,
        state: place.state,
        zip: place.zip,
        country: 'United States',
      },
      defaultPlanId: companyPlan,
      phones: [{ number: `415${digits(random, 7)}`, type: 'office', us_formattable: true }],
    };
  });
  for (const c of companies) data.companies.set(c.id, c);
  return { locations, practitioners, plans, companies };
}

function makePatient(
  data: HintData,
  random: Random,
  practice: Practice,
  places: ReturnType<typeof seedPlaces>,
  now: number,
): Patient {
  const sex = chance(random, 0.5) ? 'female' : 'male';
  const first = pick(random, FIRST_NAMES[sex]);
  const last = pick(random, LAST_NAMES);
  const place = pick(random, CITIES);
  const payer = pick(random, PAYERS);
  const createdAt = now - intBetween(random, 30, 800) * DAY;
  const dobYear = intBetween(random, 1940, 2020);
  const dob = `${dobYear}-${String(intBetween(random, 1, 12)).padStart(2, '0')}-${String(intBetween(random, 1, 28)).padStart(2, '0')}`;
  const fields = blankPatientFields();
  Object.assign(fields, {
    first_name: first,
    last_name: last,
    middle_name: chance(random, 0.4) ? pick(random, MIDDLE_NAMES) : null,
    email: `${first}.${last}${intBetween(random, 1, 99)}@${pick(random, EMAIL_DOMAINS)}`
      .toLowerCase()
      .replace(/[^a-z0-9.@]/g, ''),
    dob,
    sex,
    gender: sex,
    gender_identity: sex === 'female' ? 'woman' : 'man',
    address_line1: `${intBetween(random, 10, 9999)} ${pick(random, STREETS)}`,
    address_city: place.city,
    address_state: place.state,
    address_zip: place.zip,
    address_country: 'United States',
    preferred_language: chance(random, 0.15) ? 'es' : 'en',
    health_insurance_payer_name: payer.name,
    health_insurance_payer_id: payer.id,
    health_insurance_member_id: `A${digits(random, 8)}`,
    health_insurance_group_id: digits(random, 5),
    hipaa_authorization_accepted: true,
    hipaa_authorization_accepted_at: formatTimestamp(createdAt, practice.offsetMinutes),
    engaged: chance(random, 0.7),
  });
  const patient: Patient = {
    id: newId(random, 'pat'),
    practiceId: practice.id,
    createdAt,
    updatedAt: createdAt + intBetween(random, 0, 20) * DAY,
    version: 1,
    fields,
    phones: [{ number: `415${digits(random, 7)}`, type: 'mobile', us_formattable: true }],
    emergencyContact: null,
    ssnLast4: chance(random, 0.5) ? digits(random, 4) : null,
    practitionerId: pick(random, places.practitioners).id,
    locationId: pick(random, places.locations).id,
    leadSourceId: pick(random, [...data.leadSources.keys()]),
    archivedAt: chance(random, 0.05) ? createdAt + DAY : null,
  };
  if (patient.updatedAt > now) patient.updatedAt = now;
  data.patients.set(patient.id, patient);
  return patient;
}

function seedPractice(data: HintData, random: Random, practice: Practice, patients: number, now: number): void {
  const places = seedPlaces(data, random, practice);
  for (let i = 0; i < patients; i++) {
    const patient = makePatient(data, random, practice, places, now);
    const membership: Membership | undefined = seedBilling(data, random, patient, places, now);
    if (membership)
      for (const m of membership.members) addToIndex(data.membershipsByPatient, m.patientId, membership.id);
  }
}

/** Builds the whole sandbox for a seed. */
export function buildSeed(seed: number | undefined, now: number): SeedResult {
  const random = mulberry32((seed ?? 0x41) * 2654435761);
  const data = new HintData();
  for (const name of LEAD_SOURCES) {
    const id = newId(random, 'lds');
    data.leadSources.set(id, { id, name, createdAt: now - 1000 * DAY });
  }
  const partners = seedPartners(data, random);
  const names =
    seed === undefined ? ['Sunrise Direct Primary Care'] : ['Sunrise Direct Primary Care', 'Harbor Family Medicine'];
  names.forEach((name, index) => {
    const practice = addPractice(data, random, name, now);
    for (const partner of partners) connect(data, random, partner, practice, now);
    const count = seed === undefined ? DEFAULT_PATIENTS : index === 0 ? seed : Math.min(seed, 3);
    seedPractice(data, random, practice, count, now);
  });
  return { data, random };
}
