// Expectation–maximisation for the Fellegi–Sunter model, run over *distinct* comparison
// patterns with their counts rather than over pairs: a million blocked pairs collapse to
// a few thousand patterns, so each iteration costs microseconds.
import { FIELD_COUNT, LEVEL_COUNTS, MISSING, patternLevel } from './compare/fields.ts';
import type { MatchModel } from './model.ts';

export interface EmOptions {
  /** Keep u as given (e.g. measured on random pairs) and estimate only m and lambda. Default true. */
  fixU?: boolean;
  maxIterations?: number;
  /** Stop when no parameter moves more than this. */
  tolerance?: number;
  /** Pseudo-counts (default 50) pulling each field's estimates towards the starting model, so a
   *  level never seen among matches does not get m = 0 (an infinite penalty). */
  priorStrength?: number;
}

export interface PatternCounts {
  patterns: Int32Array;
  counts: Float64Array;
}

/** Turns a pattern → count map into parallel arrays. */
export function toPatternCounts(map: Map<number, number>): PatternCounts {
  const patterns = new Int32Array(map.size);
  const counts = new Float64Array(map.size);
  let i = 0;
  for (const [pattern, count] of map) {
    patterns[i] = pattern;
    counts[i] = count;
    i++;
  }
  return { patterns, counts };
}

function decodeLevels(patterns: Int32Array): Int8Array {
  const levels = new Int8Array(patterns.length * FIELD_COUNT);
  for (let p = 0; p < patterns.length; p++) {
    for (let f = 0; f < FIELD_COUNT; f++) levels[p * FIELD_COUNT + f] = patternLevel(patterns[p] as number, f);
  }
  return levels;
}

function logTables(table: number[][]): Float64Array[] {
  return table.map((row) => Float64Array.from(row, (p) => Math.log(Math.max(p, 1e-12))));
}

/** Posterior match probability of each pattern under the current parameters (E step). */
function expectation(levels: Int8Array, n: number, model: MatchModel, out: Float64Array): void {
  const logM = logTables(model.m);
  const logU = logTables(model.u);
  const priorLogOdds = Math.log(model.lambda) - Math.log(1 - model.lambda);
  for (let p = 0; p < n; p++) {
    let logOdds = priorLogOdds;
    for (let f = 0; f < FIELD_COUNT; f++) {
      const level = levels[p * FIELD_COUNT + f] as number;
      if (level !== MISSING)
        logOdds += ((logM[f] as Float64Array)[level] as number) - ((logU[f] as Float64Array)[level] as number);
    }
    out[p] = 1 / (1 + Math.exp(-Math.max(-700, Math.min(700, logOdds))));
  }
}

/** Re-estimates level probabilities from posterior-weighted counts (M step). */
function maximisation(
  levels: Int8Array,
  counts: Float64Array,
  weights: Float64Array,
  prior: number[][],
  strength: number,
): number[][] {
  const table = LEVEL_COUNTS.map((count) => new Float64Array(count));
  for (let p = 0; p < counts.length; p++) {
    const w = (counts[p] as number) * (weights[p] as number);
    for (let f = 0; f < FIELD_COUNT; f++) {
      const level = levels[p * FIELD_COUNT + f] as number;
      if (level === MISSING) continue;
      const row = table[f] as Float64Array;
      row[level] = (row[level] as number) + w;
    }
  }
  return table.map((row, f) => {
    const total = row.reduce((s, x) => s + x, 0) + strength;
    return Array.from(row, (x, l) => (x + strength * (prior[f]?.[l] ?? 0)) / total);
  });
}

function maxChange(a: number[][], b: number[][]): number {
  let max = 0;
  for (let f = 0; f < a.length; f++) {
    const rowA = a[f] as number[];
    for (let l = 0; l < rowA.length; l++) max = Math.max(max, Math.abs((rowA[l] as number) - (b[f]?.[l] ?? 0)));
  }
  return max;
}

/** Estimates m (and lambda, and u unless fixed) from unlabelled comparison patterns. */
export function runEm(
  data: PatternCounts,
  start: MatchModel,
  options: EmOptions = {},
): MatchModel & { iterations: number } {
  const { fixU = true, maxIterations = 100, tolerance = 1e-6, priorStrength = 50 } = options;
  const n = data.patterns.length;
  const levels = decodeLevels(data.patterns);
  const posterior = new Float64Array(n);
  const complement = new Float64Array(n);
  const total = data.counts.reduce((s, x) => s + x, 0);
  let model: MatchModel = { ...start, source: 'em' };
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    expectation(levels, n, model, posterior);
    for (let p = 0; p < n; p++) complement[p] = 1 - (posterior[p] as number);
    const m = maximisation(levels, data.counts, posterior, start.m, priorStrength);
    const u = fixU ? model.u : maximisation(levels, data.counts, complement, start.u, priorStrength);
    let matches = 0;
    for (let p = 0; p < n; p++) matches += (data.counts[p] as number) * (posterior[p] as number);
    const lambda = Math.min(0.999, Math.max(1e-9, matches / total));
    const change = Math.max(maxChange(m, model.m), maxChange(u, model.u), Math.abs(lambda - model.lambda));
    model = { m, u, lambda, source: 'em' };
    if (change < tolerance) break;
  }
  return { ...model, iterations };
}
