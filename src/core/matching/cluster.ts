// Chaining-resistant clustering for dedupe. Single linkage (merge along every match) chains:
// A–B strong, B–C strong, yet A and C are different people (a record with no first name
// and no birth date between two relatives). Here clusters grow along match-level pairs,
// best first, and two clusters merge only when no pair across them is in conflict (a guard
// fires: first name, birth date or sex differ), and never when one pair across them is two
// people beyond doubt (`apart`: birth dates no typing slip explains — a father and a son of
// one name, each cluster holding a record without a birth date that ties it to the other).
// A record tied at match level to two clusters
// that conflict with each other could be either person: it is taken out and sent to review
// with both, rather than guessed.

/** A compared pair, by record index. */
export interface ClusterEdge {
  left: number;
  right: number;
  score: number;
  /** At match level and unguarded: may join clusters. */
  strong: boolean;
}

export interface ClusterOptions {
  /** Any pair across two clusters in conflict (guards) keeps them apart. */
  conflict: (i: number, j: number) => boolean;
  /** A pair that is two people beyond doubt: one such pair across two clusters keeps them
   *  apart, whatever the other pairs say (see conflicting). */
  apart?: (i: number, j: number) => boolean;
  /** Per-field reading of a pair for the majority (see conflicting): for each field k, bit 2k
   *  says both records hold it and bit 2k + 1 that the pair conflicts on it. */
  fieldConflicts?: (i: number, j: number) => number;
  /** Strong edges within this many bits of each other are "as good": a record with such
   *  edges into two conflicting clusters is ambiguous. */
  ambiguityMargin: number;
  /** Clusters never grow beyond this many records (a runaway chain costs O(n²) checks). */
  maxClusterSize: number;
  /** The expected precision of the pairs inside the clusters (see clusterRecords); none when absent. */
  precision?: number;
}

export interface Clustering {
  /** Record index → cluster id (the smallest record index in it). */
  clusterOf: Int32Array;
  /** Records taken out because they fit two different people equally well. */
  ambiguous: Set<number>;
}

class Clusters {
  readonly parent: Int32Array;
  readonly members: Map<number, number[]> = new Map();

  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
  }

  find(i: number): number {
    const p = this.parent;
    while (p[i] !== i) {
      p[i] = p[p[i] as number] as number;
      i = p[i] as number;
    }
    return i;
  }

  list(root: number): number[] {
    return this.members.get(root) ?? [root];
  }

  union(a: number, b: number): void {
    const [big, small] = this.list(a).length >= this.list(b).length ? [a, b] : [b, a];
    this.parent[small] = big;
    this.members.set(big, [...this.list(big), ...this.list(small)]);
    this.members.delete(small);
  }
}

/** Two clusters are different people when at least half the pairs across them conflict: one
 *  odd record (a middle name used as the first, a nickname we do not know) should not split a
 *  person, but twins conflict on every pair. Counted over all pairs, the majority misses a
 *  chain: records without a birth date conflict with nobody and outvote the pairs that show
 *  two people. So it is also counted per field (fieldConflicts), over the pairs where both
 *  records hold the field: half of the pairs that can be compared on the birth date
 *  conflicting on it is enough. And one pair `apart` is enough on its own: no record of one
 *  person differs from another that way (three unrelated errors in one date), so it cannot be
 *  the odd record the majority forgives. */
export function conflicting(
  x: readonly number[],
  y: readonly number[],
  conflict: ClusterOptions['conflict'],
  apart?: ClusterOptions['apart'],
  fieldConflicts?: ClusterOptions['fieldConflicts'],
): boolean {
  let conflicts = 0;
  // Per field: pairs where both records hold it, and pairs that conflict on it.
  const held = [0, 0, 0, 0];
  const against = [0, 0, 0, 0];
  for (const i of x)
    for (const j of y) {
      if (apart?.(i, j)) return true;
      if (conflict(i, j)) conflicts++;
      const bits = fieldConflicts?.(i, j) ?? 0;
      for (let k = 0; bits >> (2 * k) !== 0; k++) {
        if (bits & (1 << (2 * k))) held[k] = (held[k] as number) + 1;
        if (bits & (1 << (2 * k + 1))) against[k] = (against[k] as number) + 1;
      }
    }
  if (conflicts > 0 && 2 * conflicts >= x.length * y.length) return true;
  return against.some((n, k) => n > 0 && 2 * n >= (held[k] as number));
}

function probability(score: number): number {
  return 1 / (1 + 2 ** -score);
}

/** Clusters n records from their compared pairs (see the file comment). */
export function clusterRecords(n: number, edges: readonly ClusterEdge[], options: ClusterOptions): Clustering {
  const strong = edges.filter((e) => e.strong).sort((x, y) => y.score - x.score);
  const c = new Clusters(n);
  // Joining clusters of sizes s and t makes s·t match pairs, all wrong if the join is: its
  // expected cost is s·t·(1 − p). The joins are budgeted so that the expected precision of
  // all pairs inside clusters stays at `precision`: a pair threshold alone sees one pair where
  // a join into a big cluster makes many.
  const allowed = 1 - (options.precision ?? 1);
  let pairs = 0;
  let wrong = 0;
  const overBudget = new Set<ClusterEdge>();
  for (const e of strong) {
    const x = c.find(e.left);
    const y = c.find(e.right);
    if (x === y) continue;
    const sx = c.list(x).length;
    const sy = c.list(y).length;
    if (sx + sy > options.maxClusterSize) continue;
    const cost = sx * sy * (1 - probability(e.score));
    if (options.precision !== undefined && wrong + cost > allowed * (pairs + sx * sy)) {
      overBudget.add(e);
      continue;
    }
    if (!conflicting(c.list(x), c.list(y), options.conflict, options.apart, options.fieldConflicts)) {
      c.union(x, y);
      pairs += sx * sy;
      wrong += cost;
    }
  }
  // Each record's best strong edge into its own cluster and into each other cluster.
  const ownBest = new Float64Array(n).fill(-Infinity);
  for (const e of strong) {
    if (c.find(e.left) !== c.find(e.right)) continue;
    ownBest[e.left] = Math.max(ownBest[e.left] as number, e.score);
    ownBest[e.right] = Math.max(ownBest[e.right] as number, e.score);
  }
  const ambiguous = new Set<number>();
  for (const e of strong) {
    const x = c.find(e.left);
    const y = c.find(e.right);
    if (x === y || overBudget.has(e)) continue;
    // The edge did not join its clusters, so they conflict (or hit the size cap): the record
    // it leaves from is ambiguous when this edge is about as good as its tie to its own.
    for (const [r, own] of [
      [e.left, x],
      [e.right, y],
    ] as const) {
      if (c.list(own).length > 1 && e.score >= (ownBest[r] as number) - options.ambiguityMargin) ambiguous.add(r);
    }
  }
  const clusterOf = new Int32Array(n);
  for (let i = 0; i < n; i++) clusterOf[i] = ambiguous.has(i) ? i : c.find(i);
  // Cluster ids: the smallest member, so output does not depend on merge order.
  const smallest = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const root = clusterOf[i] as number;
    if (!smallest.has(root)) smallest.set(root, i);
  }
  for (let i = 0; i < n; i++) clusterOf[i] = smallest.get(clusterOf[i] as number) as number;
  return { clusterOf, ambiguous };
}

export interface AttachOptions {
  /** The record's weight against a cluster's records read together (see dedupe's profile
   *  score), or −Infinity when it may not join that cluster. */
  profileScore: (record: number, members: readonly number[]) => number;
  /** The weight a join needs (the match threshold). */
  threshold: number;
  /** A second cluster within this many bits of the best keeps the record out (ambiguous). */
  ambiguityMargin: number;
}

/**
 * Cluster context for the records clustering left alone: a record whose pairs with a
 * cluster's records are each short of a match may still be that person beyond doubt when
 * read against the cluster as a whole (its email agrees with one record, its birth date with
 * another). Each lone record (not taken out as ambiguous) with a candidate pair into a cluster
 * of two or more joins the cluster whose profile score reaches the threshold, unless another
 * cluster comes within the ambiguity margin. Scores are taken against the clusters as they
 * were before any record joined, so joins do not chain. Changes clusterOf in place; returns
 * the records that joined.
 */
export function attachToClusters(
  clustering: Clustering,
  edges: readonly { left: number; right: number }[],
  options: AttachOptions,
): number[] {
  const { clusterOf, ambiguous } = clustering;
  const members = new Map<number, number[]>();
  clusterOf.forEach((c, i) => {
    const list = members.get(c);
    if (list) list.push(i);
    else members.set(c, [i]);
  });
  const size = (i: number) => (members.get(clusterOf[i] as number) as number[]).length;
  const targets = new Map<number, Set<number>>();
  for (const e of edges) {
    for (const [r, other] of [
      [e.left, e.right],
      [e.right, e.left],
    ] as const) {
      if (size(r) !== 1 || ambiguous.has(r) || size(other) < 2) continue;
      const set = targets.get(r) ?? new Set<number>();
      set.add(clusterOf[other] as number);
      targets.set(r, set);
    }
  }
  const joins: [number, number][] = [];
  for (const [r, clusters] of targets) {
    let best = -Infinity;
    let second = -Infinity;
    let bestCluster = -1;
    for (const c of clusters) {
      const score = options.profileScore(r, members.get(c) as number[]);
      if (score > best) {
        second = best;
        best = score;
        bestCluster = c;
      } else if (score > second) second = score;
    }
    if (best >= options.threshold && second < best - options.ambiguityMargin) joins.push([r, bestCluster]);
  }
  // Cluster ids stay the smallest member: a record joining with a smaller index renames it.
  const joined = new Map<number, number[]>();
  for (const [r, c] of joins) joined.set(c, [...(joined.get(c) ?? []), r]);
  for (const [c, records] of joined) {
    const id = Math.min(c, ...records);
    for (const i of [...(members.get(c) as number[]), ...records]) clusterOf[i] = id;
  }
  return joins.map(([r]) => r);
}

export interface NamesakeOptions {
  /** As AttachOptions.profileScore. */
  profileScore: (record: number, members: readonly number[]) => number;
  /** Whether the record lacks the field that tells the people apart (its birth date). */
  lacksField: (record: number) => boolean;
  /** Whether two groups of records are different people by that field alone. */
  apartOnField: (x: readonly number[], y: readonly number[]) => boolean;
  /** Another person's records within this many bits of the record's own keep it out. */
  ambiguityMargin: number;
}

/**
 * Namesakes in one household: two Nicholas Rawells at one address, born 1974 and 2006, and a
 * record of a Nicholas Rawell there with no birth date. Its pairs with the son's records may
 * each be short of a match (a typo in one name, the middle name missing in another), so
 * clusterRecords does not see that it fits him too; a reviewer looking at the household
 * would, and could not tell which of the two it is. Such a record — lacking the field that
 * keeps its cluster apart from another, reached by one of its candidate pairs — is taken out
 * (ambiguous) when it scores against that other person's records, read as a whole, within
 * the margin of its score against the rest of its own cluster. Scores against the clusters
 * as they were, so one removal does not decide another. Changes the clustering in place;
 * returns the records taken out.
 */
export function takeOutNamesakes(
  clustering: Clustering,
  edges: readonly { left: number; right: number }[],
  options: NamesakeOptions,
): number[] {
  const { clusterOf, ambiguous } = clustering;
  const members = membersByCluster(clusterOf);
  const others = new Map<number, Set<number>>();
  for (const e of edges)
    for (const [r, other] of [
      [e.left, e.right],
      [e.right, e.left],
    ] as const) {
      if (clusterOf[r] === clusterOf[other] || !options.lacksField(r)) continue;
      if ((members.get(clusterOf[r] as number) as number[]).length < 2) continue;
      const set = others.get(r) ?? new Set<number>();
      set.add(clusterOf[other] as number);
      others.set(r, set);
    }
  const out: number[] = [];
  for (const [r, clusters] of others) {
    const own = (members.get(clusterOf[r] as number) as number[]).filter((i) => i !== r);
    const ownScore = options.profileScore(r, own);
    for (const c of clusters) {
      const list = members.get(c) as number[];
      const score = options.profileScore(r, list);
      if (score === -Infinity || score < ownScore - options.ambiguityMargin) continue;
      if (!options.apartOnField(own, list)) continue;
      out.push(r);
      break;
    }
  }
  for (const r of out) {
    ambiguous.add(r);
    clusterOf[r] = -1 - r; // an id no cluster has, until renamed below
  }
  renameBySmallest(clusterOf);
  return out;
}

function membersByCluster(clusterOf: Int32Array): Map<number, number[]> {
  const members = new Map<number, number[]>();
  clusterOf.forEach((c, i) => {
    const list = members.get(c);
    if (list) list.push(i);
    else members.set(c, [i]);
  });
  return members;
}

/** Cluster ids: the smallest member, so output does not depend on merge order. */
function renameBySmallest(clusterOf: Int32Array): void {
  const smallest = new Map<number, number>();
  for (let i = 0; i < clusterOf.length; i++) {
    const root = clusterOf[i] as number;
    if (!smallest.has(root)) smallest.set(root, i);
  }
  for (let i = 0; i < clusterOf.length; i++) clusterOf[i] = smallest.get(clusterOf[i] as number) as number;
}
