// The inverted index batch linking probes: blocking key → the records carrying it, in record
// order. Held in typed arrays under a 64-bit hash of each key rather than in a Map of
// strings: 100,000 records carry ~1.3 million keys, which as Map entries and key strings cost
// ~90 MB and seconds of string hashing; here they cost ~47 MB. Two different keys would have
// to share all 64 bits of the hash to be confused (about one chance in 10^7 for a million
// distinct keys), and then the only effect is extra comparisons.
import { isBroadKey } from './blocking.ts';

const EMPTY = -1;

/** Two independent 32-bit multiplicative hashes of a key (cyrb53's mixing), as [low, high]. */
function hashKey(key: string, out: Int32Array): void {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  out[0] = h1;
  out[1] = h2;
}

/** Growable list of key occurrences (record, hash) gathered before the table is sized. */
class Occurrences {
  record: Int32Array;
  low: Int32Array;
  high: Int32Array;
  broad: Uint8Array;
  length = 0;

  constructor(capacity: number) {
    this.record = new Int32Array(capacity);
    this.low = new Int32Array(capacity);
    this.high = new Int32Array(capacity);
    this.broad = new Uint8Array(capacity);
  }

  push(record: number, hash: Int32Array, broad: boolean): void {
    if (this.length === this.record.length) this.grow();
    this.record[this.length] = record;
    this.low[this.length] = hash[0] as number;
    this.high[this.length] = hash[1] as number;
    this.broad[this.length] = broad ? 1 : 0;
    this.length++;
  }

  private grow(): void {
    const size = Math.ceil(this.record.length * 1.5);
    for (const key of ['record', 'low', 'high'] as const) {
      const next = new Int32Array(size);
      next.set(this[key]);
      this[key] = next;
    }
    const broad = new Uint8Array(size);
    broad.set(this.broad);
    this.broad = broad;
  }
}

/** Records whose keys are counted to size the occurrence list. */
const SIZING_SAMPLE = 1000;

/**
 * Occurrences to make room for: the first records' keys per record, times the records, plus
 * a tenth. Sized once rather than grown by doubling from small: at 100,000 records the last
 * doubling held the old and the new arrays (~40 MB) just when the heap still held everything
 * preparation left behind — the run's memory peak.
 */
function expectedOccurrences(keysOf: (i: number) => readonly string[], records: number): number {
  const sample = Math.min(records, SIZING_SAMPLE);
  let keys = 0;
  for (let i = 0; i < sample; i++) keys += keysOf(i).length;
  return Math.max(1024, Math.ceil((records * keys * 1.1) / Math.max(1, sample)));
}

export class KeyIndex {
  private readonly mask: number;
  private readonly low: Int32Array;
  private readonly high: Int32Array;
  /** Per slot: first entry of its bucket (EMPTY when the slot is free) and the bucket's size. */
  private readonly first: Int32Array;
  private readonly count: Int32Array;
  private readonly broad: Uint8Array;
  /** Per entry: the record, and the next entry of the same bucket (EMPTY at the end). */
  private readonly record: Int32Array;
  private readonly next: Int32Array;
  private readonly hash = new Int32Array(2);

  constructor(keysOf: (i: number) => readonly string[], records: number) {
    const occurrences = new Occurrences(expectedOccurrences(keysOf, records));
    const hash = this.hash;
    for (let i = 0; i < records; i++)
      for (const key of keysOf(i)) {
        hashKey(key, hash);
        occurrences.push(i, hash, isBroadKey(key));
      }
    let capacity = 1024;
    while (capacity < occurrences.length * 1.5) capacity *= 2;
    this.mask = capacity - 1;
    this.low = new Int32Array(capacity);
    this.high = new Int32Array(capacity);
    this.first = new Int32Array(capacity).fill(EMPTY);
    this.count = new Int32Array(capacity);
    this.broad = new Uint8Array(capacity);
    this.record = occurrences.record.slice(0, occurrences.length);
    this.next = new Int32Array(occurrences.length);
    // Backwards, each entry put in front of its bucket: buckets list records in ascending order.
    for (let k = occurrences.length - 1; k >= 0; k--) {
      hash[0] = occurrences.low[k] as number;
      hash[1] = occurrences.high[k] as number;
      const slot = this.slotOf(hash, true);
      this.next[k] = this.first[slot] as number;
      this.first[slot] = k;
      this.count[slot] = (this.count[slot] as number) + 1;
      this.broad[slot] = occurrences.broad[k] as number;
    }
  }

  /** The slot holding this hash; with `claim`, a free slot is taken for it. EMPTY if absent. */
  private slotOf(hash: Int32Array, claim: boolean): number {
    const low = hash[0] as number;
    const high = hash[1] as number;
    for (let slot = low & this.mask; ; slot = (slot + 1) & this.mask) {
      if (this.first[slot] === EMPTY) {
        if (!claim) return EMPTY;
        this.low[slot] = low;
        this.high[slot] = high;
        return slot;
      }
      if (this.low[slot] === low && this.high[slot] === high) return slot;
    }
  }

  /** The bucket of a key: a handle for `size`, `broad` and `records`, or EMPTY. */
  bucket(key: string): number {
    hashKey(key, this.hash);
    return this.slotOf(this.hash, false);
  }

  size(bucket: number): number {
    return this.count[bucket] as number;
  }

  /** Whether the bucket's key is a broad one (see BROAD_KEY_KINDS). */
  isBroad(bucket: number): boolean {
    return this.broad[bucket] === 1;
  }

  /** First entry of a bucket (its records in order: `entryRecord`, then `nextEntry` until NO_ENTRY). */
  firstEntry(bucket: number): number {
    return this.first[bucket] as number;
  }

  nextEntry(entry: number): number {
    return this.next[entry] as number;
  }

  entryRecord(entry: number): number {
    return this.record[entry] as number;
  }
}

export const NO_ENTRY = EMPTY;
