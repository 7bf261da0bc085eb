// A phonetic key for names: a Soundex-style code over a lightly respelled name, so that
// Catherine/Katherine, Philips/Fillips and Smith/Smyth share a key. Used for blocking and
// as the "sounds alike" comparison level. Deliberately small; Double Metaphone is more
// precise but ten times the code and not needed when Jaro–Winkler does the fine work.
import { memoized } from '../intern.ts';

const RESPELL: [RegExp, string][] = [
  [/^kn/, 'n'],
  [/^wr/, 'r'],
  [/^ps/, 's'],
  [/^x/, 's'],
  [/^mac/, 'mc'],
  [/ph/g, 'f'],
  [/ck/g, 'k'],
  [/c(?=[eiy])/g, 's'],
  [/c/g, 'k'],
  [/q/g, 'k'],
  [/x/g, 'ks'],
  [/z/g, 's'],
  [/dg/g, 'j'],
  [/gh/g, 'g'],
  [/y/g, 'i'],
];

// Soundex digit classes; 0 marks vowels and h/w, which separate or vanish.
const CODES: Record<string, string> = {
  b: '1',
  f: '1',
  p: '1',
  v: '1',
  g: '2',
  j: '2',
  k: '2',
  s: '2',
  d: '3',
  t: '3',
  l: '4',
  m: '5',
  n: '5',
  r: '6',
};

/** Phonetic key of a folded name (letters only are used); "" when it has no letters.
 *  Remembered: fifteen respellings per call add up over a population's repeated names. */
export const phoneticKey: (name: string) => string = memoized(computePhoneticKey);

function computePhoneticKey(name: string): string {
  let text = name.replace(/[^a-z]/g, '');
  if (text === '') return '';
  for (const [pattern, replacement] of RESPELL) text = text.replace(pattern, replacement);
  const first = text[0] as string;
  let key = first;
  let last = CODES[first] ?? '';
  for (let i = 1; i < text.length && key.length < 5; i++) {
    const ch = text[i] as string;
    const code = CODES[ch];
    if (code === undefined) {
      // Vowels separate repeated codes; h and w do not (classic Soundex rule).
      if (ch !== 'h' && ch !== 'w') last = '';
      continue;
    }
    if (code !== last) key += code;
    last = code;
  }
  return key;
}
