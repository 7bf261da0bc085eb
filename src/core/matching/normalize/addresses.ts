// Street addresses: folded, street types and unit designators reduced to one spelling,
// the street number and the unit split out so "Unit 3, 12 Smith Street" and
// "3/12 Smith St" agree while 12 and 14 Smith St (neighbours) do not.
import { foldText } from './text.ts';

const STREET_TYPES: Record<string, string> = {
  street: 'st',
  str: 'st',
  road: 'rd',
  avenue: 'ave',
  av: 'ave',
  drive: 'dr',
  drv: 'dr',
  place: 'pl',
  crescent: 'cres',
  cresent: 'cres',
  cr: 'cres',
  court: 'ct',
  crt: 'ct',
  circuit: 'cct',
  close: 'cl',
  lane: 'ln',
  parade: 'pde',
  terrace: 'tce',
  highway: 'hwy',
  boulevard: 'blvd',
  boulevarde: 'blvd',
  grove: 'gr',
  square: 'sq',
  esplanade: 'esp',
  parkway: 'pkwy',
  circle: 'cir',
  crossing: 'xing',
  mews: 'mews',
  rise: 'rise',
  walk: 'wlk',
  way: 'way',
  track: 'trk',
  trail: 'trl',
  point: 'pt',
  heights: 'hts',
  gardens: 'gdns',
  promenade: 'prom',
  quay: 'qy',
  ridge: 'rdg',
  row: 'row',
  alley: 'aly',
  freeway: 'fwy',
  expressway: 'expy',
  junction: 'jct',
  loop: 'loop',
  vista: 'vsta',
  view: 'vw',
};
const DIRECTIONS: Record<string, string> = {
  north: 'n',
  south: 's',
  east: 'e',
  west: 'w',
  northeast: 'ne',
  northwest: 'nw',
  southeast: 'se',
  southwest: 'sw',
};
const UNIT_WORDS = new Set([
  'unit',
  'u',
  'apt',
  'apartment',
  'flat',
  'suite',
  'ste',
  'shop',
  'villa',
  'townhouse',
  'room',
  'rm',
  'lot',
]);

export interface NormalizedAddress {
  /** Canonical text: "unit 3 12 smith st". */
  text: string;
  /** House number as written ("12", "12a"), null when none. */
  number: string | null;
  unit: string | null;
  /** The street without number or unit: "smith st". */
  street: string;
}

/** "3/12 smith" → "unit 3 12 smith"; "12-14 smith" → "12 smith" (first of a range). */
function expandShorthand(raw: string): string {
  return raw
    .replace(/\b([a-z]?\d+[a-z]?)\s*\/\s*(\d+[a-z]?)\b/gi, ' unit $1 $2 ')
    .replace(/\b(\d+[a-z]?)\s*-\s*\d+[a-z]?\b/gi, '$1')
    .replace(/\b(g\.?\s*p\.?\s*o|p\.?\s*o)\.?\s*box\b/gi, ' pobox ');
}

export function normalizeAddress(raw: string | null | undefined): NormalizedAddress | null {
  if (!raw) return null;
  const tokens = foldText(expandShorthand(raw))
    .split(' ')
    .filter((t) => t !== '');
  if (tokens.length === 0) return null;
  let unit: string | null = null;
  let number: string | null = null;
  const street: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const next = tokens[i + 1];
    if (UNIT_WORDS.has(token) && next !== undefined && /\d/.test(next) && unit === null) {
      unit = next;
      i++;
    } else if (number === null && /^\d+[a-z]?$/.test(token) && street.length === 0) {
      number = token;
    } else {
      street.push(STREET_TYPES[token] ?? DIRECTIONS[token] ?? token);
    }
  }
  const streetText = street.join(' ');
  const text = [unit === null ? '' : `unit ${unit}`, number ?? '', streetText].filter((s) => s !== '').join(' ');
  return { text, number, unit, street: streetText };
}

/** Postcodes/ZIPs: letters and digits only, upper case; ZIP+4 reduced to the 5-digit ZIP. */
export function normalizePostcode(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const text = raw.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (text === '') return null;
  return /^\d{9}$/.test(text) ? text.slice(0, 5) : text;
}

const STATES: Record<string, string> = {
  'new south wales': 'nsw',
  victoria: 'vic',
  queensland: 'qld',
  'western australia': 'wa',
  'south australia': 'sa',
  tasmania: 'tas',
  'australian capital territory': 'act',
  'northern territory': 'nt',
  alabama: 'al',
  alaska: 'ak',
  arizona: 'az',
  arkansas: 'ar',
  california: 'ca',
  colorado: 'co',
  connecticut: 'ct',
  delaware: 'de',
  'district of columbia': 'dc',
  florida: 'fl',
  georgia: 'ga',
  hawaii: 'hi',
  idaho: 'id',
  illinois: 'il',
  indiana: 'in',
  iowa: 'ia',
  kansas: 'ks',
  kentucky: 'ky',
  louisiana: 'la',
  maine: 'me',
  maryland: 'md',
  massachusetts: 'ma',
  michigan: 'mi',
  minnesota: 'mn',
  mississippi: 'ms',
  missouri: 'mo',
  montana: 'mt',
  nebraska: 'ne',
  nevada: 'nv',
  'new hampshire': 'nh',
  'new jersey': 'nj',
  'new mexico': 'nm',
  'new york': 'ny',
  'north carolina': 'nc',
  'north dakota': 'nd',
  ohio: 'oh',
  oklahoma: 'ok',
  oregon: 'or',
  pennsylvania: 'pa',
  'rhode island': 'ri',
  'south carolina': 'sc',
  'south dakota': 'sd',
  tennessee: 'tn',
  texas: 'tx',
  utah: 'ut',
  vermont: 'vt',
  virginia: 'va',
  washington: 'wa',
  'west virginia': 'wv',
  wisconsin: 'wi',
  wyoming: 'wy',
};

/** States and territories as their postal abbreviation (AU and US); other text folded. */
export function normalizeState(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const text = foldText(raw);
  if (text === '') return null;
  return STATES[text] ?? text;
}

const COUNTRIES: Record<string, string> = {
  au: 'AU',
  aus: 'AU',
  australia: 'AU',
  us: 'US',
  usa: 'US',
  'united states': 'US',
  'united states of america': 'US',
  nz: 'NZ',
  'new zealand': 'NZ',
  gb: 'GB',
  uk: 'GB',
  'united kingdom': 'GB',
  ca: 'CA',
  canada: 'CA',
};

/** ISO alpha-2 for the countries we meet by name; other two-letter codes upper-cased. */
export function normalizeCountry(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const text = foldText(raw);
  if (text === '') return null;
  return COUNTRIES[text] ?? (text.length === 2 ? text.toUpperCase() : null);
}
