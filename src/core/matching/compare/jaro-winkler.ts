// Jaro–Winkler similarity, written out because it sits in the innermost loop: scratch
// flag arrays are reused across calls instead of allocated per comparison.

let flagsA = new Uint8Array(64);
let flagsB = new Uint8Array(64);

function ensureScratch(n: number): void {
  if (flagsA.length < n) {
    flagsA = new Uint8Array(n * 2);
    flagsB = new Uint8Array(n * 2);
  }
}

/** Jaro similarity in [0, 1]; 1 for two equal strings, 0 when either is empty.
 *  The greedy character matching depends on argument order in rare cases, so the
 *  arguments are put in a fixed order: scores must be symmetric.
 *  With `minMatches`, 0 as soon as fewer matching characters than that are still possible:
 *  most pairs in a batch are strangers, and their score only has to be known to be low. */
export function jaro(x: string, y: string, minMatches = 1): number {
  if (x === y) return x.length === 0 ? 0 : 1;
  const a = x < y ? x : y;
  const b = x < y ? y : x;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  ensureScratch(Math.max(la, lb));
  flagsA.fill(0, 0, la);
  flagsB.fill(0, 0, lb);
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    const c = a.charCodeAt(i);
    for (let j = lo; j <= hi; j++) {
      if (flagsB[j] === 0 && b.charCodeAt(j) === c) {
        flagsA[i] = 1;
        flagsB[j] = 1;
        matches++;
        break;
      }
    }
    // Each remaining character of a adds at most one match.
    if (matches + (la - 1 - i) < minMatches) return 0;
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (flagsA[i] === 0) continue;
    while (flagsB[k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  const t = transpositions / 2;
  return (matches / la + matches / lb + (matches - t) / matches) / 3;
}

/** Jaro–Winkler: Jaro boosted by a shared prefix of up to 4 characters (scale 0.1).
 *  With `floor`, a pair that certainly scores below it gets 0 early (see minMatchesFor):
 *  callers that only compare the score with thresholds at or above `floor` decide alike. */
export function jaroWinkler(a: string, b: string, floor = 0): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  const max = Math.min(4, a.length, b.length);
  let prefix = 0;
  while (prefix < max && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  const minMatches = floor > 0 ? minMatchesFor(a.length, b.length, prefix, floor) : 1;
  if (minMatches > Math.min(a.length, b.length)) return 0;
  const j = jaro(a, b, minMatches);
  if (j === 0 || j === 1) return j;
  return j + prefix * 0.1 * (1 - j);
}

/** Below this much under `floor` a bound is trusted (the bound is exact arithmetic on the
 *  same terms; the margin only absorbs rounding). */
const BOUND_MARGIN = 1e-9;

/**
 * A number of matching characters below which Jaro–Winkler cannot reach `floor`: with m
 * matches and no transpositions Jaro is at most (m/la + m/lb + 1)/3, and Jaro–Winkler
 * (j + 0.1·prefix·(1 − j)) grows with Jaro. Solved for m and rounded down a little, so that
 * rounding can only make the bound weaker (stop later), never stop a pair that could reach it.
 */
function minMatchesFor(la: number, lb: number, prefix: number, floor: number): number {
  const boost = prefix * 0.1;
  const minJaro = (floor - BOUND_MARGIN - boost) / (1 - boost);
  return Math.max(1, Math.ceil((3 * minJaro - 1) / (1 / la + 1 / lb) - 1e-6));
}

/** True when a and b differ by at most one substitution, insertion, deletion or adjacent
 *  transposition (Damerau distance ≤ 1), decided without building a matrix. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (la === lb) {
    if (sameFrom(a, i + 1, b, i + 1)) return true;
    return (
      a.charCodeAt(i) === b.charCodeAt(i + 1) && a.charCodeAt(i + 1) === b.charCodeAt(i) && sameFrom(a, i + 2, b, i + 2)
    );
  }
  return la > lb ? sameFrom(a, i + 1, b, i) : sameFrom(a, i, b, i + 1);
}

/** a from i equals b from j (to their ends), without allocating substrings. */
function sameFrom(a: string, i: number, b: string, j: number): boolean {
  if (a.length - i !== b.length - j) return false;
  for (; i < a.length; i++, j++) if (a.charCodeAt(i) !== b.charCodeAt(j)) return false;
  return true;
}
