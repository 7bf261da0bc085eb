// Deterministic synthetic people for the matcher benchmark: households (shared surname,
// address and landline, so twins, spouses and siblings are in the data), Zipf-distributed
// names, and a second source in which half the people reappear with realistic errors —
// typos, nicknames, surname changes, moves, new phones, transposed dates, other formats.
import { seededRandom } from '../src/core/random.ts';
import type { MatchRecord } from '../src/core/matching/index.ts';

type Random = () => number;

export const FIRST_F =
  'olivia charlotte amelia isla mia ava grace chloe emily sophie ella ruby zoe lily harper evie matilda sienna isabella willow ivy hannah sarah jessica emma jennifer elizabeth margaret mary patricia linda barbara susan karen nancy lisa betty sandra ashley kimberly donna michelle carol amanda melissa deborah stephanie rebecca laura helen anna kathleen catherine christine samantha nicole rachel alexandra victoria natalie madison abigail megan lauren brooke tayla jasmine kayla georgia holly caitlin courtney bianca'.split(
    ' ',
  );
export const FIRST_M =
  'oliver noah jack william leo lucas thomas henry charlie james ethan liam harrison mason hudson isaac samuel max archer alexander robert john michael david richard joseph christopher daniel matthew anthony mark steven paul andrew joshua kenneth kevin brian george timothy ronald jason edward jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin gregory frank raymond patrick peter nathan adam lachlan riley cooper jayden blake tyler dylan connor declan'.split(
    ' ',
  );
export const SYLLABLES =
  'an ber bro ca chen der di el fer gan har hol in jo kel lan le mar mc mil mor nel ni o pa per quin ra ro san sch ser ta ten tho van ver wal war wil yo zim ton son ley ford field well man ston wood worth by ham'.split(
    ' ',
  );
export const COMMON_SURNAMES =
  'smith jones williams brown wilson taylor johnson white martin anderson thompson nguyen thomas walker harris lee ryan robinson kelly king davis wright evans roberts green hall wood jackson clarke patel khan lewis james phillips mitchell turner baker hill campbell murphy scott young allen'.split(
    ' ',
  );
export const STREET_TYPES = [
  'Street',
  'Road',
  'Avenue',
  'Drive',
  'Place',
  'Crescent',
  'Court',
  'Close',
  'Lane',
  'Parade',
  'Circuit',
  'Way',
];
export const STATES = ['NSW', 'VIC', 'QLD', 'WA', 'SA', 'TAS', 'ACT', 'NT'];
export const DOMAINS = ['gmail.com', 'outlook.com', 'hotmail.com', 'bigpond.com', 'yahoo.com.au', 'icloud.com'];
const NICKNAMES: Record<string, string> = {
  elizabeth: 'liz',
  robert: 'bob',
  william: 'bill',
  margaret: 'maggie',
  richard: 'rick',
  james: 'jim',
  michael: 'mike',
  katherine: 'kate',
  catherine: 'cathy',
  christopher: 'chris',
  alexander: 'alex',
  jennifer: 'jen',
  thomas: 'tom',
  samantha: 'sam',
  samuel: 'sam',
  rebecca: 'becky',
  matthew: 'matt',
  daniel: 'dan',
  jonathan: 'jon',
  patricia: 'trish',
  benjamin: 'ben',
  nicholas: 'nick',
  andrew: 'andy',
  joseph: 'joe',
  anthony: 'tony',
  edward: 'ted',
  stephanie: 'steph',
  victoria: 'vicky',
  jessica: 'jess',
  deborah: 'debbie',
};

const pick = <T>(r: Random, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
/** Zipf-ish pick: early items much more common, as with real names and places. */
const pickZipf = <T>(r: Random, list: readonly T[], skew = 2.2): T => list[Math.floor(list.length * r() ** skew)] as T;
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function makeWord(r: Random, parts: number): string {
  let word = '';
  for (let i = 0; i < parts; i++) word += pick(r, SYLLABLES);
  return word;
}

function makeVocab(r: Random, size: number, parts: () => number): string[] {
  const set = new Set<string>();
  while (set.size < size) set.add(makeWord(r, parts()));
  return [...set];
}

export interface Person {
  first: string;
  middle: string;
  last: string;
  sex: 'F' | 'M';
  dob: [number, number, number];
  email: string | null;
  mobile: string | null;
  landline: string | null;
  number: number;
  unit: number | null;
  street: string;
  streetType: string;
  suburb: string;
  postcode: string;
  state: string;
  medicare: string | null;
  irn: number;
}

function medicareNumber(r: Random): string {
  const digits = [2 + Math.floor(r() * 5), ...Array.from({ length: 7 }, () => Math.floor(r() * 10))];
  const weights = [1, 3, 7, 9, 1, 3, 7, 9];
  const check = digits.reduce((s, d, i) => s + d * (weights[i] as number), 0) % 10;
  return [...digits, check, 1 + Math.floor(r() * 3)].join('');
}

/** A population of `count` people in households. */
export function generatePeople(count: number, seed: number): Person[] {
  const r = seededRandom(seed);
  const surnames = [...COMMON_SURNAMES, ...makeVocab(r, 20000, () => 2 + Math.floor(r() * 2))];
  const streets = makeVocab(r, 3000, () => 2 + Math.floor(r() * 2));
  const suburbs = Array.from({ length: 1500 }, (_, i) => ({
    name: makeWord(r, 2 + (i % 2)),
    postcode: String(2000 + i * 3),
    state: pick(r, STATES),
  }));
  const people: Person[] = [];
  while (people.length < count) {
    const last = pickZipf(r, surnames);
    const place = pickZipf(r, suburbs);
    const home = {
      number: 1 + Math.floor(r() * 250),
      unit: r() < 0.2 ? 1 + Math.floor(r() * 20) : null,
      street: pick(r, streets),
      streetType: pick(r, STREET_TYPES),
    };
    const landline = r() < 0.3 ? `0${2 + Math.floor(r() * 7)}${pad(Math.floor(r() * 1e8), 8)}` : null;
    const medicare = r() < 0.5 ? medicareNumber(r) : null;
    const size = 1 + Math.floor(r() ** 2 * 4);
    const twinDob: [number, number, number] = [
      1930 + Math.floor(r() * 90),
      1 + Math.floor(r() * 12),
      1 + Math.floor(r() * 28),
    ];
    for (let k = 0; k < size && people.length < count; k++) {
      const sex = r() < 0.5 ? 'F' : 'M';
      const first = pickZipf(r, sex === 'F' ? FIRST_F : FIRST_M, 1.5);
      const dob: [number, number, number] =
        k === 1 && r() < 0.1
          ? twinDob
          : [1930 + Math.floor(r() * 90), 1 + Math.floor(r() * 12), 1 + Math.floor(r() * 28)];
      people.push({
        first,
        middle: r() < 0.4 ? pickZipf(r, sex === 'F' ? FIRST_F : FIRST_M) : '',
        last,
        sex,
        dob,
        email:
          r() < 0.6
            ? `${first}${r() < 0.5 ? '.' : ''}${last}${r() < 0.3 ? Math.floor(r() * 100) : ''}@${pick(r, DOMAINS)}`
            : null,
        mobile: r() < 0.75 ? `04${pad(Math.floor(r() * 1e8), 8)}` : null,
        landline,
        ...home,
        suburb: place.name,
        postcode: place.postcode,
        state: place.state,
        medicare,
        irn: k + 1,
      });
    }
  }
  return people;
}

function typo(r: Random, s: string): string {
  if (s.length < 2) return s;
  const i = Math.floor(r() * s.length);
  const letter = String.fromCharCode(97 + Math.floor(r() * 26));
  switch (Math.floor(r() * 4)) {
    case 0:
      return s.slice(0, i) + letter + s.slice(i + 1);
    case 1:
      return s.slice(0, i) + s.slice(i + 1);
    case 2:
      return s.slice(0, i) + letter + s.slice(i);
    default:
      return i < s.length - 1 ? s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2) : s;
  }
}

/** The person as source A writes them: tidy, ISO dates, national phone format. */
export function toRecordA(p: Person, id: string): MatchRecord {
  return {
    id,
    firstName: cap(p.first),
    middleName: cap(p.middle),
    lastName: cap(p.last),
    sex: p.sex,
    dob: `${p.dob[0]}-${pad(p.dob[1])}-${pad(p.dob[2])}`,
    email: p.email,
    phone: p.mobile,
    phones: p.landline ? [p.landline] : [],
    addressLine1: `${p.unit ? `Unit ${p.unit}, ` : ''}${p.number} ${cap(p.street)} ${p.streetType}`,
    city: cap(p.suburb),
    state: p.state,
    postcode: p.postcode,
    country: 'AU',
    medicareNumber: p.medicare,
    medicareIrn: String(p.irn),
  };
}

/** The same person as source B writes them, with the errors and changes of real life. */
export function toRecordB(p: Person, id: string, r: Random): MatchRecord {
  const maybe = (prob: number) => r() < prob;
  let first = maybe(0.06) ? (NICKNAMES[p.first] ?? p.first) : p.first;
  if (maybe(0.08)) first = typo(r, first);
  let last = maybe(0.07) ? typo(r, p.last) : p.last;
  if (p.sex === 'F' && maybe(0.05)) last = pickZipf(r, COMMON_SURNAMES);
  const y = p.dob[0];
  let [, m, d] = p.dob;
  if (maybe(0.02) && d <= 12) [m, d] = [d, m];
  else if (maybe(0.03)) d = Math.min(28, Math.max(1, d + (r() < 0.5 ? 1 : -1) * (1 + Math.floor(r() * 9))));
  const moved = maybe(0.12);
  const phone = maybe(0.1)
    ? null
    : maybe(0.1)
      ? `04${pad(Math.floor(r() * 1e8), 8)}`
      : p.mobile && maybe(0.03)
        ? typo(r, p.mobile).replace(/[a-z]/g, '7')
        : p.mobile;
  const street = moved
    ? `${1 + Math.floor(r() * 200)} ${cap(typo(r, p.street))} St`
    : `${p.unit ? `${p.unit}/` : ''}${p.number} ${maybe(0.05) ? typo(r, p.street) : p.street} ${maybe(0.5) ? p.streetType.slice(0, 2) : p.streetType}`;
  return {
    id,
    firstName: maybe(0.5) ? first.toUpperCase() : cap(first),
    lastName: maybe(0.5) ? last.toUpperCase() : last,
    sex: maybe(0.05) ? null : p.sex,
    dob: maybe(0.03) ? null : maybe(0.5) ? `${pad(d)}/${pad(m)}/${y}` : `${y}${pad(m)}${pad(d)}`,
    email: maybe(0.15) ? null : p.email && maybe(0.05) ? p.email.replace('@', '+clinic@') : p.email,
    phone: phone ? (maybe(0.5) ? `+61 ${phone.slice(1, 4)} ${phone.slice(4, 7)} ${phone.slice(7)}` : phone) : null,
    phones: p.landline && maybe(0.7) ? [p.landline] : [],
    addressLine1: street,
    city: moved ? cap(makeWord(r, 2)) : p.suburb,
    state: p.state,
    postcode: moved ? String(2000 + Math.floor(r() * 4500)) : p.postcode,
    country: 'Australia',
    medicareNumber: p.medicare && maybe(0.6) ? p.medicare.replace(/^(\d{4})(\d{5})(\d)$/, '$1 $2 $3') : null,
    medicareIrn: p.medicare ? String(p.irn) : null,
  };
}

export interface SyntheticData {
  a: MatchRecord[];
  b: MatchRecord[];
  truth: Map<string, string>;
}

/** n records per side; `overlap` of B's people are also in A. truth maps B id → A id. */
export function generateLinkData(n: number, overlap = 0.5, seed = 42): SyntheticData {
  const people = generatePeople(Math.round(n * (2 - overlap)), seed);
  const r = seededRandom(seed + 1);
  const a = people.slice(0, n).map((p, i) => toRecordA(p, `a${i}`));
  const shared = Math.round(n * overlap);
  const truth = new Map<string, string>();
  const b: MatchRecord[] = [];
  for (let i = 0; i < n; i++) {
    const index = i < shared ? i : n + (i - shared);
    const id = `b${i}`;
    if (i < shared) truth.set(id, `a${index}`);
    b.push(toRecordB(people[index] as Person, id, r));
  }
  return { a, b, truth };
}
