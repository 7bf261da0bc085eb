// Batch linking of two sources (one-to-one), and the run both it and dedupe (dedupe.ts) start from:
// preparing, blocking, training, scoring and deciding every compared pair.
import { F, patternLevel } from './compare/fields.ts';
import {
  DEFAULT_PRECISION,
  DEFAULT_THRESHOLDS,
  decidePair,
  isGuarded,
  isRelative,
  readsRelatives,
  mayMatch,
  resolveThresholds,
  scorerFor,
  type DecisionPolicy,
} from './decide.ts';
import {
  assessPair,
  HOUSEHOLD_ONLY,
  integrationIdAgrees,
  probabilityToWeight,
  weightToProbability,
  type PairAssessment,
} from './explain.ts';
import { HOUSEHOLD_ODDS, type MatchModel, type PatternScorer } from './model.ts';
import { collectPairs, type PairBuffer, type ProgressListener } from './pairs.ts';
import { prepareRecord, type PreparedRecord } from './prepare.ts';
import { termFrequencies, tfAdjustment, type TermFrequencies } from './tf.ts';
import { trainOnRecords, type TrainOptions } from './train.ts';
import type { LinkedPair, MatchRecord, NormalizeOptions, Thresholds } from './types.ts';

export interface LinkOptions {
  /** Use this model instead of training one by EM on the data. */
  model?: MatchModel;
  /** Explicit probability thresholds. `match` overrides the one derived from `precision`. */
  thresholds?: Partial<Thresholds>;
  /** The expected precision of the automatic matches (default 0.995): the match threshold is
   *  the lowest probability at which the matches' expected share of wrong pairs stays within
   *  1 − precision (and never below 0.5). See expectedPrecisionThreshold. */
  precision?: number;
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
  /** The match threshold used, as a probability (from `precision` unless given). */
  matchThreshold: number;
  /** The expected precision of the automatic matches under the model (before clustering). */
  expectedPrecision: number;
  matches: number;
  reviews: number;
  /** Reviews per 100 records (of the larger side when linking): the review load. */
  reviewsPer100: number;
}

export interface LinkResult {
  /** Match and review pairs, best first. */
  pairs: LinkedPair[];
  model: MatchModel;
  stats: LinkStats;
}

export interface Candidate {
  left: number;
  right: number;
  pair: LinkedPair;
  identifier: boolean;
  household: boolean;
  guarded: boolean;
}

/** Everything needed to score more pairs of the run later (clusters ask about pairs that
 *  blocking never compared). */
export interface Scoring {
  left: readonly PreparedRecord[];
  right: readonly PreparedRecord[];
  scorer: PatternScorer;
  priorWeight: number;
  policy: DecisionPolicy;
  tf?: TermFrequencies;
  householdCap: number;
}

/** Two candidates within this many bits of each other are "as good" (ambiguity). */
export const AMBIGUITY_MARGIN = 6;

function prepareAll(records: readonly MatchRecord[], options: LinkOptions): PreparedRecord[] {
  const prepared = records.map((r) => prepareRecord(r, options.normalize));
  options.onProgress?.({ phase: 'prepare', done: records.length, total: records.length });
  return prepared;
}

/** Scores every compared pair and keeps those at review level or above, explained; the
 *  decisions come later, once the match threshold is known. */
function assessAll(pairs: PairBuffer, s: Scoring): { candidate: Candidate; assessment: PairAssessment }[] {
  const { left, right, scorer, priorWeight, policy, tf, householdCap } = s;
  const kept: { candidate: Candidate; assessment: PairAssessment }[] = [];
  const model = scorer.model;
  // Upper bounds of each record's name adjustments, so the cheap filter never drops a pair
  // that its adjusted score would keep.
  const boost = (table: Map<string, number> | undefined, value: string | undefined, f: number) =>
    table ? Math.max(0, tfAdjustment(table, value, model.u[f]?.[0] ?? 0.01)) : 0;
  const firstBoost = Float64Array.from(left, (r) => boost(tf?.first, r.first?.key, F.first));
  const lastBoost = Float64Array.from(left, (r) => boost(tf?.last, r.last?.key, F.last));
  const idsPresent = hasIntegrationIds(left) || hasIntegrationIds(right);
  for (let k = 0; k < pairs.length; k++) {
    const i = pairs.left[k] as number;
    const j = pairs.right[k] as number;
    const pattern = pairs.pattern[k] as number;
    // Medicare agreement can decide a pair on its own, so it cannot be filtered by score.
    const bound =
      priorWeight +
      scorer.scorePattern(pattern, householdCap + (lastBoost[i] as number)) +
      (firstBoost[i] as number) +
      (lastBoost[i] as number);
    const belowReview = bound < policy.thresholds.review && patternLevel(pattern, F.medicare) !== 0;
    const a = left[i] as PreparedRecord;
    const b = right[j] as PreparedRecord;
    // Without integration ids on either side no pair can agree on one, and most pairs stop
    // here unread: fetching two records of 100,000 per pair is what this loop would wait on.
    if (belowReview && (!idsPresent || !integrationIdAgrees(a, b))) continue;
    const identifier = belowReview || integrationIdAgrees(a, b);
    const assessment = assessPair(a, b, scorer, priorWeight, tf, householdCap);
    if (!identifier && explanationBelowReview(assessment, policy)) continue;
    kept.push({
      assessment,
      candidate: {
        left: i,
        right: j,
        identifier,
        household: assessment.clearlyDifferent || isRelative(assessment, policy),
        guarded: !mayMatch(assessment, policy),
        pair: {
          aId: a.id,
          bId: b.id,
          score: assessment.explanation.score,
          decision: 'review',
          explanation: assessment.explanation,
        },
      },
    });
  }
  return kept;
}

/** integrationIdAgrees needs an integration record id on one side of the pair. */
function hasIntegrationIds(records: readonly PreparedRecord[]): boolean {
  return records.some((r) => r.integrationRecordId !== null);
}

/** Held back from matching only by HOUSEHOLD_ONLY (no other guard). */
function householdOnly(assessment: PairAssessment, policy: DecisionPolicy): boolean {
  return assessment.explanation.guards.includes(HOUSEHOLD_ONLY) && !isGuarded(assessment, policy);
}

function explanationBelowReview(assessment: PairAssessment, policy: DecisionPolicy): boolean {
  return (
    decidePair(assessment, { ...policy, thresholds: { match: Infinity, review: policy.thresholds.review } }) === 'new'
  );
}

/**
 * The lowest match probability at which the automatic matches' expected precision — the
 * mean probability of the pairs at or above it — is still at least `precision`; never below
 * 0.5 (an automatic match must be more likely than not). Scores are match weights.
 */
export function expectedPrecisionThreshold(scores: readonly number[], precision: number): number {
  const sorted = [...scores].sort((x, y) => y - x);
  let wrong = 0;
  let threshold = probabilityToWeight(precision);
  for (let k = 0; k < sorted.length; k++) {
    const score = sorted[k] as number;
    const p = weightToProbability(score);
    if (p < 0.5) break;
    wrong += 1 - p;
    if (wrong / (k + 1) > 1 - precision) break;
    threshold = Math.min(threshold, score);
  }
  return threshold;
}

/** Greedy one-to-one: best pairs first; a match whose record is already taken becomes a
 *  review (it points at duplicates on one side) unless first name and birth date both
 *  differ — then it is the matched person's relative, not a duplicate, and is dropped.
 *  A record with two match-level candidates about as good as each other, who are different
 *  people (they conflict), is not guessed: both become reviews.
 *  Reviews of taken records are dropped. */
function enforceOneToOne(candidates: Candidate[], conflict: (x: Candidate, y: Candidate) => boolean): LinkedPair[] {
  const ambiguous = new Set<Candidate>();
  for (const side of ['left', 'right'] as const) {
    const best = new Map<number, Candidate>();
    for (const c of candidates) {
      if (c.pair.decision !== 'match' || c.identifier) continue;
      const top = best.get(c[side]);
      if (!top) best.set(c[side], c);
      else if (c.pair.score >= top.pair.score - AMBIGUITY_MARGIN && conflict(top, c)) {
        ambiguous.add(top);
        ambiguous.add(c);
      }
    }
  }
  const takenLeft = new Set<number>();
  const takenRight = new Set<number>();
  const result: LinkedPair[] = [];
  const pending: Candidate[] = [];
  for (const c of candidates) {
    if (ambiguous.has(c)) {
      const explanation = {
        ...c.pair.explanation,
        context: 'another candidate is about as likely and a different person',
      };
      pending.push({ ...c, pair: { ...c.pair, decision: 'review', explanation } });
    } else if (c.pair.decision !== 'match') pending.push(c);
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

/** Guards a sole candidate may be matched despite (see matchSoleCandidates). */
export const SOLE_CANDIDATE_GUARDS = new Set(['first name differs', 'date of birth differs', HOUSEHOLD_ONLY]);
/** The least probability of such a match whatever the batch threshold (which can fall to
 *  p ≈ 0.7 on data whose other matches are near-certain): the guard's doubt is not in it. */
export const SOLE_CANDIDATE_FLOOR = 0.9;

/**
 * One-to-one context for a pair held back by a single guard — a first name or a birth date
 * that differs (twins, a son named after his father), or only household fields agreeing
 * (which member is it?) — whose score reaches the match threshold. The guard stands for a
 * relative who looks like the person; when neither record has any other candidate at review
 * level, no such relative is in sight on either side (the person's own record would be a
 * candidate too), and the pair is matched. A relative who is in one source only can still
 * look like this, so it stays a review whenever either record has another candidate. Its own
 * score, not its weight in context (contextWeights): the candidate may be that relative (a
 * twin whose sibling is in one source only), and the context cannot tell.
 */
function matchSoleCandidates(candidates: Candidate[], matchWeight: number): void {
  const floor = Math.max(matchWeight, probabilityToWeight(SOLE_CANDIDATE_FLOOR));
  const leftCount = new Map<number, number>();
  const rightCount = new Map<number, number>();
  for (const c of candidates) {
    leftCount.set(c.left, (leftCount.get(c.left) ?? 0) + 1);
    rightCount.set(c.right, (rightCount.get(c.right) ?? 0) + 1);
  }
  for (const c of candidates) {
    const { guards } = c.pair.explanation;
    if (c.pair.decision !== 'review' || c.identifier) continue;
    if (c.pair.score < floor) continue;
    if (guards.length !== 1 || !SOLE_CANDIDATE_GUARDS.has(guards[0] as string)) continue;
    if (leftCount.get(c.left) !== 1 || rightCount.get(c.right) !== 1) continue;
    c.pair.decision = 'match';
    c.pair.explanation = { ...c.pair.explanation, context: 'the only candidate of both records' };
  }
}

/** The share of a side's records that have a match on the other, as far as a prior can
 *  say, at most this: near 1 the context would decide pairs by absence alone. */
const MAX_MATCHED_SHARE = 0.9;

/**
 * A pair's weight read against its records' candidates rather than against every record of
 * the other side. Its score is log2 odds with the prior spread evenly over all records of the
 * other side; but a record's person, if on the other side at all, is almost always among its
 * candidates (blocking finds it). So the odds that this candidate is the record's person are
 * 2^score / (share of records without a match + Σ 2^score of its other candidates): with no
 * other candidate, the prior of all the records that are not candidates falls to it. Taken
 * from both records' sides, the smaller.
 */
function contextWeights(candidates: readonly Candidate[], stats: LinkStats): (c: Candidate) => number {
  const expected = 2 ** stats.priorWeight * stats.recordsA * stats.recordsB;
  const unmatched = (records: number) => 1 - Math.min(MAX_MATCHED_SHARE, expected / Math.max(1, records));
  const [withoutA, withoutB] = [unmatched(stats.recordsA), unmatched(stats.recordsB)];
  // Typed arrays, not maps: at 100,000 records a side these are 0.8 MB each.
  const oddsLeft = new Float64Array(stats.recordsA);
  const oddsRight = new Float64Array(stats.recordsB);
  for (const c of candidates) {
    if (c.household) continue;
    const odds = 2 ** c.pair.score;
    oddsLeft[c.left] = (oddsLeft[c.left] as number) + odds;
    oddsRight[c.right] = (oddsRight[c.right] as number) + odds;
  }
  return (c) => {
    const odds = c.household ? 0 : 2 ** c.pair.score;
    const left = (oddsLeft[c.left] as number) - odds;
    const right = (oddsRight[c.right] as number) - odds;
    return c.pair.score - Math.log2(Math.max(withoutA + left, withoutB + right));
  };
}

/**
 * An unguarded pair short of the match threshold whose context weight (contextWeights) reaches
 * it is matched — when both records hold a first name and a birth date. The context speaks for
 * the pair because a relative who looks like the person would be a candidate too and is not;
 * but a relative is only told apart by the guards, and those need the first name (a twin) and
 * the birth date (a son of the same name). A record without one may be that relative itself.
 */
function matchInContext(candidates: Candidate[], matchWeight: number, contextWeight: (c: Candidate) => number): void {
  for (const c of candidates) {
    const { guards, fields } = c.pair.explanation;
    if (c.pair.decision !== 'review' || c.household || c.identifier || guards.length > 0) continue;
    if (fields[F.first]?.level === 'missing' || fields[F.dob]?.level === 'missing') continue;
    if (contextWeight(c) < matchWeight) continue;
    c.pair.decision = 'match';
    c.pair.explanation = { ...c.pair.explanation, context: 'the one likely candidate of both records' };
  }
}

/** Reviews whose weight in context (contextWeights) falls below the review threshold: another
 *  candidate of one of the records outweighs them so far (a record is at most one person) that
 *  they are not worth a person's time, as a pair of that weight on its own would not be. */
function withoutOutweighed(
  candidates: Candidate[],
  reviewWeight: number,
  contextWeight: (c: Candidate) => number,
): Candidate[] {
  return candidates.filter((c) => c.pair.decision !== 'review' || c.identifier || contextWeight(c) >= reviewWeight);
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

interface Run {
  candidates: Candidate[];
  model: MatchModel;
  stats: LinkStats;
  scoring: Scoring;
}

export function run(a: readonly MatchRecord[], b: readonly MatchRecord[] | null, options: LinkOptions): Run {
  const given = options.thresholds ?? {};
  // Validates both (and their order) when the match threshold is given explicitly.
  const explicit = given.match !== undefined ? resolveThresholds(given) : null;
  const reviewWeight =
    explicit?.review ?? resolveThresholds({ review: given.review ?? DEFAULT_THRESHOLDS.review }).review;
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
    : trainOnRecords(left, right, sameSet, { ...options.training, maxBucketSize: options.maxBucketSize, pairs });
  options.onProgress?.({ phase: 'train', done: 1, total: 1 });
  const possiblePairs = sameSet ? (left.length * (left.length - 1)) / 2 : left.length * right.length;
  const fallbackMatches = sameSet ? left.length * 0.05 : Math.min(left.length, right.length) / 2;
  const emMatches = trained.model.source === 'em' ? trained.model.lambda * possiblePairs : fallbackMatches;
  const expectedMatches = options.expectedMatches ?? emMatches;
  const priorWeight = priorWeightFor(expectedMatches, possiblePairs);
  const householdPairs = countHouseholdPairs(pairs);
  const households = householdPairs > HOUSEHOLD_SHARE * expectedMatches;
  const guards = options.guards ?? households;
  const precision = options.precision ?? DEFAULT_PRECISION;
  if (!(precision > 0 && precision < 1))
    throw new RangeError(`precision must be a probability strictly between 0 and 1, got ${precision}`);
  const policy: DecisionPolicy = {
    thresholds: { match: Infinity, review: reviewWeight },
    liftWeight: explicit?.match ?? probabilityToWeight(precision),
    guards,
    relatives: options.relatives ?? households,
  };
  const tf = options.termFrequencies === false ? undefined : termFrequencies(sameSet ? [left] : [left, right]);
  const scoring: Scoring = {
    left,
    right,
    scorer: scorerFor(trained.model),
    priorWeight,
    policy,
    tf,
    householdCap: guards ? -priorWeight + HOUSEHOLD_ODDS : Infinity,
  };
  const assessed = assessAll(pairs, scoring);
  // Every use of the compared pairs is behind: their ~25 MB go back before deciding allocates.
  pairs.release();
  // Pairs the household alone carries cannot be matches, but they stay in the set the threshold
  // is taken over: they are the pairs whose probability the model knows least well (their prior
  // is the household's even odds, not estimated), and leaving them out would lower the threshold.
  const eligible = assessed.filter(
    (x) => (!x.candidate.guarded || householdOnly(x.assessment, policy)) && !x.candidate.household,
  );
  const matchWeight =
    explicit?.match ??
    expectedPrecisionThreshold(
      eligible.map((x) => x.candidate.pair.score),
      precision,
    );
  policy.thresholds.match = Math.max(matchWeight, policy.thresholds.review);
  let expectedWrong = 0;
  let matches = 0;
  for (const { candidate, assessment } of assessed) {
    const decision = decidePair(assessment, policy);
    candidate.pair.decision = decision === 'match' ? 'match' : 'review';
    if (decision === 'match') {
      matches++;
      expectedWrong += 1 - assessment.explanation.probability;
    }
  }
  const candidates = assessed
    .map((x) => x.candidate)
    .sort((x, y) => Number(y.identifier) - Number(x.identifier) || y.pair.score - x.pair.score);
  options.onProgress?.({ phase: 'decide', done: 1, total: 1 });
  const stats: LinkStats = {
    recordsA: left.length,
    recordsB: right.length,
    comparisons: pairs.length,
    emIterations: trained.emIterations,
    priorWeight,
    householdPairs,
    guards,
    matchThreshold: weightToProbability(policy.thresholds.match),
    expectedPrecision: matches === 0 ? 1 : 1 - expectedWrong / matches,
    matches: 0,
    reviews: 0,
    reviewsPer100: 0,
  };
  return { model: trained.model, stats, candidates, scoring };
}

export function withCounts(stats: LinkStats, pairs: readonly LinkedPair[]): LinkStats {
  const matches = pairs.filter((p) => p.decision === 'match').length;
  const reviews = pairs.length - matches;
  const records = Math.max(stats.recordsA, stats.recordsB);
  return { ...stats, matches, reviews, reviewsPer100: records === 0 ? 0 : (100 * reviews) / records };
}

/** Links two sources: EM-trained (unless a model is given), one-to-one by default. */
export function linkSources(
  a: readonly MatchRecord[],
  b: readonly MatchRecord[],
  options: LinkOptions = {},
): LinkResult {
  const { candidates, model, stats, scoring } = run(a, b, options);
  // Two candidates of one record conflict when they are different people: compared with each
  // other (both on the same side), a guard fires.
  const conflict = (x: Candidate, y: Candidate) => {
    const [p, q] =
      x.left === y.left
        ? [scoring.right[x.right], scoring.right[y.right]]
        : [scoring.left[x.left], scoring.left[y.left]];
    if (!p || !q || p === q) return false;
    const assessment = assessPair(p, q, scoring.scorer, scoring.priorWeight, scoring.tf, scoring.householdCap);
    return (
      assessment.clearlyDifferent ||
      isRelative(assessment, scoring.policy) ||
      isGuarded(assessment, { ...scoring.policy, guards: true })
    );
  };
  const contextWeight = contextWeights(candidates, stats);
  if (options.oneToOne !== false && readsRelatives(scoring.policy))
    matchSoleCandidates(candidates, scoring.policy.thresholds.match);
  if (options.oneToOne !== false) matchInContext(candidates, scoring.policy.thresholds.match, contextWeight);
  const pairs =
    options.oneToOne === false
      ? candidates.map((c) => c.pair)
      : enforceOneToOne(withoutOutweighed(candidates, scoring.policy.thresholds.review, contextWeight), conflict);
  return { pairs, model, stats: withCounts(stats, pairs) };
}
