// Deterministic randomness: every id, token and seeded record comes from a mulberry32
// stream, so the same seed always yields the same sandbox (docs can quote credentials).
import { mulberry32, type Random } from '../shared/random.ts';

export type { Random };

/** mulberry32 (src/emulators/shared/random.ts): tiny, fast, good enough for test data (not for secrets). */
export { mulberry32 };

export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new RangeError('pick from an empty list');
  return item;
}

export function intBetween(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function chance(random: Random, probability: number): boolean {
  return random() < probability;
}
