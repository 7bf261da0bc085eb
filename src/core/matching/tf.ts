// Term-frequency adjustment (as in Splink): agreeing on "Smith" is weaker evidence than
// agreeing on "Tschitrpig". The model's u for an exact name agreement is an average over
// all names; for a given name the chance that a stranger shares it is that name's
// frequency, so an exact agreement on name v weighs log2(m / freq(v)) instead of log2(m / u).
import { normalizeName } from './normalize/names.ts';
import type { PreparedRecord } from './prepare.ts';

export interface TermFrequencies {
  first: Map<string, number>;
  last: Map<string, number>;
}

/** Largest adjustment either way, in bits: frequencies from a small file are noisy. */
const MAX_ADJUSTMENT = 4;

function frequencies(values: (string | undefined)[]): Map<string, number> {
  const counts = new Map<string, number>();
  let total = 0;
  for (const v of values) {
    if (v === undefined) continue;
    counts.set(v, (counts.get(v) ?? 0) + 1);
    total++;
  }
  for (const [v, c] of counts) counts.set(v, c / total);
  return counts;
}

/** Name frequencies over the records of a run (both sources together). */
export function termFrequencies(records: readonly (readonly PreparedRecord[])[]): TermFrequencies {
  const all = records.flat();
  return { first: frequencies(all.map((r) => r.first?.key)), last: frequencies(all.map((r) => r.last?.key)) };
}

/** Bits to add to an exact agreement on `value`, given the model's average u for exact. */
export function tfAdjustment(table: Map<string, number>, value: string | undefined, uExact: number): number {
  if (value === undefined) return 0;
  const freq = table.get(value);
  if (freq === undefined || freq <= 0) return 0;
  const bits = Math.log2(uExact / freq);
  return Math.max(-MAX_ADJUSTMENT, Math.min(MAX_ADJUSTMENT, bits));
}

/**
 * Name frequencies of a population from its name counts as a database reports them (raw
 * spellings), keyed as the matcher keys names: what `matchOne` weighs a single incoming record's
 * name agreements with, where the candidate set alone says nothing of how common a name is.
 */
export function termFrequenciesFromCounts(
  first: Iterable<readonly [string, number]>,
  last: Iterable<readonly [string, number]>,
  population: number,
): TermFrequencies {
  const table = (counts: Iterable<readonly [string, number]>) => {
    const byKey = new Map<string, number>();
    for (const [raw, n] of counts) {
      const key = normalizeName(raw)?.key;
      if (key) byKey.set(key, (byKey.get(key) ?? 0) + n);
    }
    for (const [key, n] of byKey) byKey.set(key, n / Math.max(1, population));
    return byKey;
  };
  return { first: table(first), last: table(last) };
}
