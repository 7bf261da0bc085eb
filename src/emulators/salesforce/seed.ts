// Deterministic sandbox orgs: the same seed gives the same users, connected app, accounts and
// contacts. --seed N: N contacts across accounts — some match the Hint emulator's seeded
// patients exactly on first name, last name and birthdate, some nearly (Ann/Anne, a birthdate a
// year or a day off), some are duplicates of each other — the rest are ordinary people.
import { hintSeedPeople, HINT_SEEDS, type SeedPerson } from '../shared/hint-seed-people.ts';
import { mulberry32, type Random } from '../shared/random.ts';
import { newRecordId, randomToken } from './ids.ts';
import { INTEGRATION_PROFILE, STANDARD_PROFILE } from './metadata.ts';
import { OrgData, type SfRecord } from './state.ts';

const DAY = 86_400_000;
export const DEFAULT_CONTACTS = 5;

const FIRST = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Mateo',
  'Sofia',
  'Wei',
  'Priya',
  'Omar',
  'Grace',
  'Diego',
  'Hannah',
  'Arjun',
  'Mei',
  'Samuel',
  'Fatima',
  'Owen',
  'Lucia',
  'James',
];
const LAST = [
  'Nguyen',
  'Rivera',
  'Okafor',
  'Chen',
  'Patel',
  "O'Brien",
  'Schmidt',
  'Haddad',
  'Kowalski',
  'Tanaka',
  'Fischer',
  'Moreau',
  'Silva',
  'Kim',
  'Johansson',
  'Murphy',
  'Rossi',
  'Novak',
  'Adeyemi',
  'Walsh',
];
const CITIES = [
  ['Portland', 'OR', '97205'],
  ['Seattle', 'WA', '98101'],
  ['Denver', 'CO', '80202'],
  ['Austin', 'TX', '78701'],
  ['Oakland', 'CA', '94612'],
  ['Madison', 'WI', '53703'],
] as const;
const STREETS = ['Oak St', 'Pine Ave', 'Cedar Ln', 'Maple Dr', 'Elm St', 'Lake Rd', 'Hillcrest Ave', 'Park Pl'];
const COMPANIES = [
  'Bayview Logistics',
  'Redwood Robotics',
  'Golden Gate Bakery',
  'Mission Analytics',
  'Cascade Outfitters',
  'Summit Dental Group',
  'Harbor Freight Co-op',
  'Northwind Traders',
];
const TITLES = [null, null, 'Office Manager', 'Engineer', 'Teacher', 'Nurse', 'Consultant', 'Director'];
const SALUTATIONS = [null, 'Mr.', 'Ms.', 'Mrs.', 'Dr.'];

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const int = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const digits = (random: Random, n: number) => Array.from({ length: n }, () => String(int(random, 0, 9))).join('');

export interface SeedOptions {
  seed?: number;
  /** Which Hint seed's patients to match (default: the same seed, or the largest tabled one below it). */
  hintSeed?: number;
}

function hintPeopleFor(options: SeedOptions): SeedPerson[] {
  if (options.hintSeed !== undefined) return hintSeedPeople(options.hintSeed);
  if (options.seed === undefined) return hintSeedPeople(undefined);
  const tabled = HINT_SEEDS.filter((s) => s <= options.seed!).pop();
  return tabled === undefined ? [] : hintSeedPeople(tabled);
}

function shiftDate(dob: string, days: number, years: number): string {
  const d = new Date(`${dob}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return new Date(d.getTime() + days * DAY).toISOString().slice(0, 10);
}

/** Ann → Anne, Liam → Lian: one letter added or changed, so exact matching must refuse it. */
function nearName(name: string, random: Random): string {
  if (random() < 0.5) return `${name}e`;
  const i = Math.max(1, name.length - 1);
  const swap = name[i] === 'n' ? 'm' : 'n';
  return name.slice(0, i) + swap + name.slice(i + 1);
}

export function buildSeed(options: SeedOptions, now: number): { data: OrgData; random: Random } {
  const seed = options.seed;
  const random = mulberry32((seed ?? 0x5f) * 2246822519);
  const data = new OrgData();
  data.createdAt = now - 900 * DAY;
  data.pod = `${'ABCDEFGHJK'[int(random, 0, 9)]}${int(random, 1, 9)}`;
  data.orgId = newRecordId('00D', data.pod, 1);
  const user = (n: number, username: string, name: string, profile: string, preAuthorized: boolean) => ({
    id: newRecordId('005', data.pod, n),
    username,
    name,
    email: username,
    profile,
    preAuthorized,
  });
  data.users = [
    user(1, 'integration@clinic.example', 'Integration User', INTEGRATION_PROFILE, true),
    user(2, 'staff@clinic.example', 'Sam Staff', STANDARD_PROFILE, false),
    user(3, 'admin@clinic.example', 'Pat Admin', 'System Administrator', true),
  ];
  data.app = {
    clientId: `3MVG9${randomToken(random, 80)}`,
    clientSecret: randomToken(random, 64),
    callbackUrls: ['http://localhost:1717/OauthRedirect', 'http://127.0.0.1:8080/connect/salesforce/callback'],
    certificatePem: '',
    privateKeyPem: '',
  };
  data.serial = 100;
  const staff = data.users[1]!.id;
  const stamp = (daysAgo: number) => Math.floor((now - daysAgo * DAY) / 1000) * 1000;
  const insert = (object: string, prefix: string, values: Record<string, unknown>, daysAgo: number) => {
    const id = newRecordId(prefix, data.pod, data.serial++);
    const created = stamp(daysAgo);
    const modified = stamp(Math.max(0, daysAgo - int(random, 0, Math.min(daysAgo, 60))));
    const record: SfRecord = {
      id,
      object,
      deleted: false,
      deletedAt: null,
      values: {
        Id: id,
        IsDeleted: false,
        OwnerId: staff,
        CreatedDate: created,
        CreatedById: staff,
        LastModifiedDate: modified,
        LastModifiedById: staff,
        SystemModstamp: modified,
        ...values,
      },
    };
    if (object === 'Contact') record.values.PhotoUrl = `/services/images/photo/${id}`;
    let table = data.records.get(object);
    if (!table) data.records.set(object, (table = new Map()));
    table.set(id, record);
    return record;
  };

  const count = seed === undefined ? DEFAULT_CONTACTS : seed;
  const accounts = [
    insert(
      'Account',
      '001',
      { Name: 'Hint Patients (Default)', Type: 'Other', Description: 'Default account for contacts created from Hint' },
      800,
    ),
  ];
  const companies = Math.max(1, Math.min(COMPANIES.length, Math.ceil(count / 25)));
  for (let i = 0; i < companies; i++) {
    const [city, state, zip] = pick(random, CITIES);
    accounts.push(
      insert(
        'Account',
        '001',
        {
          Name: COMPANIES[i]!,
          Type: 'Customer - Direct',
          Phone: `(503) 555-${digits(random, 4)}`,
          BillingStreet: `${int(random, 100, 999)} ${pick(random, STREETS)}`,
          BillingCity: city,
          BillingState: state,
          BillingPostalCode: zip,
          BillingCountry: 'United States',
        },
        int(random, 400, 800),
      ),
    );
  }

  const contact = (first: string, last: string, dob: string | null) => {
    const [city, state, zip] = pick(random, CITIES);
    const email = `${first}.${last}${int(random, 1, 99)}@example.com`.toLowerCase().replace(/[^a-z0-9.@]/g, '');
    return insert(
      'Contact',
      '003',
      {
        AccountId: random() < 0.85 ? pick(random, accounts).id : null,
        Salutation: pick(random, SALUTATIONS),
        FirstName: first,
        LastName: last,
        Name: `${first} ${last}`,
        Birthdate: dob,
        Email: random() < 0.9 ? email : null,
        MobilePhone: `(503) 555-${digits(random, 4)}`,
        HomePhone: random() < 0.3 ? `(503) 555-${digits(random, 4)}` : null,
        Phone: random() < 0.3 ? `(503) 555-${digits(random, 4)}` : null,
        OtherPhone: null,
        MailingStreet: `${int(random, 10, 9999)} ${pick(random, STREETS)}`,
        MailingCity: city,
        MailingState: state,
        MailingPostalCode: zip,
        MailingCountry: 'United States',
        Title: pick(random, TITLES),
        Department: null,
        Description: null,
        LeadSource: pick(random, ['Web', 'Phone Inquiry', 'Partner Referral', 'Other', null]),
        MasterRecordId: null,
      },
      int(random, 1, 700),
    );
  };

  const hint = hintPeopleFor(options);
  const exact = Math.min(hint.length, Math.ceil(count * 0.3));
  const near = Math.min(Math.max(0, hint.length - exact), Math.max(1, Math.floor(count * 0.1)));
  const dupes = Math.max(1, Math.floor(count * 0.05));
  let made = 0;
  const made_ = () => made < count;
  for (let i = 0; i < exact && made_(); i++, made++) contact(hint[i]!.firstName, hint[i]!.lastName, hint[i]!.dob);
  for (let i = 0; i < near && made_(); i++, made++) {
    const p = hint[exact + i]!;
    const kind = i % 3;
    if (kind === 0) contact(nearName(p.firstName, random), p.lastName, p.dob);
    else if (kind === 1) contact(p.firstName, p.lastName, shiftDate(p.dob, 0, random() < 0.5 ? 1 : -1));
    else contact(p.firstName, p.lastName, shiftDate(p.dob, 1, 0));
  }
  const people = [...(data.records.get('Contact')?.values() ?? [])];
  for (let i = 0; i < dupes && made_() && people.length; i++, made++) {
    const original = people[i % people.length]!.values;
    contact(String(original.FirstName), String(original.LastName), original.Birthdate as string | null);
  }
  for (; made_(); made++) {
    const dob = `${int(random, 1940, 2020)}-${String(int(random, 1, 12)).padStart(2, '0')}-${String(int(random, 1, 28)).padStart(2, '0')}`;
    contact(pick(random, FIRST), pick(random, LAST), random() < 0.95 ? dob : null);
  }
  return { data, random };
}
