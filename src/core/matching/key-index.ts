// The inverted index batch linking probes: blocking key → the records carrying it, in record
// order. Held in typed arrays under a 64-bit hash of each key rather than in a Map of
// strings: 100,000 records carry ~1.3 million keys, which as Map entries and key strings cost
// ~90 MB and seconds of string hashing; here they cost ~47 MB. Two different keys would have
// to share all 64 bits of the hash to be confused (about one chance in 10^7 for a million
// distinct keys), and then the only effect is extra comparisons.
import { isBroadKey, type KeyWriter } from './blocking.ts';
import { growInt32, release, releasableInt32, releasableUint8 } from './buffers.ts';

const EMPTY = -1;

const SEED_LOW = 0xdeadbeef;
const SEED_HIGH = 0x41c6ce57;

/**
 * A record's keys as two independent 32-bit multiplicative hashes each (cyrb53's mixing),
 * taken piece by piece as writeBlockingKeys writes them: the same hashes the key strings would
 * give, without the strings. Reused from record to record (reset).
 */
export class KeyHashes implements KeyWriter {
  low = new Int32Array(32);
  high = new Int32Array(32);
  broad = new Uint8Array(32);
  count = 0;
  private h1 = SEED_LOW;
  private h2 = SEED_HIGH;
  private broadKey = false;

  reset(): void {
    this.count = 0;
  }

  start(kind: string): void {
    this.h1 = SEED_LOW;
    this.h2 = SEED_HIGH;
    this.broadKey = isBroadKey(kind);
    this.text(kind);
  }

  text(piece: string): void {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < piece.length; i++) {
      const c = piece.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    this.h1 = h1;
    this.h2 = h2;
  }

  int(piece: number): void {
    if (!(Number.isSafeInteger(piece) && piece >= 0)) {
      this.text(`${piece}`);
      return;
    }
    let unit = 1;
    while (unit * 10 <= piece) unit *= 10;
    let h1 = this.h1;
    let h2 = this.h2;
    for (; unit >= 1; unit /= 10) {
      const c = 48 + (Math.floor(piece / unit) % 10);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    this.h1 = h1;
    this.h2 = h2;
  }

  end(): void {
    let h1 = this.h1;
    let h2 = this.h2;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    if (this.count === this.low.length) this.grow();
    this.low[this.count] = h1;
    this.high[this.count] = h2;
    this.broad[this.count] = this.broadKey ? 1 : 0;
    this.count++;
  }

  /** A whole key string: the same hash as writing it piece by piece. */
  add(key: string): void {
    this.h1 = SEED_LOW;
    this.h2 = SEED_HIGH;
    this.broadKey = isBroadKey(key);
    this.text(key);
    this.end();
  }

  private grow(): void {
    const size = this.low.length * 2;
    const low = new Int32Array(size);
    const high = new Int32Array(size);
    const broad = new Uint8Array(size);
    low.set(this.low);
    high.set(this.high);
    broad.set(this.broad);
    this.low = low;
    this.high = high;
    this.broad = broad;
  }
}

/** Fills `hashes` with the keys of record i (after resetting it). */
export type KeysOf = (i: number, hashes: KeyHashes) => void;

/** Records whose keys are counted to size the index. */
const SIZING_SAMPLE = 1000;

/**
 * Key occurrences to make room for: the first records' keys per record, times the records,
 * plus a tenth. Sized once rather than grown by doubling from small: at 100,000 records the
 * last doubling held the old and the new arrays (~40 MB) just when the heap still held
 * everything preparation left behind — the run's memory peak. (The arrays grow in place
 * when the estimate falls short: see buffers.ts.)
 */
function expectedOccurrences(keysOf: KeysOf, records: number, hashes: KeyHashes): number {
  const sample = Math.min(records, SIZING_SAMPLE);
  let keys = 0;
  for (let i = 0; i < sample; i++) {
    keysOf(i, hashes);
    keys += hashes.count;
  }
  return Math.max(1024, Math.ceil((records * keys * 1.1) / Math.max(1, sample)));
}

/** Slots per occurrence the table starts with, and the share of used slots it grows at. */
const SLOTS_PER_OCCURRENCE = 1.5;
const MAX_LOAD = 0.75;

/** A table of `capacity` free slots: each slot's key hash (low, high), bucket and breadth. */
function newSlots(capacity: number) {
  return {
    low: releasableInt32(capacity),
    high: releasableInt32(capacity),
    first: releasableInt32(capacity).fill(EMPTY),
    count: releasableInt32(capacity),
    broad: releasableUint8(capacity),
  };
}

export class KeyIndex {
  private mask: number;
  private low: Int32Array;
  private high: Int32Array;
  /** Per slot: first entry of its bucket (EMPTY when the slot is free) and the bucket's size. */
  private first: Int32Array;
  private count: Int32Array;
  private broad: Uint8Array;
  private used = 0;
  /** Per entry: the record, and the next entry of the same bucket (EMPTY at the end). */
  private record: Int32Array;
  private next: Int32Array;

  /**
   * Each occurrence goes straight into its bucket (no list of hashed occurrences beside the
   * table, ~19 MB at 100,000 records): put in front while the records are read in order, then
   * every bucket's list is turned round, so that buckets list records in ascending order.
   */
  constructor(keysOf: KeysOf, records: number) {
    const hashes = new KeyHashes();
    const expected = expectedOccurrences(keysOf, records, hashes);
    let capacity = 1024;
    while (capacity < expected * SLOTS_PER_OCCURRENCE) capacity *= 2;
    this.mask = capacity - 1;
    ({ low: this.low, high: this.high, first: this.first, count: this.count, broad: this.broad } = newSlots(capacity));
    this.record = releasableInt32(expected, Math.ceil(expected * 1.5));
    this.next = releasableInt32(expected, Math.ceil(expected * 1.5));
    let entries = 0;
    for (let i = 0; i < records; i++) {
      keysOf(i, hashes);
      for (let k = 0; k < hashes.count; k++) {
        const low = hashes.low[k] as number;
        const high = hashes.high[k] as number;
        let slot = this.slotOf(low, high, false);
        if (slot === EMPTY) {
          if (this.used + 1 > MAX_LOAD * (this.mask + 1)) this.growTable();
          slot = this.slotOf(low, high, true);
          this.used++;
          this.broad[slot] = hashes.broad[k] as number;
        }
        if (entries === this.record.length) {
          const size = Math.ceil(entries * 1.5);
          this.record = growInt32(this.record, size);
          this.next = growInt32(this.next, size);
        }
        this.record[entries] = i;
        this.next[entries] = this.first[slot] as number;
        this.first[slot] = entries;
        this.count[slot] = (this.count[slot] as number) + 1;
        entries++;
      }
    }
    for (let slot = 0; slot <= this.mask; slot++) {
      let entry = this.first[slot] as number;
      let previous = EMPTY;
      while (entry !== EMPTY) {
        const following = this.next[entry] as number;
        this.next[entry] = previous;
        previous = entry;
        entry = following;
      }
      this.first[slot] = previous;
    }
  }

  /** Twice the slots, the buckets moved over (their entries stay where they are). */
  private growTable(): void {
    const { low, high, first, count, broad } = this;
    const capacity = (this.mask + 1) * 2;
    this.mask = capacity - 1;
    ({ low: this.low, high: this.high, first: this.first, count: this.count, broad: this.broad } = newSlots(capacity));
    for (let old = 0; old < first.length; old++) {
      if (first[old] === EMPTY) continue;
      const slot = this.slotOf(low[old] as number, high[old] as number, true);
      this.first[slot] = first[old] as number;
      this.count[slot] = count[old] as number;
      this.broad[slot] = broad[old] as number;
    }
    for (const array of [low, high, first, count, broad]) release(array);
  }

  /** Hands the index's memory back at once (see buffers.ts); the index is empty afterwards. */
  release(): void {
    for (const array of [this.low, this.high, this.first, this.count, this.broad, this.record, this.next])
      release(array);
  }

  /** The slot holding this hash; with `claim`, a free slot is taken for it. EMPTY if absent. */
  private slotOf(low: number, high: number, claim: boolean): number {
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

  /** The bucket of a key, by its hashes (see KeyHashes): a handle for `size`, `isBroad` and
   *  `firstEntry`, or NO_ENTRY. */
  bucket(low: number, high: number): number {
    return this.slotOf(low, high, false);
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
