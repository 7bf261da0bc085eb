// Training the model on the data at hand, no labels: u from random pairs (almost all of
// which are different people), then m and the match share by EM over the blocked pairs.
import { F, FIELD_COUNT, LEVEL_COUNTS, MISSING } from './compare/fields.ts';
import { compareRecords, newVector } from './compare/vector.ts';
import { runEm, toPatternCounts, type EmOptions } from './em.ts';
import { defaultHouseholdU, defaultModel, HOUSEHOLD_FIELDS, type MatchModel } from './model.ts';
import { collectPairs, patternCountsOfKind, type PairBuffer } from './pairs.ts';
import { prepareRecord, type PreparedRecord } from './prepare.ts';
import { seededRandom } from '../random.ts';
import type { MatchRecord, NormalizeOptions } from './types.ts';

export interface TrainOptions extends EmOptions {
  /** Random pairs compared to estimate u. Default 100,000 (fewer if the data is small). */
  uSamples?: number;
  seed?: number;
  /** Linking: EM passes use at most this many records of the first source (an even
   *  spread), which is plenty to estimate a few dozen parameters. Default 25,000. */
  maxTrainingRecords?: number;
  /** Below this many training pairs EM is not attempted and the defaults are used. Default 200. */
  minPairs?: number;
}

/** Pseudo-observations of the default u mixed into the sample: a field the data rarely
 *  fills (no emails in this file) keeps general-population values instead of noise. */
const U_PRIOR_STRENGTH = 1000;

/** u per field and level from random pairs (almost all are different people). */
export function estimateU(
  left: readonly PreparedRecord[],
  right: readonly PreparedRecord[],
  sameSet: boolean,
  samples: number,
  seed: number,
): number[][] {
  const prior = defaultModel().u;
  const counts = LEVEL_COUNTS.map((n, f) =>
    Float64Array.from({ length: n }, (_, l) => U_PRIOR_STRENGTH * (prior[f]?.[l] ?? 0)),
  );
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

/** Indices of every k-th record, so that at most `max` remain (deterministic). */
function evenSample(length: number, max: number): number[] {
  if (length <= max) return Array.from({ length }, (_, i) => i);
  const step = length / max;
  return Array.from({ length: max }, (_, i) => Math.floor(i * step));
}

/** Training options a batch run adds: the pairs it already compared over all keys, so the
 *  training passes pick theirs out instead of comparing again. */
export interface RunTrainOptions extends TrainOptions {
  maxBucketSize?: number;
  pairs?: PairBuffer;
}

/** The pattern counts of one training pass: pairs sharing a key of `kind` between the sampled
 *  left records and the right ones, `masked` fields recorded as missing. */
interface PassInput {
  left: readonly PreparedRecord[];
  right: readonly PreparedRecord[];
  sample: readonly number[];
  sameSet: boolean;
}

function passCounts(
  input: PassInput,
  kind: string,
  masked: number[],
  options: RunTrainOptions,
): { counts: Map<number, number>; pairs: number } {
  const { left, right, sample, sameSet } = input;
  if (options.pairs) {
    const leftIncluded = new Uint8Array(left.length);
    for (const i of sample) leftIncluded[i] = 1;
    return patternCountsOfKind(options.pairs, left, right, {
      kind,
      maskedFields: masked,
      leftIncluded,
      maxBucketSize: options.maxBucketSize,
    });
  }
  const records = sample.length === left.length ? left : sample.map((i) => left[i] as PreparedRecord);
  const pairs = collectPairs(records, right, {
    sameSet,
    keyKinds: [kind],
    maskedFields: masked,
    maxBucketSize: options.maxBucketSize,
  });
  return { counts: pairs.patternCounts(), pairs: pairs.length };
}

export interface TrainedModel {
  model: MatchModel;
  emIterations: number;
}

interface Pass {
  m: number[][];
  lambda: number;
  pairs: number;
  iterations: number;
}

/**
 * One EM pass over the pairs that share one kind of blocking key, with the fields that key
 * forces to agree masked out (they would say nothing about m). Pairs chosen by a person's
 * own attributes (birth date, name) are mostly strangers when they are not the same
 * person, so they fit the model's two classes; pairs chosen by household attributes
 * (address, phone) would put relatives in the "different" class and distort it.
 */
function emPass(
  input: PassInput,
  kind: string,
  masked: number[],
  start: MatchModel,
  options: RunTrainOptions,
): Pass | null {
  const { counts, pairs } = passCounts(input, kind, masked, options);
  if (pairs < (options.minPairs ?? 200)) return null;
  const population = Math.min(input.sample.length, input.right.length);
  const lambda = Math.min(0.5, Math.max(1e-6, (population * 0.5) / pairs));
  const result = runEm(toPatternCounts(counts), { ...start, lambda }, options);
  return { m: result.m, lambda: result.lambda, pairs, iterations: result.iterations };
}

/**
 * Trains on the data at hand. u: random pairs. m: EM on pairs sharing a birth date (for
 * every field but the date) and on pairs sharing a phonetic name (for the date). The prior
 * (model.lambda, the share of all possible pairs that are matches) follows from the first
 * pass's match count divided by how often a true pair keeps its birth date.
 */
export function trainOnRecords(
  left: readonly PreparedRecord[],
  right: readonly PreparedRecord[],
  sameSet: boolean,
  options: RunTrainOptions = {},
): TrainedModel {
  const defaults = defaultModel();
  if (Math.min(left.length, right.length) < 50) return { model: defaults, emIterations: 0 };
  const possiblePairs = sameSet ? (left.length * (left.length - 1)) / 2 : left.length * right.length;
  const u = estimateU(left, right, sameSet, Math.min(options.uSamples ?? 100_000, possiblePairs), options.seed ?? 1);
  const start: MatchModel = { m: defaults.m, u, lambda: 0.1, source: 'em' };
  // Dedupe pairs a list with itself, so it cannot be thinned on one side only.
  const sample = evenSample(left.length, sameSet ? left.length : (options.maxTrainingRecords ?? 25_000));
  const input: PassInput = { left, right, sample, sameSet };
  const byDate = emPass(input, 'd:', [F.dob], start, options);
  const byName = emPass(input, 'fl:', [F.first, F.last], start, options);
  // Data without birth dates still trains on name pairs (names then keep their defaults).
  const main = byDate ?? byName;
  if (!main) return { model: defaults, emIterations: 0 };
  const m = main.m.map((row, f) => {
    if (f === F.dob) return byName?.m[f] ?? defaults.m[f] ?? row;
    if (!byDate && (f === F.first || f === F.last)) return defaults.m[f] ?? row;
    return row;
  });
  // The pass's matches over the share of true pairs its key finds.
  const found = byDate
    ? levelShare(m, F.dob, [0, 1])
    : levelShare(m, F.first, [0, 1, 2, 3]) * levelShare(m, F.last, [0, 1, 2, 3]);
  const maxMatches = sameSet ? left.length : Math.min(left.length, right.length);
  const scale = left.length / sample.length;
  const expectedMatches = Math.min(maxMatches, (scale * main.lambda * main.pairs) / Math.max(0.05, found));
  const lambda = Math.max(1, expectedMatches) / possiblePairs;
  const uHousehold = householdU(input, m, options);
  return {
    model: { m, u, lambda, source: 'em', ...(uHousehold ? { uHousehold } : {}) },
    emIterations: (byDate?.iterations ?? 0) + (byName?.iterations ?? 0),
  };
}

/**
 * u of the person's own fields among members of one household: EM (u free) on pairs sharing
 * an address, with the household fields masked. The two classes there are "the same person"
 * and "a relative", so u comes out as how often relatives agree (twins on the birth date, a
 * son named after his father on the first name). Undefined when too few such pairs.
 */
function householdU(input: PassInput, m: number[][], options: RunTrainOptions): number[][] | undefined {
  const { counts, pairs } = passCounts(input, 'ad:', [...HOUSEHOLD_FIELDS], options);
  if (pairs < (options.minPairs ?? 200)) return undefined;
  const start: MatchModel = { m, u: defaultHouseholdU(), lambda: 0.3, source: 'em' };
  const result = runEm(toPatternCounts(counts), start, { ...options, fixU: false });
  return result.u;
}

function levelShare(m: number[][], field: number, levels: number[]): number {
  return levels.reduce((sum, l) => sum + (m[field]?.[l] ?? 0), 0);
}

/**
 * Trains a model on a population for later use with matchOne: pass the practice's
 * patients (dedupe-style, one list) or two sources to be linked.
 */
export function trainModel(
  a: readonly MatchRecord[],
  b?: readonly MatchRecord[],
  options: TrainOptions & { normalize?: NormalizeOptions; maxBucketSize?: number } = {},
): MatchModel {
  const left = a.map((r) => prepareRecord(r, options.normalize));
  const right = b ? b.map((r) => prepareRecord(r, options.normalize)) : left;
  const sameSet = b === undefined;
  return trainOnRecords(left, right, sameSet, options).model;
}
