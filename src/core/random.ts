// A small seeded generator (mulberry32), the one the whole project uses where it needs
// reproducible randomness: the matcher's samples (the core takes no randomness from the
// environment) and the emulators' seeded sandboxes (the same seed, the same data and
// credentials on every machine). Fast and good enough for those; never for secrets.
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
