// Shared text folding: the one place that decides what "the same letters" means.

const COMBINING_MARKS = /[\u0300-\u036f]/g;
// Letters that NFKD does not decompose but people type without the mark.
const SPECIAL_LETTERS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  ø: 'o',
  œ: 'oe',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};
const SPECIAL_RE = /[ßæøœłđðþı]/g;

/** Lower case, accents removed, every run of non-alphanumerics turned into one space. */
export function foldText(raw: string): string {
  // Plain ASCII (most input) needs no Unicode decomposition.
  const decomposed = /^[\x00-\x7f]*$/.test(raw) ? raw : raw.normalize('NFKD');
  return (
    decomposed
      .replace(COMBINING_MARKS, '')
      .toLowerCase()
      .replace(SPECIAL_RE, (c) => SPECIAL_LETTERS[c] ?? c)
      // Apostrophes join (O'Brien → obrien) rather than split.
      .replace(/['’`]/g, '')
      .replace(/[^a-z0-9]+/g, ' ')
      .trim()
  );
}

/** Trimmed non-empty string, or null: the matcher treats blanks as missing. */
export function present(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const trimmed = raw.trim();
  return trimmed === '' ? null : trimmed;
}

/** Digits only. */
export function digitsOnly(raw: string): string {
  return raw.replace(/\D+/g, '');
}
