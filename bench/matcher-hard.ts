// The hard matcher benchmark: every profile (clean / typical / hard) as a dedupe list and as
// two sources to link, plus FEBRL4; the figures of bench/matcher-score.ts for each.
// Tuning may use only the typical profile with TUNING_SEED; the hard profile and the other
// seeds are held out.
//
//   npx tsx bench/matcher-hard.ts [--seeds 2,3] [--profiles clean,typical,hard] [--n 2000]
//   npx tsx bench/matcher-hard.ts --write DIR [--seeds 2] [--n 1000]   CSVs for `tandem match`:
//       DIR/<profile>-<seed>-dedupe.csv (+ .truth.csv), DIR/<profile>-<seed>-a.csv, -b.csv (+ -link.truth.csv)
//   npx tsx bench/matcher-hard.ts --score PAIRS.csv --truth TRUTH.csv [--dedupe]   score `tandem match` output
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { csvObjects, formatCsvRow } from '../src/cli/match/csv.ts';
import { dedupe, linkSources, type MatchRecord } from '../src/core/matching/index.ts';
import { generateDedupeSet, generateLinkSet, PROFILES, TUNING_SEED, type ProfileName } from './matcher-hard-data.ts';
import { loadFebrl4 } from './matcher-febrl4-data.ts';
import { formatScore, scoreDedupe, scoreLink, type ScoredPair } from './matcher-score.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '2,3' },
    profiles: { type: 'string', default: PROFILES.join(',') },
    n: { type: 'string', default: '2000' },
    write: { type: 'string' },
    score: { type: 'string' },
    truth: { type: 'string' },
    dedupe: { type: 'boolean' },
    'no-febrl': { type: 'boolean' },
    'no-link': { type: 'boolean' },
  },
});
const seeds = values.seeds.split(',').map(Number);
const profiles = values.profiles.split(',') as ProfileName[];
const n = Number(values.n);

const COLUMNS = [
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
] as const;
const csv = (records: readonly MatchRecord[]) =>
  formatCsvRow(COLUMNS) +
  records
    .map((r) =>
      formatCsvRow(
        [
          r.id,
          r.firstName,
          r.middleName,
          r.lastName,
          r.dob,
          r.sex,
          r.email,
          r.phone,
          r.addressLine1,
          r.city,
          r.state,
          r.postcode,
        ].map((v) => v ?? ''),
      ),
    )
    .join('');
const truthCsv = (truth: Map<string, string>) =>
  formatCsvRow(['id', 'person_id']) + [...truth].map(([id, person]) => formatCsvRow([id, person])).join('');

function tag(profile: string, seed: number): string {
  return `${profile} seed ${seed}${seed === TUNING_SEED && profile === 'typical' ? ' (tuning)' : ' (held out)'}`;
}

if (values.write) {
  const dir = values.write;
  mkdirSync(dir, { recursive: true });
  for (const profile of profiles)
    for (const seed of seeds) {
      const d = generateDedupeSet(profile, seed, n);
      writeFileSync(path.join(dir, `${profile}-${seed}-dedupe.csv`), csv(d.records));
      writeFileSync(path.join(dir, `${profile}-${seed}-dedupe.truth.csv`), truthCsv(d.truth));
      const l = generateLinkSet(profile, seed, n);
      writeFileSync(path.join(dir, `${profile}-${seed}-a.csv`), csv(l.a));
      writeFileSync(path.join(dir, `${profile}-${seed}-b.csv`), csv(l.b));
      writeFileSync(path.join(dir, `${profile}-${seed}-link.truth.csv`), truthCsv(l.truth));
    }
  console.log(`wrote ${profiles.length * seeds.length} dedupe and link sets of ${n} records to ${dir}`);
} else if (values.score) {
  if (!values.truth) throw new Error('--score needs --truth');
  const truth = new Map(
    csvObjects(readFileSync(values.truth, 'utf8')).records.map((r) => [r.id ?? '', r.person_id ?? '']),
  );
  const pairs: ScoredPair[] = csvObjects(readFileSync(values.score, 'utf8')).records.map((r) => ({
    aId: r.a_id ?? '',
    bId: r.b_id ?? '',
    decision: r.decision === 'match' ? 'match' : 'review',
  }));
  const ids = [...truth.keys()];
  if (values.dedupe) console.log(formatScore(values.score, scoreDedupe(pairs, ids, truth)));
  else {
    const a = ids.filter((id) => id.startsWith('a')).map((id) => ({ id }));
    const b = ids.filter((id) => id.startsWith('b')).map((id) => ({ id }));
    console.log(formatScore(values.score, scoreLink(pairs, a, b, truth)));
  }
} else {
  const started = performance.now();
  for (const profile of profiles)
    for (const seed of seeds) {
      const d = generateDedupeSet(profile, seed, n);
      const t0 = performance.now();
      const deduped = dedupe(d.records);
      const ms = performance.now() - t0;
      console.log(
        formatScore(
          `dedupe ${tag(profile, seed)}`,
          scoreDedupe(
            deduped.pairs,
            d.records.map((r) => r.id),
            d.truth,
          ),
        ) + ` [${ms.toFixed(0)} ms, guards ${deduped.stats.guards}]`,
      );
      if (values['no-link']) continue;
      const l = generateLinkSet(profile, seed, n);
      const t1 = performance.now();
      const linked = linkSources(l.a, l.b);
      const ms2 = performance.now() - t1;
      console.log(
        formatScore(`link   ${tag(profile, seed)}`, scoreLink(linked.pairs, l.a, l.b, l.truth)) +
          ` [${ms2.toFixed(0)} ms, guards ${linked.stats.guards}]`,
      );
    }
  if (!values['no-febrl']) {
    const { a, b } = loadFebrl4();
    const entity = (id: string) => id.replace(/-(org|dup-\d+)$/, '');
    const truth = new Map([...a, ...b].map((r) => [r.id, entity(r.id)]));
    const linked = linkSources(a, b);
    console.log(formatScore('FEBRL4 link', scoreLink(linked.pairs, a, b, truth)));
    const all = [...a, ...b];
    const deduped = dedupe(all);
    console.log(
      formatScore(
        'FEBRL4 a+b dedupe',
        scoreDedupe(
          deduped.pairs,
          all.map((r) => r.id),
          truth,
        ),
      ),
    );
  }
  console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
