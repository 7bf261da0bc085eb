// Seeded randomness for the emulators: mulberry32, the same generator src/core/random.ts
// defines for the hub, written out here because an emulator imports nothing outside
// src/emulators (it plays the vendor, not Tandem). test/emulators/shared-random.test.ts
// keeps the two identical, so a seed gives the same sandbox it always did.
export type Random = () => number;

export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
