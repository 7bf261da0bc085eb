// Personal names: folded, titles and generational suffixes dropped, hyphenated and
// double surnames kept as tokens so either part can be recognised later.
import { foldText } from './text.ts';

const TITLES = new Set([
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'dr',
  'prof',
  'professor',
  'rev',
  'reverend',
  'sir',
  'dame',
  'master',
  'fr',
  'father',
  'sr',
  'sister',
  'hon',
  'lady',
  'lord',
]);
const SUFFIXES = new Set([
  'jr',
  'junior',
  'sr',
  'senior',
  'ii',
  'iii',
  'iv',
  'phd',
  'md',
  'esq',
  'dds',
  'rn',
  'jnr',
  'snr',
]);

export interface NormalizedName {
  /** Tokens joined by one space: "smith jones". */
  text: string;
  /** Tokens joined with nothing, so "mc donald" and "McDonald" agree: "smithjones". */
  key: string;
  tokens: string[];
}

/** A folded name, or null when nothing but titles/punctuation was given. */
export function normalizeName(raw: string | null | undefined): NormalizedName | null {
  if (!raw) return null;
  const tokens = foldText(raw)
    .split(' ')
    .filter((t) => t !== '');
  // Titles lead, suffixes trail; drop them only while a real name remains.
  while (tokens.length > 1 && TITLES.has(tokens[0] as string)) tokens.shift();
  while (tokens.length > 1 && SUFFIXES.has(tokens[tokens.length - 1] as string)) tokens.pop();
  if (tokens.length === 0) return null;
  return { text: tokens.join(' '), key: tokens.join(''), tokens };
}

/** Canonical text of a name for display and idempotence checks ("" for none). */
export function nameText(raw: string | null | undefined): string {
  return normalizeName(raw)?.text ?? '';
}
