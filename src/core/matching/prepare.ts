// Normalises a MatchRecord once into the form every comparison reads, so the pair loop
// does no parsing: folded names with their phonetic keys and nickname groups, the date as
// an integer, phones in E.164, and so on.
import { phoneticKey } from './compare/phonetic.ts';
import {
  normalizeAddress,
  normalizeCountry,
  normalizePostcode,
  normalizeState,
  type NormalizedAddress,
} from './normalize/addresses.ts';
import { dateCode, parseDate } from './normalize/dates.ts';
import { emailLocal, normalizeEmail } from './normalize/emails.ts';
import { normalizeIdentifier, normalizeMedicare, type MedicareCard } from './normalize/identifiers.ts';
import { normalizeName } from './normalize/names.ts';
import { normalizePhone, phoneTail } from './normalize/phones.ts';
import { foldText } from './normalize/text.ts';
import { nicknameGroups } from './nicknames.ts';
import { intern, internOrNull, memoized, NONE } from './intern.ts';
import type { MatchRecord, NormalizeOptions } from './types.ts';

export interface PreparedName {
  /** Tokens joined with nothing ("smithjones"): what exact and Jaro–Winkler compare. */
  key: string;
  tokens: string[];
  phonetic: string;
}

export interface PreparedRecord {
  id: string;
  first: PreparedName | null;
  /** Nickname groups ("g:12") and literal tokens ("n:liz") of the first, preferred and
   *  middle names. A short array, not a Set: there are 200,000 of these in a big run. */
  firstAliases: readonly string[];
  last: PreparedName | null;
  /** YYYYMMDD integer, 0 when missing. */
  dob: number;
  sex: 'm' | 'f' | 'x' | null;
  emails: readonly string[];
  /** The phones' national tails (see phoneTail), what blocking keys use. */
  phoneTails: readonly string[];
  /** Tails of the numbers known to be mobiles (AU +614…): a person's own. */
  mobileTails: readonly string[];
  /** Tails of the other numbers (landlines, or of unknown kind): a household's. */
  landlineTails: readonly string[];
  /** The middle name (first token's worth: compared as evidence of its own). */
  middle: PreparedName | null;
  /** The emails' mailbox names (before the @). */
  emailLocals: readonly string[];
  address1: NormalizedAddress | null;
  address2: string | null;
  city: string | null;
  state: string | null;
  postcode: string | null;
  medicare: MedicareCard | null;
  integrationRecordId: string | null;
  normalizedId: string;
}

function prepareName(raw: string | null | undefined): PreparedName | null {
  return raw ? preparedName(raw) : null;
}

/** Shared by every record spelling the name the same way (see memoized); never mutated. */
const preparedName = memoized((raw: string): PreparedName | null => {
  const name = normalizeName(raw);
  if (!name) return null;
  const key = intern(name.key);
  const tokens = name.tokens.length === 1 ? [key] : name.tokens.map(intern);
  return { key, tokens, phonetic: intern(phoneticKey(key)) };
});

/** Forms that identify the same given name: nickname groups ("g:12") and the literal
 *  tokens of the preferred and middle names ("n:liz"). */
function firstAliases(record: MatchRecord, first: PreparedName | null): readonly string[] {
  // Most records have no preferred or middle name: their aliases follow from the first name.
  if (!record.preferredName && !record.middleName) return record.firstName ? aliasesOfFirst(record.firstName) : NONE;
  return computeFirstAliases(record, first);
}

const aliasesOfFirst = memoized((raw: string) => computeFirstAliases({ id: '', firstName: raw }, prepareName(raw)));

function computeFirstAliases(record: MatchRecord, first: PreparedName | null): readonly string[] {
  const aliases: string[] = [];
  const add = (token: string) => {
    aliases.push(`n:${token}`);
    for (const g of nicknameGroups(token)) aliases.push(`g:${g}`);
  };
  if (first) for (const token of first.tokens) add(token);
  for (const raw of [record.preferredName, record.middleName]) {
    const name = normalizeName(raw);
    if (name) for (const token of name.tokens) if (token.length > 1) add(token);
  }
  return aliases.length === 0 ? NONE : [...new Set(aliases.map(intern))];
}

function normalizeSex(raw: string | null | undefined): 'm' | 'f' | 'x' | null {
  const text = raw ? foldText(raw) : '';
  if (text === 'm' || text === 'male' || text === 'man' || text === 'boy') return 'm';
  if (text === 'f' || text === 'female' || text === 'woman' || text === 'girl' || text === 'w') return 'f';
  if (text === 'x' || text === 'other' || text === 'intersex' || text === 'non binary' || text === 'nonbinary')
    return 'x';
  return null;
}

function unique(values: (string | null)[]): readonly string[] {
  const present = values.filter((v): v is string => v !== null);
  if (present.length === 0) return NONE;
  // Nearly every record has one email and one phone: no Set for those. A literal, not
  // `present`: filter's result keeps spare capacity (~30 MB more over 200,000 records).
  if (present.length === 1) return [present[0] as string];
  return [...new Set(present)];
}

// Field values that repeat across records (suburbs, states, postcodes, a household's address,
// one person's address on both sides) are normalised once per distinct raw string: the
// results are immutable, so records share them, which saves time and memory alike.
const preparedAddress = memoized((raw: string): NormalizedAddress | null => {
  const address = normalizeAddress(raw);
  return address && address.text !== '' ? { ...address, street: intern(address.street) } : null;
});
const preparedText = memoized((raw: string) => internOrNull(nonEmpty(foldText(raw))));
const preparedState = memoized((raw: string) => internOrNull(normalizeState(raw)));
const preparedPostcode = memoized((raw: string) => internOrNull(normalizePostcode(raw)));
const preparedCountry = memoized(normalizeCountry);
const preparedSex = memoized(normalizeSex);

/** `fn` of a non-empty string; null for a missing or empty one (as the normalisers give). */
function ofText<T>(fn: (raw: string) => T | null, raw: string | null | undefined): T | null {
  return raw ? fn(raw) : null;
}

export function prepareRecord(record: MatchRecord, options: NormalizeOptions = {}): PreparedRecord {
  const country = ofText(preparedCountry, record.country);
  const region = country ?? options.defaultCountry ?? 'AU';
  const dateOrder = options.dateOrder ?? (country === 'US' ? 'MDY' : country ? 'DMY' : region === 'US' ? 'MDY' : 'DMY');
  const first = prepareName(record.firstName);
  const dob = parseDate(record.dob, dateOrder);
  const emails = unique([record.email ?? null, ...(record.emails ?? [])].map(normalizeEmail));
  const phones = unique([record.phone ?? null, ...(record.phones ?? [])].map((p) => normalizePhone(p, region)));
  const mobiles = phones.filter(isMobile);
  const phoneTails = unique(phones.map(phoneTail));
  return {
    id: record.id,
    first,
    firstAliases: firstAliases(record, first),
    last: prepareName(record.lastName),
    dob: dob ? dateCode(dob) : 0,
    sex: ofText(preparedSex, record.sex),
    emails,
    emailLocals: emails.length === 0 ? NONE : emails.map(emailLocal),
    phoneTails,
    // Most records have one kind of number: they share phoneTails rather than hold a copy.
    mobileTails: splitTails(phones, phoneTails, mobiles.length, true),
    landlineTails: splitTails(phones, phoneTails, phones.length - mobiles.length, false),
    middle: prepareName(record.middleName),
    address1: ofText(preparedAddress, record.addressLine1),
    address2: ofText(preparedText, record.addressLine2),
    city: ofText(preparedText, record.city),
    state: ofText(preparedState, record.state),
    postcode: ofText(preparedPostcode, record.postcode),
    medicare: normalizeMedicare(record.medicareNumber, record.medicareIrn),
    integrationRecordId: normalizeIdentifier(record.integrationRecordId),
    normalizedId: normalizeIdentifier(record.id) ?? '',
  };
}

/** Australian mobiles (+61 4…) are personal numbers. Other countries' numbers do not say
 *  their kind in the number (US mobiles and landlines share area codes): they stay household
 *  numbers, as every phone was before. */
function isMobile(e164: string): boolean {
  return e164.length === 12 && e164.startsWith('+614');
}

function splitTails(phones: readonly string[], tails: readonly string[], count: number, mobile: boolean) {
  if (count === 0) return NONE;
  if (count === phones.length) return tails;
  return unique(phones.filter((p) => isMobile(p) === mobile).map(phoneTail));
}

function nonEmpty(text: string | null): string | null {
  return text === '' ? null : text;
}
