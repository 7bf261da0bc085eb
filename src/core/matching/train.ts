// Training the model on the data at hand, no labels: u from random pairs (almost all of
// which are different people), then m and the match share by EM over the blocked pairs.
import { FIELD_COUNT, LEVEL_COUNTS, MISSING } from './compare/fields.ts';
import { compareRecords, newVector } from './compare/vector.ts';
import { runEm, toPatternCounts, type EmOptions } from './em.ts';
import { defaultModel, type MatchModel } from './model.ts';
import { collectPairs, type PairBuffer } from './pairs.ts';
import { prepareRecord, type PreparedRecord } from './prepare.ts';
import { seededRandom } from './random.ts';
import type { MatchRecord, NormalizeOptions } from './types.ts';

export interface TrainOptions extends EmOptions {
  /** Random pairs compared to estimate u. Default 200,000 (fewer if the data is small). */
  uSamples?: number;
  seed?: number;
  /** Below this many blocked pairs EM is not attempted and the defaults are returned. Default 500. */
  minPairs?: number;
}

/** Pseudo-observations of the default u mixed into the sample: a field the data rarely
 *  fills (no emails in this file) keeps general-population values instead of noise. */
const U_PRIOR_STRENGTH = 1000;

/** u per field and level from random pairs (almost all are different people). */
export function estimateU(left: readonly PreparedRecord[], right: readonly PreparedRecord[], sameSet: boolean, samples: number, seed: number): number[][] {
  const prior = defaultModel().u;
  const counts = LEVEL_COUNTS.map((n, f) => Float64Array.from({ length: n }, (_, l) => U_PRIOR_STRENGTH * (prior[f]?.[l] ?? 0)));
  const random = seededRandom(seed);
  const vector = newVector();
  let drawn = 0;
  for (let attempts = 0; drawn < samples && attempts < samples * 3; attempts++) {
    const i = Math.floor(random() * left.length);
    const j = Math.floor(random() * right.length);
    if (sameSet && i === j) continue;
    compareRecords(left[i] as PreparedRecord, right[j] as PreparedRecord, vector);
    for (let f = 0; f < FIELD_COUNT; f++) {
      const level = vector[f] as number;
      if (level === MISSING) continue;
      const row = counts[f] as Float64Array;
      row[level] = (row[level] as number) + 1;
    }
    drawn++;
  }
  return counts.map((row) => {
    const total = row.reduce((s, x) => s + x, 0);
    return Array.from(row, (x) => x / total);
  });
}

export interface TrainedModel { model: MatchModel; emIterations: number }

/** EM over already-collected pairs; falls back to the defaults when data is too thin. */
export function trainOnPairs(pairs: PairBuffer, left: readonly PreparedRecord[], right: readonly PreparedRecord[], sameSet: boolean, options: TrainOptions = {}): TrainedModel {
  const defaults = defaultModel();
  const minPairs = options.minPairs ?? 500;
  const population = Math.min(left.length, right.length);
  if (pairs.length < minPairs || population < 50) return { model: defaults, emIterations: 0 };
  const samples = Math.min(options.uSamples ?? 200_000, left.length * right.length);
  const u = estimateU(left, right, sameSet, samples, options.seed ?? 1);
  // Start by assuming at most half the smaller side has a partner among the compared pairs.
  const lambda = Math.min(0.5, Math.max(1e-6, (population * 0.5) / pairs.length));
  const trained = runEm(toPatternCounts(pairs.patternCounts()), { m: defaults.m, u, lambda, source: 'em' }, options);
  const { iterations, ...model } = trained;
  return { model, emIterations: iterations };
}

/**
 * Trains a model on a population for later use with matchOne: pass the practice's
 * patients (dedupe-style, one list) or two sources to be linked.
 */
export function trainModel(a: readonly MatchRecord[], b?: readonly MatchRecord[], options: TrainOptions & { normalize?: NormalizeOptions; maxBucketSize?: number } = {}): MatchModel {
  const left = a.map((r) => prepareRecord(r, options.normalize));
  const right = b ? b.map((r) => prepareRecord(r, options.normalize)) : left;
  const sameSet = b === undefined;
  const pairs = collectPairs(left, right, { sameSet, maxBucketSize: options.maxBucketSize });
  return trainOnPairs(pairs, left, right, sameSet, options).model;
}
