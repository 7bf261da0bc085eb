// Candidate pairs for batch linking: an inverted index over blocking keys (key-index.ts), walked record
// by record with a "last seen" stamp per target so a pair sharing several keys is compared
// once, with no set of pairs held in memory. Each comparison is kept as three integers.
import { encodePattern, MISSING, patternLevel, STRIDES } from './compare/fields.ts';
import { compareRecords, newVector } from './compare/vector.ts';
import { growInt32, release, releasableInt32 } from './buffers.ts';
import { BROAD_KEY_LIMIT, preparedBlockingKeys, SINGLE_KEY_KINDS, writeBlockingKeys } from './blocking.ts';
import { KeyHashes, KeyIndex, NO_ENTRY } from './key-index.ts';
import type { PreparedRecord } from './prepare.ts';

/** Room the pair arrays reserve to grow in place (address space only: memory is taken as
 *  they fill). Past it they are copied, as any array would be. */
const RESERVED_PAIRS = 1 << 26;

/** Compared pairs as parallel typed arrays (index into left, index into right, pattern). They
 *  grow in place, without a copy beside the old arrays (see buffers.ts). */
export class PairBuffer {
  left = releasableInt32(1 << 16, RESERVED_PAIRS);
  right = releasableInt32(1 << 16, RESERVED_PAIRS);
  pattern = releasableInt32(1 << 16, RESERVED_PAIRS);
  length = 0;

  push(left: number, right: number, pattern: number): void {
    if (this.length === this.left.length) this.grow();
    this.left[this.length] = left;
    this.right[this.length] = right;
    this.pattern[this.length] = pattern;
    this.length++;
  }

  private grow(): void {
    const size = this.left.length * 2;
    this.left = growInt32(this.left, size);
    this.right = growInt32(this.right, size);
    this.pattern = growInt32(this.pattern, size);
  }

  /** Hands the arrays' memory back at once: the pairs can no longer be read, `length` still
   *  says how many there were. */
  release(): void {
    for (const array of [this.left, this.right, this.pattern]) release(array);
  }

  /** Distinct patterns with how often each occurs: the input EM needs. */
  patternCounts(): Map<number, number> {
    const counts = new Map<number, number>();
    for (let i = 0; i < this.length; i++) {
      const p = this.pattern[i] as number;
      counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    return counts;
  }
}

export interface ProgressEvent {
  phase: 'prepare' | 'compare' | 'train' | 'decide';
  done: number;
  total: number;
}
export type ProgressListener = (event: ProgressEvent) => void;

export interface CollectOptions {
  /** Dedupe: left and right are the same list; only pairs i < j are compared. */
  sameSet?: boolean;
  /** Keys shared by more records than this (a clinic's phone, a placeholder birth date)
   *  are skipped: they would cost much and tell little. Default 1000. */
  maxBucketSize?: number;
  onProgress?: ProgressListener;
  /** Only blocking keys of these kinds (e.g. ["d:"]): used to train on pairs chosen by one rule. */
  keyKinds?: readonly string[];
  /** Fields recorded as missing in the patterns (those the chosen keys force to agree). */
  maskedFields?: readonly number[];
}

/** The record's keys into `hashes` (of the given kinds only, when given: then through the key
 *  strings, as only training passes ask for kinds). */
function hashKeys(record: PreparedRecord, kinds: readonly string[] | undefined, hashes: KeyHashes): void {
  hashes.reset();
  if (!kinds) writeBlockingKeys(record, hashes);
  else for (const key of preparedBlockingKeys(record)) if (kinds.some((kind) => key.startsWith(kind))) hashes.add(key);
}

/** Inverted index over the keys of `records` (of the given kinds only, when given). */
export function indexByKeys(records: readonly PreparedRecord[], kinds?: readonly string[]): KeyIndex {
  return new KeyIndex((i, hashes) => hashKeys(records[i] as PreparedRecord, kinds, hashes), records.length);
}

export function collectPairs(
  left: readonly PreparedRecord[],
  right: readonly PreparedRecord[],
  options: CollectOptions = {},
): PairBuffer {
  const { sameSet = false, maxBucketSize = 1000, onProgress, keyKinds, maskedFields = [] } = options;
  const index = indexByKeys(right, keyKinds);
  const lastSeen = new Int32Array(right.length).fill(-1);
  const vector = newVector();
  const pairs = new PairBuffer();
  const hashes = new KeyHashes();
  const step = Math.max(1, Math.floor(left.length / 20));
  for (let i = 0; i < left.length; i++) {
    const record = left[i] as PreparedRecord;
    hashKeys(record, keyKinds, hashes);
    for (let k = 0; k < hashes.count; k++) {
      const bucket = index.bucket(hashes.low[k] as number, hashes.high[k] as number);
      if (bucket === NO_ENTRY) continue;
      const size = index.size(bucket);
      if (size > maxBucketSize || (size > BROAD_KEY_LIMIT && index.isBroad(bucket))) continue;
      for (let entry = index.firstEntry(bucket); entry !== NO_ENTRY; entry = index.nextEntry(entry)) {
        const j = index.entryRecord(entry);
        if (lastSeen[j] === i || (sameSet && j <= i)) continue;
        lastSeen[j] = i;
        compareRecords(record, right[j] as PreparedRecord, vector);
        for (const f of maskedFields) vector[f] = MISSING;
        pairs.push(i, j, encodePattern(vector));
      }
    }
    if (onProgress && (i + 1) % step === 0) onProgress({ phase: 'compare', done: i + 1, total: left.length });
  }
  index.release();
  return pairs;
}

export interface KindSelection {
  /** A kind in SINGLE_KEY_KINDS ("d:", "fl:", "ad:"). */
  kind: string;
  /** Fields recorded as missing in the patterns (as CollectOptions.maskedFields). */
  maskedFields: readonly number[];
  /** Only pairs whose left record is marked (a training sample); all when absent. */
  leftIncluded?: Uint8Array;
  maxBucketSize?: number;
}

/**
 * The pattern counts collectPairs would give with keyKinds [kind] (and the left records
 * restricted to `leftIncluded`), taken from pairs already collected over all keys: those hold
 * every pair sharing any key, so no record is compared twice. Exact for kinds a record
 * carries at most one key of; the bucket limit is applied to the same right-side buckets.
 */
export function patternCountsOfKind(
  pairs: PairBuffer,
  left: readonly PreparedRecord[],
  right: readonly PreparedRecord[],
  selection: KindSelection,
): { counts: Map<number, number>; pairs: number } {
  const keyOf = SINGLE_KEY_KINDS[selection.kind];
  if (!keyOf) throw new RangeError(`not a single-key kind: ${selection.kind}`);
  const maxBucketSize = selection.maxBucketSize ?? 1000;
  const rightKeys = right.map(keyOf);
  const bucketSizes = new Map<string, number>();
  for (const key of rightKeys) if (key !== null) bucketSizes.set(key, (bucketSizes.get(key) ?? 0) + 1);
  // Pairs come grouped by left record: its key is made once, when the group starts.
  let lastLeft = -1;
  let key: string | null = null;
  const counts = new Map<number, number>();
  let total = 0;
  for (let k = 0; k < pairs.length; k++) {
    const i = pairs.left[k] as number;
    if (selection.leftIncluded && selection.leftIncluded[i] !== 1) continue;
    if (i !== lastLeft) {
      key = keyOf(left[i] as PreparedRecord);
      lastLeft = i;
    }
    if (key === null || rightKeys[pairs.right[k] as number] !== key) continue;
    if ((bucketSizes.get(key) ?? 0) > maxBucketSize) continue;
    let pattern = pairs.pattern[k] as number;
    for (const f of selection.maskedFields) pattern -= (patternLevel(pattern, f) + 1) * (STRIDES[f] as number);
    counts.set(pattern, (counts.get(pattern) ?? 0) + 1);
    total++;
  }
  return { counts, pairs: total };
}
