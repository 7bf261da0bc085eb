// Thresholds → match / review / new, for one pair and for one incoming person against
// its candidates.
import { assessPair, HOUSEHOLD_ONLY, probabilityToWeight, type PairAssessment } from './explain.ts';
import { defaultModel, PatternScorer, type MatchModel } from './model.ts';
import { prepareRecord, type PreparedRecord } from './prepare.ts';
import type { MatchRecord, MatchResult, NormalizeOptions, ScoredCandidate, Thresholds } from './types.ts';
import type { TermFrequencies } from './tf.ts';

/** The expected precision of a batch's automatic matches (linkSources, dedupe, `tandem match`)
 *  unless the caller chooses another: one wrong pair in 200. The batch's threshold is set so
 *  the matches' mean probability reaches it. */
export const DEFAULT_PRECISION = 0.995;

/** Defaults for one decision (matchOne), where the precision of a match is its probability:
 *  0.99 — the Healthengine partner spec requires a returning patient with a new surname and
 *  a mistyped phone to be matched (p ≈ 0.992 with the default model). A review from 0.01 (one
 *  chance in a hundred is worth a human look before creating a possible duplicate). */
export const DEFAULT_THRESHOLDS: Thresholds = { match: 0.99, review: 0.01 };

/** Thresholds as match weights (log2 odds), the unit scores are computed in. */
export interface WeightThresholds {
  match: number;
  review: number;
}

export type PairDecision = 'match' | 'review' | 'new';

export interface DecisionPolicy {
  thresholds: WeightThresholds;
  /** "First name differs" stops an automatic match because twins look like that, "date of
   *  birth differs" because a son named after his father does; neither when it is the only
   *  guard and the person's own fields reach this weight even read as two members of one
   *  household (an email or a mobile of their own, say). Default: the match threshold. */
  liftWeight?: number;
  /** Apply the guards (twins, same-card family, parent/child): see explain.ts. */
  guards: boolean;
  /** Only the strongest guard: first name *and* birth date differ → new (relatives). */
  relatives?: boolean;
}

/** The decision for one assessed pair, before any one-to-one or ambiguity rule. */
/** Whether the guards keep this pair from an automatic match (see DecisionPolicy.liftWeight). */
export function isGuarded(assessment: PairAssessment, policy: DecisionPolicy): boolean {
  const guards = assessment.explanation.guards.filter((g) => g !== HOUSEHOLD_ONLY);
  if (!policy.guards || guards.length === 0) return false;
  const lift = policy.liftWeight ?? policy.thresholds.match;
  return !(guards.length === 1 && LIFTABLE.has(guards[0] as string) && assessment.relativeWeight >= lift);
}

/** Whether the pair may be an automatic match: no guard holds it back, nor does the household
 *  alone carry it (HOUSEHOLD_ONLY: not a sign of two people, so not a conflict in clusters). */
export function mayMatch(assessment: PairAssessment, policy: DecisionPolicy): boolean {
  return !isGuarded(assessment, policy) && !assessment.explanation.guards.includes(HOUSEHOLD_ONLY);
}

/** Guards that the person's own evidence can lift when it is the only one: a differing first
 *  name (twins) or birth date (a son named after his father) describes a relative, and the
 *  relative reading already weighs the fields against relatives. */
const LIFTABLE = new Set(['first name differs', 'date of birth differs']);

/** A relative, never even a review, in data with households: first name and birth date both
 *  differ, or first name and sex (a brother, a sister); or the birth dates are apart beyond a
 *  typing slip; or the first name, the sex or the birth date differs and nothing else of the person agrees
 *  (another member of the household, as far as anyone can tell: a reviewer would have nothing
 *  to decide it on). */
/** Whether the data is read with relatives in mind (households, or the caller says so). */
export const readsRelatives = (policy: DecisionPolicy): boolean => policy.guards || (policy.relatives ?? false);

export function isRelative(assessment: PairAssessment, policy: DecisionPolicy): boolean {
  if (!readsRelatives(policy)) return false;
  const { guards } = assessment.explanation;
  // Any field of the person's own that differs, with nothing of theirs agreeing: a birth date
  // says "another member" as plainly as a first name does.
  const otherMember =
    guards.includes('first name differs') || guards.includes('sex differs') || guards.includes('date of birth differs');
  return (
    assessment.clearlyDifferent ||
    assessment.datesApart ||
    (guards.includes('first name differs') && guards.includes('sex differs')) ||
    (guards.includes(HOUSEHOLD_ONLY) && otherMember)
  );
}

export function decidePair(assessment: PairAssessment, policy: DecisionPolicy): PairDecision {
  const { explanation } = assessment;
  if (explanation.identifier === 'integration_record_id') return 'match';
  const guarded = !mayMatch(assessment, policy);
  if (isRelative(assessment, policy)) return 'new';
  if (!guarded && (explanation.identifier === 'medicare' || explanation.score >= policy.thresholds.match))
    return 'match';
  return explanation.score >= policy.thresholds.review ? 'review' : 'new';
}

/** The keys of a partial object whose values are not undefined (so they do not erase defaults). */
function definedOnly<T extends object>(partial?: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(partial ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function resolveThresholds(partial?: Partial<Thresholds>): WeightThresholds {
  const t = { ...DEFAULT_THRESHOLDS, ...definedOnly(partial) };
  for (const [name, p] of Object.entries(t)) {
    if (!(p > 0 && p < 1))
      throw new RangeError(`thresholds.${name} must be a probability strictly between 0 and 1, got ${p}`);
  }
  if (t.review > t.match) throw new RangeError('thresholds.review must not exceed thresholds.match');
  return { match: probabilityToWeight(t.match), review: probabilityToWeight(t.review) };
}

/** Scorers are cached per model object: building the weight tables is cheap but not free. */
const scorers = new WeakMap<MatchModel, PatternScorer>();
const DEFAULT_MODEL = defaultModel();

export function scorerFor(model: MatchModel = DEFAULT_MODEL): PatternScorer {
  let scorer = scorers.get(model);
  if (!scorer) {
    scorer = new PatternScorer(model);
    scorers.set(model, scorer);
  }
  return scorer;
}

export interface MatchOptions {
  /** A model trained by EM on the practice's population (trainModel); defaults otherwise. */
  model?: MatchModel;
  /** Expected precision of an automatic match, i.e. the match threshold (default
   *  DEFAULT_THRESHOLDS.match), unless `thresholds.match` is given. */
  precision?: number;
  thresholds?: Partial<Thresholds>;
  /** How many patients the hub holds: the prior odds that a given candidate is the person
   *  are 1 : population. Default 100,000 (conservative for a single practice). */
  population?: number;
  /** Guards against twins, family members and parent/child (default true here). */
  guards?: boolean;
  normalize?: NormalizeOptions;
  /** At most this many candidates in a review result. Default 5. */
  maxReviewCandidates?: number;
  /** How common each name is in the population (termFrequenciesFromCounts): agreeing on a
   *  common name is weaker evidence than on a rare one. None: every name weighs the same. */
  termFrequencies?: TermFrequencies;
}

function toCandidate(record: PreparedRecord, assessment: PairAssessment): ScoredCandidate {
  return { id: record.id, score: assessment.explanation.score, explanation: assessment.explanation };
}

/**
 * Several candidates reach match level, but the incoming record is at most one of them: the
 * best is the person with probability 1 / (1 + Σ 2^(other − best)) (scores are log2 odds).
 * When that reaches the match threshold the best one is matched (an exact match on every field
 * beside a relative who shares the address); true duplicates in the hub score alike and stay a review.
 */
function outweighsTheRest(matches: readonly { candidate: ScoredCandidate }[], thresholds: WeightThresholds): boolean {
  const [best, ...rest] = matches.map((m) => m.candidate.score);
  if (best === undefined || rest.length === 0) return rest.length === 0 && best !== undefined;
  const others = rest.reduce((sum, score) => sum + 2 ** (score - best), 0);
  return others <= 2 ** -thresholds.match;
}

/**
 * One incoming person against the existing patients that share a blocking key with it.
 * Exactly one candidate at match level → match; two or more → the best when it outweighs the
 * rest (outweighsTheRest), else (the hub holds duplicates, or the evidence cannot tell them
 * apart) a review of them all; otherwise the candidates
 * at review level → review; otherwise new (with the best candidate, for the record).
 */
export function matchOne(
  incoming: MatchRecord,
  candidates: readonly MatchRecord[],
  options: MatchOptions = {},
): MatchResult {
  const thresholds = resolveThresholds({ match: options.precision, ...definedOnly(options.thresholds) });
  const policy = { thresholds, guards: options.guards ?? true };
  const scorer = scorerFor(options.model);
  const priorWeight = -Math.log2(Math.max(1, options.population ?? 100_000));
  const person = prepareRecord(incoming, options.normalize);
  const scored = candidates
    .map((candidate) => {
      const prepared = prepareRecord(candidate, options.normalize);
      const assessment = assessPair(person, prepared, scorer, priorWeight, options.termFrequencies);
      return { candidate: toCandidate(prepared, assessment), decision: decidePair(assessment, policy) };
    })
    .sort((x, y) => y.candidate.score - x.candidate.score);
  const byIdentifier = scored.filter((s) => s.candidate.explanation.identifier === 'integration_record_id');
  const matches = byIdentifier.length > 0 ? byIdentifier : scored.filter((s) => s.decision === 'match');
  if (matches.length === 1 || (byIdentifier.length === 0 && outweighsTheRest(matches, thresholds))) {
    const only = (matches[0] as (typeof matches)[number]).candidate;
    return { kind: 'match', id: only.id, score: only.score, explanation: only.explanation };
  }
  const limit = options.maxReviewCandidates ?? 5;
  const reviews = matches.length > 1 ? matches : scored.filter((s) => s.decision === 'review');
  if (reviews.length > 0)
    return { kind: 'review', candidates: reviews.slice(0, Math.max(limit, matches.length)).map((s) => s.candidate) };
  const best = scored[0]?.candidate;
  return best ? { kind: 'new', best } : { kind: 'new' };
}
