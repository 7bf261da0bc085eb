// Synthetic scale benchmark: link N × N generated records (default 100,000 each side) and
// report time, peak RSS and quality against the generator's ground truth.
// Run: npx tsx bench/matcher-synthetic.ts [N]
//      npx tsx bench/matcher-synthetic.ts [N] --csv DIR   (only write DIR/a.csv, DIR/b.csv, DIR/truth.csv
//                                                         for timing `tandem match` itself)
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatCsvRow } from '../src/cli/match/csv.ts';
import { linkSources, type MatchRecord } from '../src/core/matching/index.ts';
import { generateLinkData } from './matcher-synthetic-data.ts';

const n = Number(process.argv[2] ?? 100_000);
const t0 = performance.now();
const { a, b, truth } = generateLinkData(n);
const csvDir = process.argv.indexOf('--csv') > 0 ? process.argv[process.argv.indexOf('--csv') + 1] : undefined;
if (csvDir) {
  const columns = [
    'id',
    'first_name',
    'middle_name',
    'last_name',
    'dob',
    'sex',
    'email',
    'phone',
    'address_line1',
    'city',
    'state',
    'postcode',
    'country',
    'medicare_number',
  ];
  const row = (r: MatchRecord) =>
    formatCsvRow(
      [
        r.id,
        r.firstName,
        r.middleName,
        r.lastName,
        r.dob,
        r.sex,
        r.email,
        r.phone ?? r.phones?.[0],
        r.addressLine1,
        r.city,
        r.state,
        r.postcode,
        r.country,
        r.medicareNumber,
      ].map((v) => v ?? ''),
    );
  mkdirSync(csvDir, { recursive: true });
  writeFileSync(path.join(csvDir, 'a.csv'), formatCsvRow(columns) + a.map(row).join(''));
  writeFileSync(path.join(csvDir, 'b.csv'), formatCsvRow(columns) + b.map(row).join(''));
  writeFileSync(
    path.join(csvDir, 'truth.csv'),
    formatCsvRow(['b_id', 'a_id']) + [...truth].map((t) => formatCsvRow(t)).join(''),
  );
  console.log(`wrote ${a.length} + ${b.length} records to ${csvDir}`);
  process.exit(0);
}
const t1 = performance.now();
const cpu0 = process.cpuUsage();
let lastPhase = '';
let peakHeapMb = 0;
// Each phase's end: wall and CPU since the start of linking, heap and RSS then (the peak RSS
// is read at the end; the heap is sampled here because the heap is what the run controls).
const progress = (label: string) => {
  const used = process.cpuUsage(cpu0);
  const { heapUsed, rss } = process.memoryUsage();
  peakHeapMb = Math.max(peakHeapMb, heapUsed / 2 ** 20);
  process.stderr.write(
    `  [${((performance.now() - t1) / 1000).toFixed(1)} s wall, ${((used.user + used.system) / 1e6).toFixed(1)} s CPU, heap ${(heapUsed / 2 ** 20).toFixed(0)} MB, RSS ${(rss / 2 ** 20).toFixed(0)} MB] ${label}\n`,
  );
};
progress('generated');
const result = linkSources(a, b, {
  onProgress: (e) => {
    if (e.phase !== lastPhase || e.done === e.total) progress(`${e.phase} ${e.done}/${e.total}`);
    lastPhase = e.phase;
  },
});
const t2 = performance.now();
const cpu = process.cpuUsage(cpu0);
const matches = result.pairs.filter((p) => p.decision === 'match');
const tp = matches.filter((p) => truth.get(p.bId) === p.aId).length;
const reviews = result.pairs.length - matches.length;
const reviewTp = result.pairs.filter((p) => p.decision === 'review' && truth.get(p.bId) === p.aId).length;
const f1Of = (truePositives: number, predicted: number) => {
  const p = truePositives / Math.max(1, predicted);
  const r = truePositives / truth.size;
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
};
const precision = tp / Math.max(1, matches.length);
const recall = tp / truth.size;
const f1 = f1Of(tp, matches.length);
// Every review resolved correctly: its true pairs join the matches, the others are rejected.
const f1Resolved = f1Of(tp + reviewTp, matches.length + reviewTp);
const rssMb = process.resourceUsage().maxRSS / 1024;
const load = (await import('node:os'))
  .loadavg()
  .map((x) => x.toFixed(1))
  .join(' ');
console.log(
  `synthetic ${n} x ${n}: generate ${((t1 - t0) / 1000).toFixed(1)} s, link ${((t2 - t1) / 1000).toFixed(1)} s wall (${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU), peak RSS ${rssMb.toFixed(0)} MB (peak heap at phase ends ${peakHeapMb.toFixed(0)} MB); load average ${load}`,
);
console.log(
  `comparisons ${result.stats.comparisons}, EM iterations ${result.stats.emIterations}, prior weight ${result.stats.priorWeight.toFixed(2)}`,
);
console.log(
  `match: precision ${(precision * 100).toFixed(3)}% recall ${(recall * 100).toFixed(2)}% F1 ${f1.toFixed(4)} (${tp}/${matches.length}, ${truth.size} true); reviews ${reviews} (${reviewTp} true, ${result.stats.reviewsPer100.toFixed(2)} per 100 records); F1 if reviews resolved ${f1Resolved.toFixed(4)}`,
);
