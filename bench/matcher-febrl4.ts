// FEBRL4 benchmark: link dataset4a ↔ dataset4b without soc_sec_id, report quality and time.
// Run: npx tsx bench/matcher-febrl4.ts
import { linkSources } from '../src/core/matching/index.ts';
import { evaluate, loadFebrl4 } from './matcher-febrl4-data.ts';

const started = performance.now();
const { a, b } = loadFebrl4();
const loaded = performance.now();
const result = linkSources(a, b);
const linked = performance.now();
const atMatch = evaluate(result.pairs, a, b, 'match');
const withReview = evaluate(result.pairs, a, b, 'match+review');
const pct = (x: number) => (x * 100).toFixed(2) + '%';
console.log(
  `FEBRL4 ${a.length} x ${b.length}, comparisons ${result.stats.comparisons}, EM iterations ${result.stats.emIterations}`,
);
console.log(
  `match:        precision ${pct(atMatch.precision)} recall ${pct(atMatch.recall)} F1 ${atMatch.f1.toFixed(4)} (TP ${atMatch.truePositives}/${atMatch.predicted} predicted, ${atMatch.truePairs} true)`,
);
// Every review resolved correctly: its true pairs join the matches, the others are rejected.
const resolvedTp = withReview.truePositives;
const resolvedP = resolvedTp / Math.max(1, atMatch.predicted + (withReview.truePositives - atMatch.truePositives));
const resolvedR = resolvedTp / atMatch.truePairs;
console.log(
  `${result.stats.matches} matches, ${result.stats.reviews} reviews (${result.stats.reviewsPer100.toFixed(2)} per 100 records); F1 if reviews resolved ${((2 * resolvedP * resolvedR) / (resolvedP + resolvedR)).toFixed(4)}`,
);
console.log(
  `match+review: precision ${pct(withReview.precision)} recall ${pct(withReview.recall)} F1 ${withReview.f1.toFixed(4)} (${withReview.predicted} pairs)`,
);
console.log(
  `time: load ${((loaded - started) / 1000).toFixed(2)} s, link ${((linked - loaded) / 1000).toFixed(2)} s; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
);
if (process.argv.includes('--model')) console.log(JSON.stringify(result.model, null, 1));
