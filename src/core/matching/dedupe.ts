// Deduplication of one list: the run's pairs (link.ts) clustered without chaining (cluster.ts),
// lone records read against whole clusters, and one review per pair of clusters.
import { F, FIELD_COUNT, MISSING } from './compare/fields.ts';
import { compareRecords, newVector } from './compare/vector.ts';
import { attachToClusters, clusterRecords, conflicting, takeOutNamesakes } from './cluster.ts';
import { DEFAULT_PRECISION, isGuarded, isRelative, readsRelatives } from './decide.ts';
import { assessPair, guardsFor, probabilityToWeight, type PairAssessment } from './explain.ts';
import {
  AMBIGUITY_MARGIN,
  run,
  SOLE_CANDIDATE_FLOOR,
  SOLE_CANDIDATE_GUARDS,
  withCounts,
  type LinkOptions,
  type LinkResult,
  type Scoring,
} from './link.ts';
import { combineWeights, HOUSEHOLD_FIELDS } from './model.ts';
import type { PreparedRecord } from './prepare.ts';
import type { LinkedPair, MatchRecord } from './types.ts';

const MAX_CLUSTER_SIZE = 60;
/** The guards counted field by field in clusters' majority (see dedupe). */
const FIELD_GUARDS: readonly (readonly [number, string])[] = [[F.dob, 'date of birth differs']];

export interface DedupeResult extends LinkResult {
  /** Groups of record ids of one person (size ≥ 2): exactly the pairs decided `match`. */
  clusters: string[][];
  /** Every record's cluster id (the id of its first record in input order); singletons too. */
  clusterOf: Map<string, string>;
}

/**
 * Finds duplicates within one list. Records are clustered along match-level pairs without
 * chaining (cluster.ts); the `match` pairs are exactly the pairs inside the final clusters, so
 * merging every match gives those clusters. Reviews: the best pair between two clusters that
 * reaches review level and does not conflict, and records that fit two people equally well.
 */
export function dedupe(records: readonly MatchRecord[], options: LinkOptions = {}): DedupeResult {
  const { candidates, model, stats, scoring } = run(records, null, options);
  const { left, scorer, priorWeight, tf, householdCap, policy } = scoring;
  const cache = new Map<number, PairAssessment>();
  const n = left.length;
  const assess = (i: number, j: number): PairAssessment => {
    const [x, y] = i < j ? [i, j] : [j, i];
    const key = x * n + y;
    let a = cache.get(key);
    if (!a) {
      a = assessPair(left[x] as PreparedRecord, left[y] as PreparedRecord, scorer, priorWeight, tf, householdCap);
      cache.set(key, a);
    }
    return a;
  };
  const conflict = (i: number, j: number) => {
    const a = assess(i, j);
    return a.clearlyDifferent || isRelative(a, policy) || isGuarded(a, policy);
  };
  // Birth dates apart beyond a typing slip where relatives are read as such (isRelative): a
  // parent and a child. Elsewhere (FEBRL's corrupted dates) it stays a weight.
  const relativesRead = readsRelatives(policy);
  const apart = (i: number, j: number) => relativesRead && assess(i, j).datesApart;
  // The majority per field, over the pairs where both records hold it: records without a birth
  // date (or first name) conflict with nobody on it and must not outvote the pairs that show
  // two people.
  const fieldConflicts = (i: number, j: number) => {
    if (!relativesRead) return 0;
    const a = assess(i, j);
    const against = conflict(i, j);
    let bits = 0;
    FIELD_GUARDS.forEach(([f, guard], k) => {
      if (a.explanation.fields[f]?.level === 'missing') return;
      bits |= 1 << (2 * k);
      if (against && a.explanation.guards.includes(guard)) bits |= 1 << (2 * k + 1);
    });
    return bits;
  };
  const clustering = clusterRecords(
    n,
    candidates.map((c) => ({
      left: c.left,
      right: c.right,
      score: c.identifier ? Infinity : c.pair.score,
      strong: c.pair.decision === 'match',
    })),
    {
      conflict,
      apart,
      fieldConflicts,
      ambiguityMargin: Math.min(AMBIGUITY_MARGIN, policy.thresholds.match),
      maxClusterSize: MAX_CLUSTER_SIZE,
      precision: options.thresholds?.match === undefined ? (options.precision ?? DEFAULT_PRECISION) : undefined,
    },
  );
  // Before lone records join clusters: a namesake taken out may not be read as lone.
  if (relativesRead)
    takeOutNamesakes(
      clustering,
      candidates.filter((c) => !c.household),
      {
        profileScore: (r, list) => profileScore(scoring, r, list),
        lacksField: (r) => (left[r] as PreparedRecord).dob === 0,
        apartOnField: (x, y) => conflicting(x, y, () => false, apart, fieldConflicts),
        ambiguityMargin: Math.min(AMBIGUITY_MARGIN, policy.thresholds.match),
      },
    );
  if (relativesRead)
    attachToClusters(
      clustering,
      candidates.filter((c) => !c.household),
      {
        profileScore: (r, list) =>
          conflicting([r], list, conflict, apart, fieldConflicts) ? -Infinity : profileScore(scoring, r, list),
        threshold: policy.thresholds.match,
        ambiguityMargin: Math.min(AMBIGUITY_MARGIN, policy.thresholds.match),
      },
    );
  const { clusterOf } = clustering;
  const membersOf = () => {
    const map = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const c = clusterOf[i] as number;
      const list = map.get(c);
      if (list) list.push(i);
      else map.set(c, [i]);
    }
    return map;
  };
  // One review per pair of clusters: the best candidate pair between them.
  const reviewsOf = (members: Map<number, number[]>) => {
    const reviews = new Map<number, LinkedPair>();
    for (const c of candidates) {
      const x = clusterOf[c.left] as number;
      const y = clusterOf[c.right] as number;
      if (x === y || c.household) continue;
      const ambiguous = clustering.ambiguous.has(c.left) || clustering.ambiguous.has(c.right);
      if (!ambiguous && clustersConflict(members.get(x) ?? [], members.get(y) ?? [], conflict, apart)) continue;
      const key = Math.min(x, y) * n + Math.max(x, y);
      const seen = reviews.get(key);
      if (seen && seen.score >= c.pair.score) continue;
      const explanation = ambiguous
        ? { ...c.pair.explanation, context: 'the record fits two different people about equally well' }
        : c.pair.explanation;
      reviews.set(key, { ...c.pair, decision: 'review', explanation });
    }
    return reviews;
  };
  let members = membersOf();
  let reviews = reviewsOf(members);
  if (relativesRead && joinSoleReviews(reviews, n, clusterOf, policy.thresholds.match) > 0) {
    members = membersOf();
    reviews = reviewsOf(members);
  }
  const pairs: LinkedPair[] = [];
  for (const list of members.values()) {
    for (let x = 0; x < list.length; x++)
      for (let y = x + 1; y < list.length; y++) {
        const i = list[x] as number;
        const j = list[y] as number;
        const explanation = assess(i, j).explanation;
        const direct = explanation.score >= policy.thresholds.match && explanation.guards.length === 0;
        pairs.push({
          aId: (left[i] as PreparedRecord).id,
          bId: (left[j] as PreparedRecord).id,
          score: explanation.score,
          decision: 'match',
          explanation: direct ? explanation : { ...explanation, context: 'same person as the records between them' },
        });
      }
  }
  pairs.push(...reviews.values());
  pairs.sort((p, q) => (p.decision === q.decision ? q.score - p.score : p.decision === 'match' ? -1 : 1));
  const clusters = [...members.values()]
    .filter((list) => list.length > 1)
    .map((list) => list.map((i) => (left[i] as PreparedRecord).id));
  const clusterIds = new Map<string, string>();
  for (let i = 0; i < n; i++)
    clusterIds.set((left[i] as PreparedRecord).id, (left[clusterOf[i] as number] as PreparedRecord).id);
  return { pairs, model, stats: withCounts(stats, pairs), clusters, clusterOf: clusterIds };
}

/**
 * Dedupe's form of matchSoleCandidates: a review between two clusters (or records) that is
 * the only review either of them has, held back by a single guard the sole-candidate rule
 * accepts, at or above the match threshold and SOLE_CANDIDATE_FLOOR, joins them. Reviews of a
 * record that fits two people (context set) never do. Changes clusterOf in place (the joined
 * cluster takes the smaller id); returns how many joins were made.
 */
function joinSoleReviews(
  reviews: Map<number, LinkedPair>,
  n: number,
  clusterOf: Int32Array,
  matchWeight: number,
): number {
  const floor = Math.max(matchWeight, probabilityToWeight(SOLE_CANDIDATE_FLOOR));
  const count = new Map<number, number>();
  for (const key of reviews.keys())
    for (const c of [Math.floor(key / n), key % n]) count.set(c, (count.get(c) ?? 0) + 1);
  const joins: [number, number][] = [];
  for (const [key, review] of reviews) {
    const x = Math.floor(key / n);
    const y = key % n;
    const { guards, context } = review.explanation;
    if (context !== undefined || review.score < floor || count.get(x) !== 1 || count.get(y) !== 1) continue;
    if (guards.length !== 1 || !SOLE_CANDIDATE_GUARDS.has(guards[0] as string)) continue;
    joins.push([x, y]);
  }
  if (joins.length === 0) return 0;
  const into = new Map(joins.map(([x, y]) => [y, x] as const));
  for (let i = 0; i < n; i++) {
    const target = into.get(clusterOf[i] as number);
    if (target !== undefined) clusterOf[i] = target;
  }
  return joins.length;
}

/**
 * A record against a cluster's records read together, as one profile of the person: each
 * field at the best level any of the records reaches (the email of one, the birth date of
 * another). k records give a field k chances to agree by coincidence, so an agreeing field
 * whose best level k records could have shown loses log2(k) bits (u at most k times larger).
 * Scored like a pair (household cap, prior); −Infinity when a guard fires on the profile or
 * nothing of the person's own agrees (only household fields would carry it).
 */
function profileScore(s: Scoring, r: number, list: readonly number[]): number {
  const best = new Int8Array(FIELD_COUNT).fill(MISSING);
  const held = new Int32Array(FIELD_COUNT);
  const levels = newVector();
  let swapped = false;
  for (const i of list) {
    swapped = compareRecords(s.left[r] as PreparedRecord, s.left[i] as PreparedRecord, levels) || swapped;
    for (let f = 0; f < FIELD_COUNT; f++) {
      const level = levels[f] as number;
      if (level === MISSING) continue;
      held[f] = (held[f] as number) + 1;
      if (best[f] === MISSING || level < (best[f] as number)) best[f] = level;
    }
  }
  if (guardsFor(best, swapped).length > 0) return -Infinity;
  const agrees = (f: number, worst: number) => (best[f] as number) >= 0 && (best[f] as number) <= worst;
  const personal =
    agrees(F.first, 2) || agrees(F.dob, 2) || agrees(F.email, 1) || agrees(F.mobile, 1) || agrees(F.middle, 0);
  if (!personal) return -Infinity;
  const split = s.scorer.splitLevels(best);
  for (let f = 0; f < FIELD_COUNT; f++) {
    const level = best[f] as number;
    const k = held[f] as number;
    if (level === MISSING || k < 2 || ((s.scorer.weights[f] as Float64Array)[level] as number) <= 0) continue;
    const penalty = Math.log2(k);
    if (HOUSEHOLD_FIELDS.includes(f)) split[1] -= penalty;
    else {
      split[0] -= penalty;
      split[2] -= penalty;
    }
  }
  return s.priorWeight + combineWeights(split, s.householdCap);
}

/** Reviews between two clusters that are different people are not worth a person's time,
 *  unless one of them is a single record (then the pair's own review is the question). */
function clustersConflict(
  x: readonly number[],
  y: readonly number[],
  conflict: (i: number, j: number) => boolean,
  apart: (i: number, j: number) => boolean,
): boolean {
  if (x.length < 2 && y.length < 2) return false;
  return conflicting(x, y, conflict, apart);
}
