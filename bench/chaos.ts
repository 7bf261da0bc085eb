// The chaos suite (issue 18, docs/operations.md "Chaos suite"): real `tandem start --role api`
// and `--role worker` processes on one PostgreSQL, the Hint and Healthengine emulators in
// processes of their own, and things broken while they work. One JSON line per scenario:
// {"scenario","sent","applied","duplicatesSuppressed","lost","duplicateEffects","recoverySeconds",…}.
//   npx tsx bench/chaos.ts [--small] [--server postgres://postgres@127.0.0.1:5432/postgres]
// Full: 2 api + 3 workers, 10,000 Hint events (2,000 patients, 4 edits each; 10 % delivered three
// times; shuffled) while a random worker is SIGKILLed every 4 s; a 20-s database cut mid-burst;
// Hint 503/429 for 60 s during an initial sync; Healthengine 503s and timeouts for 15 s while
// patients book; the poller's owner killed. --small is the same at the size test/hub/chaos.test.ts runs.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { databaseOutage, killBurst, type ScenarioResult } from './support/chaos-scenarios.ts';
import {
  healthengineStorm,
  hintStorm,
  linkHealthengine,
  pollerFailover,
  type HealthenginePractice,
} from './support/chaos-storms.ts';
import { startWorld } from './support/chaos-world.ts';
import { FULL, SMALL } from './support/chaos-sizes.ts';

const { values } = parseArgs({
  options: {
    small: { type: 'boolean', default: false },
    only: { type: 'string' }, // run the scenarios whose name contains this
    server: {
      type: 'string',
      default: process.env.CHAOS_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});

// Bounded: the whole suite never runs longer than 40 minutes, whatever happens.
setTimeout(() => {
  console.error('chaos suite timed out');
  process.exit(2);
}, 40 * 60_000).unref();

const size = values.small ? SMALL : FULL;
const world = await startWorld({ serverUrl: values.server!, apis: size.apis, workers: size.workers });
const print = (r: ScenarioResult) => console.log(JSON.stringify({ ...r, loadAverage: os.loadavg()[0]!.toFixed(1) }));
let failed = false;
try {
  let he: HealthenginePractice | undefined;
  const linked = async () => (he ??= await linkHealthengine(world, 2));
  const scenarios: [string, () => Promise<ScenarioResult>][] = [
    // First: an initial sync also offers Hint every Tandem patient of the practice, and the
    // other scenarios' patients would be those.
    ['hint-storm-during-initial-sync', () => hintStorm(world, size.hintStorm)],
    ['worker-kills-mid-burst', () => killBurst(world, size.burst)],
    ['database-cut-mid-burst', () => databaseOutage(world, size.outage)],
    ['healthengine-storm-during-bookings', async () => healthengineStorm(world, await linked(), size.heStorm)],
    ['poller-owner-killed', async () => pollerFailover(world, await linked())],
  ];
  for (const [name, run] of scenarios) {
    if (values.only && !name.includes(values.only)) continue;
    const r = await run();
    print(r);
    if (r.lost !== 0 || r.duplicateEffects !== 0) failed = true;
  }
} finally {
  await world.stop();
}
process.exit(failed ? 1 : 0);
