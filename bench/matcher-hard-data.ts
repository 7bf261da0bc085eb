// The hard matcher benchmark's data: a deterministic, seeded generator of people in
// households, each appearing as a cluster of 1..10 records corrupted the way clinic data is
// (typos and OCR substitutions in names, nicknames, first/last swaps, missing values up to
// half a field, dates of birth with day/month transposed, a mistyped digit or missing,
// changed emails and phones, moves), with twins and same-household people (spouses,
// children, a son named after his father) who are *different* people and must not match.
//
// Three profiles: clean, typical (the one tuned on, seed 1 only) and hard (never tuned on;
// nor are the other seeds). No national identifiers: the matcher is judged without them.
import { seededRandom } from '../src/core/random.ts';
import type { MatchRecord } from '../src/core/matching/index.ts';
import {
  COMMON_SURNAMES,
  DOMAINS,
  FIRST_F,
  FIRST_M,
  STATES,
  STREET_TYPES,
  SYLLABLES,
} from './matcher-synthetic-data.ts';

type Random = () => number;

export type ProfileName = 'clean' | 'typical' | 'hard';
export const PROFILES: readonly ProfileName[] = ['clean', 'typical', 'hard'];
/** The only seed tuning may look at; every other seed is held out for evaluation. */
export const TUNING_SEED = 1;

/** Chances per record (each applied independently) and the cluster-size weights. */
interface Profile {
  /** Relative weights of cluster sizes 1, 2, 3, … 10. */
  sizes: number[];
  nameTypo: number;
  nameOcr: number;
  doubleTypo: number;
  nickname: number;
  initialOnly: number;
  useMiddle: number;
  swap: number;
  firstMissing: number;
  lastMissing: number;
  marriedName: number;
  dobTranspose: number;
  dobDigit: number;
  dobMissing: number;
  emailMissing: number;
  phoneMissing: number;
  addressMissing: number;
  sexMissing: number;
  middleMissing: number;
  phoneTypo: number;
  streetTypo: number;
  /** Share of people who moved / changed phone / changed email at least once. */
  moved: number;
  newPhone: number;
  newEmail: number;
  twins: number;
}

const PROFILE: Record<ProfileName, Profile> = {
  clean: {
    sizes: [50, 25, 12, 6, 3, 2, 1, 0.5, 0.3, 0.2],
    nameTypo: 0.03,
    nameOcr: 0.01,
    doubleTypo: 0,
    nickname: 0.03,
    initialOnly: 0.01,
    useMiddle: 0.01,
    swap: 0.01,
    firstMissing: 0.01,
    lastMissing: 0.01,
    marriedName: 0.02,
    dobTranspose: 0.01,
    dobDigit: 0.01,
    dobMissing: 0.02,
    emailMissing: 0.2,
    phoneMissing: 0.1,
    addressMissing: 0.05,
    sexMissing: 0.05,
    middleMissing: 0.3,
    phoneTypo: 0.01,
    streetTypo: 0.03,
    moved: 0.1,
    newPhone: 0.1,
    newEmail: 0.1,
    twins: 0.03,
  },
  typical: {
    sizes: [35, 22, 14, 9, 6, 4, 3, 2, 1.5, 1],
    nameTypo: 0.1,
    nameOcr: 0.04,
    doubleTypo: 0.02,
    nickname: 0.08,
    initialOnly: 0.02,
    useMiddle: 0.03,
    swap: 0.03,
    firstMissing: 0.03,
    lastMissing: 0.03,
    marriedName: 0.05,
    dobTranspose: 0.04,
    dobDigit: 0.05,
    dobMissing: 0.08,
    emailMissing: 0.35,
    phoneMissing: 0.25,
    addressMissing: 0.15,
    sexMissing: 0.15,
    middleMissing: 0.5,
    phoneTypo: 0.03,
    streetTypo: 0.08,
    moved: 0.3,
    newPhone: 0.3,
    newEmail: 0.3,
    twins: 0.04,
  },
  hard: {
    sizes: [25, 18, 14, 11, 9, 7, 6, 4, 3, 3],
    nameTypo: 0.18,
    nameOcr: 0.07,
    doubleTypo: 0.05,
    nickname: 0.12,
    initialOnly: 0.04,
    useMiddle: 0.05,
    swap: 0.05,
    firstMissing: 0.06,
    lastMissing: 0.06,
    marriedName: 0.08,
    dobTranspose: 0.07,
    dobDigit: 0.09,
    dobMissing: 0.15,
    emailMissing: 0.5,
    phoneMissing: 0.45,
    addressMissing: 0.3,
    sexMissing: 0.3,
    middleMissing: 0.6,
    phoneTypo: 0.05,
    streetTypo: 0.12,
    moved: 0.45,
    newPhone: 0.45,
    newEmail: 0.4,
    twins: 0.06,
  },
};

const NICKNAMES: Record<string, string[]> = {
  elizabeth: ['liz', 'beth', 'lizzie', 'betty'],
  robert: ['bob', 'rob', 'bobby'],
  william: ['bill', 'will', 'billy'],
  margaret: ['maggie', 'peggy', 'meg'],
  richard: ['rick', 'dick', 'rich'],
  james: ['jim', 'jimmy', 'jamie'],
  michael: ['mike', 'mick'],
  catherine: ['cathy', 'kate', 'cate'],
  christopher: ['chris', 'kit'],
  alexander: ['alex', 'sandy'],
  alexandra: ['alex', 'lexi'],
  jennifer: ['jen', 'jenny'],
  thomas: ['tom', 'tommy'],
  samantha: ['sam', 'sammy'],
  samuel: ['sam'],
  rebecca: ['becky', 'bec'],
  matthew: ['matt'],
  daniel: ['dan', 'danny'],
  patricia: ['trish', 'patty'],
  benjamin: ['ben'],
  andrew: ['andy', 'drew'],
  joseph: ['joe', 'joey'],
  anthony: ['tony'],
  edward: ['ed', 'ted', 'eddie'],
  stephanie: ['steph'],
  victoria: ['vicky', 'tori'],
  jessica: ['jess'],
  deborah: ['debbie', 'deb'],
  charlotte: ['charlie', 'lottie'],
  isabella: ['bella', 'izzy'],
  kimberly: ['kim'],
  nicholas: ['nick'],
  timothy: ['tim'],
  kenneth: ['ken'],
  david: ['dave'],
  steven: ['steve'],
  jonathan: ['jon'],
  barbara: ['barb'],
  susan: ['sue', 'suzy'],
  sandra: ['sandy'],
  amanda: ['mandy'],
  christine: ['chris', 'tina'],
  kathleen: ['kathy', 'kath'],
  victor: ['vic'],
  harrison: ['harry'],
  oliver: ['ollie'],
};

/** What scanned forms do to letters (both directions). */
const OCR: [string, string][] = [
  ['rn', 'm'],
  ['m', 'rn'],
  ['cl', 'd'],
  ['d', 'cl'],
  ['l', '1'],
  ['o', '0'],
  ['i', 'l'],
  ['e', 'c'],
  ['h', 'b'],
  ['u', 'v'],
  ['n', 'h'],
  ['a', 'o'],
  ['g', 'q'],
  ['s', '5'],
];

const KEYBOARD = 'qwertyuiop asdfghjkl zxcvbnm';

const pick = <T>(r: Random, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
const pickZipf = <T>(r: Random, list: readonly T[], skew = 2): T => list[Math.floor(list.length * r() ** skew)] as T;
const cap = (s: string) => s.replace(/(^|[ '-])([a-z])/g, (_, p: string, c: string) => p + c.toUpperCase());
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const digits = (r: Random, n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');

/** A keyboard-neighbour substitution, a dropped, doubled or inserted letter, or two swapped. */
function typo(r: Random, s: string): string {
  if (s.length < 3) return s;
  const i = 1 + Math.floor(r() * (s.length - 1));
  const c = s[i] as string;
  const row = KEYBOARD.indexOf(c);
  const neighbour = row >= 0 ? (KEYBOARD[row + (r() < 0.5 ? -1 : 1)] ?? c).trim() || c : c;
  switch (Math.floor(r() * 5)) {
    case 0:
      return s.slice(0, i) + neighbour + s.slice(i + 1);
    case 1:
      return s.slice(0, i) + s.slice(i + 1);
    case 2:
      return s.slice(0, i) + c + s.slice(i);
    case 3:
      return s.slice(0, i) + String.fromCharCode(97 + Math.floor(r() * 26)) + s.slice(i);
    default:
      return i < s.length - 1 ? s.slice(0, i) + s[i + 1] + c + s.slice(i + 2) : s.slice(0, i - 1) + c + s[i - 1];
  }
}

function ocr(r: Random, s: string): string {
  const options = OCR.filter(([from]) => s.includes(from, 1));
  if (options.length === 0) return typo(r, s);
  const [from, to] = pick(r, options);
  const at = s.indexOf(from, 1);
  return s.slice(0, at) + to + s.slice(at + from.length);
}

interface Place {
  number: number;
  unit: number | null;
  street: string;
  streetType: string;
  suburb: string;
  postcode: string;
  state: string;
}

export interface HardPerson {
  personId: string;
  householdId: string;
  first: string;
  middle: string;
  last: string;
  /** A surname after marriage (used in some records), or null. */
  married: string | null;
  sex: 'F' | 'M';
  dob: [number, number, number];
  emails: string[];
  phones: string[];
  places: Place[];
}

interface World {
  surnames: string[];
  streets: string[];
  suburbs: { name: string; postcode: string; state: string }[];
}

function makeWorld(r: Random): World {
  const word = (parts: number) => Array.from({ length: parts }, () => pick(r, SYLLABLES)).join('');
  const unique = (size: number, parts: () => number) => {
    const set = new Set<string>();
    while (set.size < size) set.add(word(parts()));
    return [...set];
  };
  return {
    surnames: [...COMMON_SURNAMES, ...unique(8000, () => 2 + Math.floor(r() * 2))],
    streets: unique(1500, () => 2 + Math.floor(r() * 2)),
    suburbs: Array.from({ length: 400 }, (_, i) => ({
      name: word(2 + (i % 2)),
      postcode: String(2000 + i * 7),
      state: pick(r, STATES),
    })),
  };
}

function newPlace(r: Random, w: World): Place {
  const suburb = pickZipf(r, w.suburbs, 1.6);
  return {
    number: 1 + Math.floor(r() ** 1.5 * 300),
    unit: r() < 0.2 ? 1 + Math.floor(r() * 30) : null,
    street: pickZipf(r, w.streets, 1.4),
    streetType: pick(r, STREET_TYPES),
    suburb: suburb.name,
    postcode: suburb.postcode,
    state: suburb.state,
  };
}

const mobile = (r: Random) => `04${digits(r, 8)}`;
const landline = (r: Random) => `0${pick(r, ['2', '3', '7', '8'])}${digits(r, 8)}`;

function emailFor(r: Random, first: string, last: string): string {
  const local = pick(r, [
    `${first}.${last}`,
    `${first}${last}`,
    `${first[0]}${last}`,
    `${first}${Math.floor(r() * 99)}`,
    `${last}.${first}`,
    `${first}_${last}${1950 + Math.floor(r() * 60)}`,
  ]);
  return `${local.replace(/[^a-z0-9._]/g, '')}@${pickZipf(r, DOMAINS, 1.3)}`;
}

function randomDob(r: Random, from: number, to: number): [number, number, number] {
  return [from + Math.floor(r() * (to - from)), 1 + Math.floor(r() * 12), 1 + Math.floor(r() * 28)];
}

/** A person of a household; the household shares the home, the landline and (mostly) the surname. */
function person(
  r: Random,
  w: World,
  ids: { person: number },
  household: string,
  home: Place,
  homePhone: string | null,
  spec: { last: string; sex?: 'F' | 'M'; first?: string; dob?: [number, number, number]; profile: Profile },
): HardPerson {
  const sex = spec.sex ?? (r() < 0.5 ? 'F' : 'M');
  const names = sex === 'F' ? FIRST_F : FIRST_M;
  const first = spec.first ?? pickZipf(r, names, 1.6);
  const dob = spec.dob ?? randomDob(r, 1930, 2020);
  const p = spec.profile;
  const places = [home, ...(r() < p.moved ? [newPlace(r, w)] : []), ...(r() < p.moved / 3 ? [newPlace(r, w)] : [])];
  const own = mobile(r);
  const phones = [own, ...(homePhone ? [homePhone] : []), ...(r() < p.newPhone ? [mobile(r)] : [])];
  const emails = [emailFor(r, first, spec.last), ...(r() < p.newEmail ? [emailFor(r, first, spec.last)] : [])];
  return {
    personId: `P${ids.person++}`,
    householdId: household,
    first,
    middle: r() < 0.6 ? pickZipf(r, names, 1.3) : '',
    last: spec.last,
    married: sex === 'F' && dob[0] < 2000 && r() < 0.3 ? pickZipf(r, w.surnames, 2.2) : null,
    sex,
    dob,
    emails,
    phones,
    places,
  };
}

/** Households: singles, couples, families with children (twins among them), a son named after his father. */
function households(r: Random, w: World, profile: Profile, count: number): HardPerson[] {
  const people: HardPerson[] = [];
  const ids = { person: 0 };
  for (let h = 0; people.length < count; h++) {
    const id = `H${h}`;
    const home = newPlace(r, w);
    const phone = r() < 0.4 ? landline(r) : null;
    const last = pickZipf(r, w.surnames, 2.2);
    const kind = r();
    const add = (spec: Partial<Parameters<typeof person>[6]>) =>
      people.push(person(r, w, ids, id, home, phone, { last, profile, ...spec }));
    if (kind < 0.4) add({});
    else if (kind < 0.6) {
      add({ sex: 'M', dob: randomDob(r, 1940, 2000) });
      add({ sex: 'F', dob: randomDob(r, 1940, 2000), last: r() < 0.3 ? pickZipf(r, w.surnames, 2.2) : last });
    } else {
      const fatherDob = randomDob(r, 1945, 1990);
      const father = { sex: 'M' as const, dob: fatherDob, first: pickZipf(r, FIRST_M, 1.6) };
      add(father);
      add({ sex: 'F', dob: randomDob(r, fatherDob[0] - 5, fatherDob[0] + 5) });
      const kids = 1 + Math.floor(r() * 3);
      for (let k = 0; k < kids; k++) {
        const dob = randomDob(r, fatherDob[0] + 20, Math.min(2024, fatherDob[0] + 40));
        // A son with his father's first name (and often the same middle name): Jr.
        if (k === 0 && r() < 0.12) add({ sex: 'M', first: father.first, dob });
        else add({ dob });
        if (r() < profile.twins) add({ dob });
      }
    }
  }
  return people;
}

function clusterSize(r: Random, weights: readonly number[]): number {
  const total = weights.reduce((s, x) => s + x, 0);
  let x = r() * total;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i] as number;
    if (x <= 0) return i + 1;
  }
  return weights.length;
}

function corruptName(r: Random, p: Profile, name: string): string {
  let out = name;
  if (r() < p.nameTypo) out = typo(r, out);
  if (r() < p.nameOcr) out = ocr(r, out);
  if (r() < p.doubleTypo) out = typo(r, typo(r, out));
  return out;
}

function formatDob(r: Random, [y, m, d]: [number, number, number]): string {
  const f = r();
  if (f < 0.5) return `${y}-${pad(m)}-${pad(d)}`;
  if (f < 0.85) return `${pad(d)}/${pad(m)}/${y}`;
  return `${y}${pad(m)}${pad(d)}`;
}

/** One digit of the date mistyped, keeping it a real date (as a form validator would). */
function dobDigitError(r: Random, [y, m, d]: [number, number, number]): [number, number, number] {
  for (;;) {
    const text = `${y}${pad(m)}${pad(d)}`.split('');
    const i = Math.floor(r() * 8);
    text[i] = String(Math.floor(r() * 10));
    const s = text.join('');
    const [ny, nm, nd] = [Number(s.slice(0, 4)), Number(s.slice(4, 6)), Number(s.slice(6))];
    if (s !== `${y}${pad(m)}${pad(d)}` && ny > 1900 && ny < 2026 && nm >= 1 && nm <= 12 && nd >= 1 && nd <= 28)
      return [ny, nm, nd];
  }
}

function formatPhone(r: Random, phone: string): string {
  const f = r();
  if (f < 0.4) return phone;
  if (f < 0.7) return `${phone.slice(0, 4)} ${phone.slice(4, 7)} ${phone.slice(7)}`;
  return `+61 ${phone.slice(1, 4)} ${phone.slice(4, 7)} ${phone.slice(7)}`;
}

function formatAddress(r: Random, p: Profile, place: Place): string {
  const street = r() < p.streetTypo ? typo(r, place.street) : place.street;
  const type = r() < 0.4 ? place.streetType.slice(0, 2) : place.streetType;
  const unit = place.unit === null ? '' : r() < 0.5 ? `${place.unit}/` : `Unit ${place.unit}, `;
  return `${unit}${place.number} ${cap(street)} ${type}`;
}

/** One record of a person, with the profile's errors. */
export function recordOf(r: Random, p: Profile, who: HardPerson, id: string): MatchRecord {
  const first0 = r() < p.nickname && NICKNAMES[who.first] ? pick(r, NICKNAMES[who.first] as string[]) : who.first;
  let first: string | null = r() < p.useMiddle && who.middle ? who.middle : corruptName(r, p, first0);
  if (r() < p.initialOnly) first = first.slice(0, 1);
  let last: string | null = corruptName(r, p, who.married && r() < 0.5 ? who.married : who.last);
  if (r() < p.firstMissing) first = null;
  if (r() < p.lastMissing) last = null;
  if (r() < p.swap) [first, last] = [last, first];
  let dob: [number, number, number] | null = who.dob;
  if (r() < p.dobTranspose && dob[2] <= 12 && dob[2] !== dob[1]) dob = [dob[0], dob[2], dob[1]];
  else if (r() < p.dobDigit) dob = dobDigitError(r, dob);
  if (r() < p.dobMissing) dob = null;
  // Later records tend to carry the later address, phone and email (people move on).
  const recent = <T>(list: readonly T[]): T => list[Math.floor(r() ** 0.7 * list.length)] as T;
  let phone: string | null = r() < p.phoneMissing ? null : recent(who.phones);
  if (phone && r() < p.phoneTypo)
    phone = typo(r, phone)
      .replace(/[^0-9]/g, '5')
      .padEnd(10, '0')
      .slice(0, 10);
  const place = recent(who.places);
  const hasAddress = r() >= p.addressMissing;
  const style = r();
  const name = (s: string | null) => (s === null ? '' : style < 0.2 ? s.toUpperCase() : style < 0.3 ? s : cap(s));
  return {
    id,
    firstName: name(first),
    middleName: r() < p.middleMissing ? '' : name(who.middle),
    lastName: name(last),
    sex: r() < p.sexMissing ? '' : who.sex,
    dob: dob ? formatDob(r, dob) : '',
    email: r() < p.emailMissing ? '' : recent(who.emails),
    phone: phone ? formatPhone(r, phone) : '',
    addressLine1: hasAddress ? formatAddress(r, p, place) : '',
    city: hasAddress || r() < 0.5 ? cap(place.suburb) : '',
    state: place.state,
    postcode: hasAddress || r() < 0.5 ? place.postcode : '',
  };
}

export interface HardDedupeSet {
  records: MatchRecord[];
  /** record id → person id (the label). */
  truth: Map<string, string>;
  /** record id → household id (to tell relatives from strangers in error analysis). */
  household: Map<string, string>;
}

/** A list of about n records: people of households, each as a cluster of 1..10 records, shuffled. */
export function generateDedupeSet(profile: ProfileName, seed: number, n: number): HardDedupeSet {
  const r = seededRandom(seed * 7919 + PROFILES.indexOf(profile));
  const p = PROFILE[profile];
  const world = makeWorld(r);
  const people = households(r, world, p, Math.ceil(n / 2));
  const drawn: { who: HardPerson; record: MatchRecord }[] = [];
  for (const who of people) {
    if (drawn.length >= n) break;
    const size = Math.min(clusterSize(r, p.sizes), n - drawn.length);
    for (let k = 0; k < size; k++) drawn.push({ who, record: recordOf(r, p, who, '') });
  }
  // Shuffle (Fisher–Yates), then number: neither order nor ids say who belongs together.
  for (let i = drawn.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [drawn[i], drawn[j]] = [drawn[j] as (typeof drawn)[number], drawn[i] as (typeof drawn)[number]];
  }
  const records: MatchRecord[] = [];
  const truth = new Map<string, string>();
  const household = new Map<string, string>();
  drawn.forEach(({ who, record }, i) => {
    const id = `r${i}`;
    records.push({ ...record, id });
    truth.set(id, who.personId);
    household.set(id, who.householdId);
  });
  return { records, truth, household };
}

export interface HardLinkSet {
  a: MatchRecord[];
  b: MatchRecord[];
  /** record id (either side) → person id. */
  truth: Map<string, string>;
  household: Map<string, string>;
}

/** Two sources of n records each; `overlap` of the people are in both (one record each side). */
export function generateLinkSet(profile: ProfileName, seed: number, n: number, overlap = 0.5): HardLinkSet {
  const r = seededRandom(seed * 104729 + 17 + PROFILES.indexOf(profile));
  const p = PROFILE[profile];
  const world = makeWorld(r);
  const people = households(r, world, p, Math.ceil(n * (2 - overlap)) + 10);
  const a: MatchRecord[] = [];
  const b: MatchRecord[] = [];
  const truth = new Map<string, string>();
  const household = new Map<string, string>();
  // Households stay together (twins in both files); a person is in A only, B only or both.
  for (const who of people) {
    const x = r();
    const inA = x < (1 + overlap) / 2 && a.length < n;
    const inB = x >= (1 - overlap) / 2 && b.length < n;
    if (inA) {
      const id = `a${a.length}`;
      a.push(recordOf(r, p, who, id));
      truth.set(id, who.personId);
      household.set(id, who.householdId);
    }
    if (inB) {
      const id = `b${b.length}`;
      b.push(recordOf(r, p, who, id));
      truth.set(id, who.personId);
      household.set(id, who.householdId);
    }
    if (a.length >= n && b.length >= n) break;
  }
  return { a, b, truth, household };
}
