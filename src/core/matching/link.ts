// Batch linking of two sources (one-to-one) and deduplication of one list.
import { F, patternLevel } from './compare/fields.ts';
import { decidePair, resolveThresholds, scorerFor, type DecisionPolicy } from './decide.ts';
import { assessPair, integrationIdAgrees } from './explain.ts';
import type { MatchModel } from './model.ts';
import { collectPairs, type PairBuffer, type ProgressListener } from './pairs.ts';
import { prepareRecord, type PreparedRecord } from './prepare.ts';
import { termFrequencies, tfAdjustment, type TermFrequencies } from './tf.ts';
import { trainOnRecords, type TrainOptions } from './train.ts';
import type { LinkedPair, MatchRecord, NormalizeOptions, Thresholds } from './types.ts';

export interface LinkOptions {
  /** Use this model instead of training one by EM on the data. */
  model?: MatchModel;
  thresholds?: Partial<Thresholds>;
  /** Guards against twins and family members. Default: on when the data shows households
   *  (countHouseholdPairs); otherwise off, the EM-trained weights then say how much a
   *  differing first name or birth date counts in this data. */
  guards?: boolean;
  /** Expected number of true pairs, for the prior. Default: EM's estimate; with a given
   *  model, half the smaller side (linking) or 5% of the records (dedupe). */
  expectedMatches?: number;
  normalize?: NormalizeOptions;
  training?: TrainOptions;
  maxBucketSize?: number;
  /** Treat pairs differing in first name and birth date as relatives (never a match).
   *  Default: on when the data shows households (see countHouseholdPairs). */
  relatives?: boolean;
  /** Weigh exact name agreements by how common the name is in this data (default true). */
  termFrequencies?: boolean;
  /** linkSources only: each record in at most one match (default true). */
  oneToOne?: boolean;
  onProgress?: ProgressListener;
}

export interface LinkStats {
  recordsA: number;
  recordsB: number;
  comparisons: number;
  emIterations: number;
  /** log2 prior odds that a random pair is a match, used in every score. */
  priorWeight: number;
  /** Compared pairs that look like relatives (see countHouseholdPairs). */
  householdPairs: number;
  /** Whether the guards applied (asked for, or switched on because the data has households). */
  guards: boolean;
}

export interface LinkResult {
  /** Match and review pairs, best first. */
  pairs: LinkedPair[];
  model: MatchModel;
  stats: LinkStats;
}

interface Candidate {
  left: number;
  right: number;
  pair: LinkedPair;
  identifier: boolean;
  household: boolean;
}

function prepareAll(records: readonly MatchRecord[], options: LinkOptions): PreparedRecord[] {
  const prepared = records.map((r) => prepareRecord(r, options.normalize));
  options.onProgress?.({ phase: 'prepare', done: records.length, total: records.length });
  return prepared;
}

/** Scores every compared pair and keeps those at review level or above, explained. */
function decideAll(
  pairs: PairBuffer,
  left: readonly PreparedRecord[],
  right: readonly PreparedRecord[],
  model: MatchModel,
  priorWeight: number,
  policy: DecisionPolicy,
  tf?: TermFrequencies,
): Candidate[] {
  const scorer = scorerFor(model);
  const kept: Candidate[] = [];
  // Upper bounds of each record's name adjustments, so the cheap filter never drops a pair
  // that its adjusted score would keep.
  const boost = (table: Map<string, number> | undefined, value: string | undefined, f: number) =>
    table ? Math.max(0, tfAdjustment(table, value, model.u[f]?.[0] ?? 0.01)) : 0;
  const firstBoost = Float64Array.from(left, (r) => boost(tf?.first, r.first?.key, F.first));
  const lastBoost = Float64Array.from(left, (r) => boost(tf?.last, r.last?.key, F.last));
  for (let k = 0; k < pairs.length; k++) {
    const a = left[pairs.left[k] as number] as PreparedRecord;
    const b = right[pairs.right[k] as number] as PreparedRecord;
    const pattern = pairs.pattern[k] as number;
    const identifier = integrationIdAgrees(a, b);
    // Medicare agreement can decide a pair on its own, so it cannot be filtered by score.
    const i = pairs.left[k] as number;
    const bound = priorWeight + scorer.scorePattern(pattern) + (firstBoost[i] as number) + (lastBoost[i] as number);
    if (!identifier && bound < policy.thresholds.review && patternLevel(pattern, F.medicare) !== 0) continue;
    const assessment = assessPair(a, b, scorer, priorWeight, tf);
    const decision = decidePair(assessment, policy);
    if (decision === 'new') continue;
    kept.push({
      left: pairs.left[k] as number,
      right: pairs.right[k] as number,
      identifier,
      household: assessment.clearlyDifferent,
      pair: {
        aId: a.id,
        bId: b.id,
        score: assessment.explanation.score,
        decision,
        explanation: assessment.explanation,
      },
    });
  }
  return kept.sort((x, y) => Number(y.identifier) - Number(x.identifier) || y.pair.score - x.pair.score);
}

/** Greedy one-to-one: best pairs first; a match whose record is already taken becomes a
 *  review (it points at duplicates on one side) unless first name and birth date both
 *  differ — then it is the matched person's relative, not a duplicate, and is dropped.
 *  Reviews of taken records are dropped. */
function enforceOneToOne(candidates: Candidate[]): LinkedPair[] {
  const takenLeft = new Set<number>();
  const takenRight = new Set<number>();
  const result: LinkedPair[] = [];
  const pending: Candidate[] = [];
  for (const c of candidates) {
    if (c.pair.decision !== 'match') pending.push(c);
    else if (takenLeft.has(c.left) || takenRight.has(c.right)) {
      if (!c.household) result.push({ ...c.pair, decision: 'review' });
    } else {
      takenLeft.add(c.left);
      takenRight.add(c.right);
      result.push(c.pair);
    }
  }
  for (const c of pending) if (!takenLeft.has(c.left) && !takenRight.has(c.right)) result.push(c.pair);
  return result.sort((x, y) => y.score - x.score);
}

/**
 * Pairs that differ in first name and birth date but share the surname and the address or
 * phone: relatives, in data that has households. Fellegi–Sunter cannot tell them from a
 * badly corrupted true pair (its fields are assumed independent), but their *number* can:
 * corrupted true pairs are a small share of the matches, relatives are as many as the
 * households. Above HOUSEHOLD_SHARE of the expected matches, the guards switch on.
 */
export function countHouseholdPairs(pairs: PairBuffer): number {
  const memo = new Map<number, boolean>();
  let count = 0;
  for (let k = 0; k < pairs.length; k++) {
    const pattern = pairs.pattern[k] as number;
    let household = memo.get(pattern);
    if (household === undefined) {
      household =
        patternLevel(pattern, F.first) === 4 &&
        patternLevel(pattern, F.dob) === 3 &&
        patternLevel(pattern, F.last) === 0 &&
        (patternLevel(pattern, F.address1) === 0 || patternLevel(pattern, F.phone) === 0);
      memo.set(pattern, household);
    }
    if (household) count++;
  }
  return count;
}

const HOUSEHOLD_SHARE = 0.02;

/** log2 prior odds that a random pair among all possible pairs is a match. */
function priorWeightFor(expectedMatches: number, possiblePairs: number): number {
  const matches = Math.min(Math.max(expectedMatches, 1), possiblePairs / 2);
  return Math.log2(matches / Math.max(1, possiblePairs - matches));
}

function run(
  a: readonly MatchRecord[],
  b: readonly MatchRecord[] | null,
  options: LinkOptions,
): { candidates: Candidate[]; model: MatchModel; stats: LinkStats } {
  const thresholds = resolveThresholds(options.thresholds);
  const left = prepareAll(a, options);
  const right = b === null ? left : prepareAll(b, options);
  const sameSet = b === null;
  const pairs = collectPairs(left, right, {
    sameSet,
    maxBucketSize: options.maxBucketSize,
    onProgress: options.onProgress,
  });
  options.onProgress?.({ phase: 'train', done: 0, total: 1 });
  const trained = options.model
    ? { model: options.model, emIterations: 0 }
    : trainOnRecords(left, right, sameSet, { ...options.training, maxBucketSize: options.maxBucketSize });
  options.onProgress?.({ phase: 'train', done: 1, total: 1 });
  const possiblePairs = sameSet ? (left.length * (left.length - 1)) / 2 : left.length * right.length;
  const fallbackMatches = sameSet ? left.length * 0.05 : Math.min(left.length, right.length) / 2;
  const emMatches = trained.model.source === 'em' ? trained.model.lambda * possiblePairs : fallbackMatches;
  const expectedMatches = options.expectedMatches ?? emMatches;
  const priorWeight = priorWeightFor(expectedMatches, possiblePairs);
  const householdPairs = countHouseholdPairs(pairs);
  const households = householdPairs > HOUSEHOLD_SHARE * expectedMatches;
  const policy: DecisionPolicy = {
    thresholds,
    guards: options.guards ?? households,
    relatives: options.relatives ?? households,
  };
  const tf = options.termFrequencies === false ? undefined : termFrequencies(sameSet ? [left] : [left, right]);
  const candidates = decideAll(pairs, left, right, trained.model, priorWeight, policy, tf);
  options.onProgress?.({ phase: 'decide', done: 1, total: 1 });
  const stats = {
    recordsA: left.length,
    recordsB: right.length,
    comparisons: pairs.length,
    emIterations: trained.emIterations,
    priorWeight,
    householdPairs,
    guards: policy.guards,
  };
  return { model: trained.model, stats, candidates };
}

/** Links two sources: EM-trained (unless a model is given), one-to-one by default. */
export function linkSources(
  a: readonly MatchRecord[],
  b: readonly MatchRecord[],
  options: LinkOptions = {},
): LinkResult {
  const { candidates, model, stats } = run(a, b, options);
  const pairs = options.oneToOne === false ? candidates.map((c) => c.pair) : enforceOneToOne(candidates);
  return { pairs, model, stats };
}

export interface DedupeResult extends LinkResult {
  /** Groups of record ids joined by match decisions (size ≥ 2). */
  clusters: string[][];
}

/** Finds duplicates within one list: pairs at match/review level and the match clusters. */
export function dedupe(records: readonly MatchRecord[], options: LinkOptions = {}): DedupeResult {
  const { candidates, model, stats } = run(records, null, options);
  const parent = records.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i] as number] as number;
    return i;
  };
  for (const c of candidates) if (c.pair.decision === 'match') parent[find(c.left)] = find(c.right);
  const groups = new Map<number, string[]>();
  records.forEach((r, i) => {
    const root = find(i);
    const group = groups.get(root);
    if (group) group.push(r.id);
    else groups.set(root, [r.id]);
  });
  const clusters = [...groups.values()].filter((g) => g.length > 1);
  return { pairs: candidates.map((c) => c.pair), model, stats, clusters };
}
