// FEBRL4 (5,000 + 5,000 records, rec-N-org ↔ rec-N-dup-0), linked without soc_sec_id.
// The bar from issue 4: F1 ≥ 0.995 at the match decision, with precision ≥ 0.999.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { linkSources } from '../../src/core/matching/index.ts';
import { evaluate, FEBRL4_DIR, loadFebrl4 } from '../../bench/matcher-febrl4-data.ts';

describe.skipIf(!existsSync(path.join(FEBRL4_DIR, 'dataset4a.csv')))('FEBRL4', () => {
  it('links with F1 ≥ 0.995 and precision ≥ 0.999 at the match decision', () => {
    const { a, b } = loadFebrl4();
    expect(a).toHaveLength(5000);
    expect(b).toHaveLength(5000);
    const result = linkSources(a, b);
    const quality = evaluate(result.pairs, a, b, 'match');
    expect(quality.precision).toBeGreaterThanOrEqual(0.999);
    expect(quality.f1).toBeGreaterThanOrEqual(0.995);
    expect(result.model.source).toBe('em');
    expect(result.stats.guards).toBe(false); // no households in FEBRL
    // One-to-one: no record in two matches.
    const matches = result.pairs.filter((p) => p.decision === 'match');
    expect(new Set(matches.map((p) => p.aId)).size).toBe(matches.length);
    expect(new Set(matches.map((p) => p.bId)).size).toBe(matches.length);
  });
});
