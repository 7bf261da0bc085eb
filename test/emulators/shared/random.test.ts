// The emulators carry their own copy of mulberry32 (they import nothing outside src/emulators);
// it must stay the hub's generator, or every seeded sandbox (and the credentials docs quote) changes.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/core/random.ts';
import { mulberry32 } from '../../../src/emulators/shared/random.ts';

describe('emulators/shared mulberry32', () => {
  it('gives the same stream as src/core/random.ts for every seed tried', () => {
    for (const seed of [0, 1, 7, 42, 2 ** 31, 2 ** 32 - 1, -5]) {
      const ours = mulberry32(seed);
      const core = seededRandom(seed);
      const a = Array.from({ length: 50 }, () => ours());
      const b = Array.from({ length: 50 }, () => core());
      expect(a).toEqual(b);
    }
  });

  it('is pinned: seed 7 starts with the values sandboxes were always built from', () => {
    const r = mulberry32(7);
    expect([r(), r(), r()]).toEqual([0.011704753153026104, 0.06195825757458806, 0.97690763277933]);
  });
});
