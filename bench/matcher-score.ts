// Scores matcher output against labels: the figures every matcher report carries —
// matches, reviews, reviews per 100 records, precision / recall / F1 at the automatic
// decisions, F1 if every review were resolved correctly — and for dedupe the pairwise F1
// over the clusters a user gets by merging every match.

export interface ScoredPair {
  aId: string;
  bId: string;
  decision: 'match' | 'review';
}

export interface Score {
  records: number;
  matches: number;
  reviews: number;
  reviewsPer100: number;
  /** Reviews that are the same person (a person would accept them). */
  trueReviews: number;
  precision: number;
  recall: number;
  f1: number;
  /** F1 if every review were resolved correctly. */
  f1Resolved: number;
  /** Dedupe: pairwise scores over the clusters from merging every match (and, resolved, every true review). */
  cluster?: { precision: number; recall: number; f1: number; f1Resolved: number };
}

function prf(tp: number, predicted: number, actual: number) {
  const precision = predicted === 0 ? 1 : tp / predicted;
  const recall = actual === 0 ? 1 : tp / actual;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** Σ C(k, 2) over groups of the given labels. */
function pairsWithin(labels: Iterable<string>): number {
  const sizes = new Map<string, number>();
  for (const l of labels) sizes.set(l, (sizes.get(l) ?? 0) + 1);
  let n = 0;
  for (const k of sizes.values()) n += (k * (k - 1)) / 2;
  return n;
}

/** Clusters from merging the given pairs: record id → cluster root. */
export function clustersOf(ids: readonly string[], pairs: readonly ScoredPair[]): Map<string, string> {
  const parent = new Map(ids.map((id) => [id, id]));
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root) as string;
    while (parent.get(x) !== root) {
      const next = parent.get(x) as string;
      parent.set(x, root);
      x = next;
    }
    return root;
  };
  for (const p of pairs) parent.set(find(p.aId), find(p.bId));
  return new Map(ids.map((id) => [id, find(id)]));
}

/** Pairwise precision/recall/F1 of a clustering against the labels. */
export function clusterPrf(clusters: Map<string, string>, truth: Map<string, string>) {
  const predicted = pairsWithin(clusters.values());
  const actual = pairsWithin([...clusters.keys()].map((id) => truth.get(id) as string));
  const both = pairsWithin([...clusters].map(([id, c]) => `${c}\u0000${truth.get(id)}`));
  return prf(both, predicted, actual);
}

/** Linking two sources: true pairs are the people present on both sides. */
export function scoreLink(
  pairs: readonly ScoredPair[],
  a: readonly { id: string }[],
  b: readonly { id: string }[],
  truth: Map<string, string>,
): Score {
  const inA = new Set(a.map((r) => truth.get(r.id)));
  const actual = b.filter((r) => inA.has(truth.get(r.id))).length;
  return scorePairs(pairs, truth, actual, b.length);
}

/** Deduplicating one list: true pairs are all pairs within a person's records. */
export function scoreDedupe(pairs: readonly ScoredPair[], ids: readonly string[], truth: Map<string, string>): Score {
  const actual = pairsWithin(ids.map((id) => truth.get(id) as string));
  const score = scorePairs(pairs, truth, actual, ids.length);
  const same = (p: ScoredPair) => truth.get(p.aId) === truth.get(p.bId);
  const matches = pairs.filter((p) => p.decision === 'match');
  const auto = clusterPrf(clustersOf(ids, matches), truth);
  const resolved = clusterPrf(
    clustersOf(ids, [...matches, ...pairs.filter((p) => p.decision === 'review' && same(p))]),
    truth,
  );
  return { ...score, cluster: { ...auto, f1Resolved: resolved.f1 } };
}

function scorePairs(pairs: readonly ScoredPair[], truth: Map<string, string>, actual: number, records: number): Score {
  const same = (p: ScoredPair) => truth.get(p.aId) === truth.get(p.bId);
  const matches = pairs.filter((p) => p.decision === 'match');
  const reviews = pairs.filter((p) => p.decision === 'review');
  const tp = matches.filter(same).length;
  const trueReviews = reviews.filter(same).length;
  const auto = prf(tp, matches.length, actual);
  const resolved = prf(tp + trueReviews, matches.length + trueReviews, actual);
  return {
    records,
    matches: matches.length,
    reviews: reviews.length,
    reviewsPer100: (100 * reviews.length) / Math.max(1, records),
    trueReviews,
    ...auto,
    f1Resolved: resolved.f1,
  };
}

/** One line for a report. */
export function formatScore(label: string, s: Score): string {
  const f = (x: number) => x.toFixed(4);
  const base =
    `${label}: ${s.records} records, ${s.matches} matches, ${s.reviews} reviews (${s.reviewsPer100.toFixed(1)} per 100 records, ${s.trueReviews} true); ` +
    `at auto: P ${f(s.precision)} R ${f(s.recall)} F1 ${f(s.f1)}; F1 with reviews resolved ${f(s.f1Resolved)}`;
  if (!s.cluster) return base;
  const c = s.cluster;
  return `${base}; clusters (merge every match): P ${f(c.precision)} R ${f(c.recall)} F1 ${f(c.f1)}, resolved ${f(c.f1Resolved)}`;
}
