// Candidate pairs from the hashed key index, and training that picks its pairs out of them,
// against plain references: every pair sharing a usable key, and training that compares its own.
import { describe, expect, it } from 'vitest';
import {
  BROAD_KEY_LIMIT,
  isBroadKey,
  preparedBlockingKeys,
  writeBlockingKeys,
} from '../../src/core/matching/blocking.ts';
import { KeyHashes } from '../../src/core/matching/key-index.ts';
import { collectPairs } from '../../src/core/matching/pairs.ts';
import { prepareRecord, type PreparedRecord } from '../../src/core/matching/prepare.ts';
import { trainOnRecords } from '../../src/core/matching/train.ts';
import { generateLinkData } from '../../bench/matcher-synthetic-data.ts';

/** Every (left, right) pair sharing a key that is neither over the bucket limit nor a broad
 *  key shared too widely, from a Map of key strings: what the index must reproduce. */
function referencePairs(left: PreparedRecord[], right: PreparedRecord[], maxBucketSize: number): Set<string> {
  const index = new Map<string, number[]>();
  right.forEach((r, j) => {
    for (const key of preparedBlockingKeys(r)) index.set(key, [...(index.get(key) ?? []), j]);
  });
  const pairs = new Set<string>();
  left.forEach((r, i) => {
    for (const key of preparedBlockingKeys(r)) {
      const bucket = index.get(key) ?? [];
      if (bucket.length > maxBucketSize || (bucket.length > BROAD_KEY_LIMIT && isBroadKey(key))) continue;
      for (const j of bucket) pairs.add(`${i}:${j}`);
    }
  });
  return pairs;
}

describe('batch candidate pairs', () => {
  const { a, b } = generateLinkData(1500, 0.5, 7);
  const left = a.map((r) => prepareRecord(r));
  const right = b.map((r) => prepareRecord(r));

  it('compares exactly the pairs that share a usable key, each once', () => {
    for (const maxBucketSize of [1000, 3]) {
      const pairs = collectPairs(left, right, { maxBucketSize });
      const found = new Set<string>();
      for (let k = 0; k < pairs.length; k++) found.add(`${pairs.left[k]}:${pairs.right[k]}`);
      expect(found.size).toBe(pairs.length);
      expect(found).toEqual(referencePairs(left, right, maxBucketSize));
    }
  });

  it('hashes keys written piece by piece as it hashes the key strings', () => {
    const odd = [
      { id: 'x1', firstName: 'Jo', lastName: 'Li', dob: '0001-01-01', phone: '0412 345 678', postcode: '2000' },
      { id: 'x2', firstName: 'A', lastName: 'B', dob: '2000-12-31', email: 'a@b.c', integrationRecordId: 'P-9' },
      { id: 'x3', lastName: "O'Brien-Smith", dob: '1999-10-10', addressLine1: '3/12 Smith St', city: 'Ryde' },
      { id: 'x4', medicareNumber: '2123 45670 1' },
    ].map((r) => prepareRecord(r));
    const byPieces = new KeyHashes();
    const byStrings = new KeyHashes();
    for (const r of [...left, ...right, ...odd]) {
      byPieces.reset();
      writeBlockingKeys(r, byPieces);
      byStrings.reset();
      for (const key of preparedBlockingKeys(r)) byStrings.add(key);
      expect(byPieces.count).toBe(byStrings.count);
      const take = (h: KeyHashes) => [
        ...h.low.slice(0, h.count),
        ...h.high.slice(0, h.count),
        ...h.broad.slice(0, h.count),
      ];
      expect(take(byPieces)).toEqual(take(byStrings));
    }
  });

  it('trains the same model from the run’s pairs as by comparing its own', () => {
    const pairs = collectPairs(left, right, {});
    const own = trainOnRecords(left, right, false, { maxTrainingRecords: 500 });
    const reused = trainOnRecords(left, right, false, { maxTrainingRecords: 500, pairs });
    expect(reused.emIterations).toBe(own.emIterations);
    expect(reused.model.lambda).toBeCloseTo(own.model.lambda, 12);
    const tables = (m: typeof own.model) => [m.m, m.u, m.uHousehold ?? []].flat(2);
    const expected = tables(own.model);
    tables(reused.model).forEach((x, k) => expect(x).toBeCloseTo(expected[k] as number, 12));
  });
});
