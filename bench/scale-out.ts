// Scaling out on one machine (issue 18): the same work on one `tandem start` process (role all,
// the reference) and on 2 api + 3 worker processes, one after the other in the same run, each on
// a fresh database of the local PostgreSQL with the emulators in processes of their own.
//   1. Webhook ingest: signed Hint events of a type the connector acknowledges and ignores,
//      sent by autocannon for --seconds, spread evenly over the api processes: events stored
//      and answered per second, p50 / p99.
//   2. Hint → Tandem applied: --patients patients created and edited --edits times in Hint
//      (10,000 events at 2,000 × 4), every event delivered (10 % three times, shuffled), until
//      every one is processed: events applied per second, and the final state checked against
//      Hint's (lost must be 0).
// One JSON line per layout and measure. Bounded: 20 minutes at most.
//   npx tsx bench/scale-out.ts [--seconds 10] [--patients 500] [--edits 3] [--layouts single,split]
import { createHmac } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { connectHintPractice, createHintPractice } from './support/chaos-hint.ts';
import { killBurst } from './support/chaos-scenarios.ts';
import { startWorld, type ChaosWorld } from './support/chaos-world.ts';
import { machine } from './support/tandem-process.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    patients: { type: 'string', default: '500' },
    edits: { type: 'string', default: '3' },
    layouts: { type: 'string', default: 'single,split' },
    server: {
      type: 'string',
      default: process.env.CHAOS_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const seconds = Math.min(Number(values.seconds), 60);
const patients = Math.min(Number(values.patients), 5000);
const edits = Math.min(Number(values.edits), 10);
setTimeout(() => {
  console.error('scale-out bench timed out');
  process.exit(2);
}, 20 * 60_000).unref();

const LAYOUTS = {
  single: { single: true, apis: 1, workers: 0, label: '1 process (role all)' },
  split: { single: false, apis: 2, workers: 3, label: '2 api + 3 worker processes' },
} as const;

async function ingest(w: ChaosWorld, hintPracticeId: string) {
  const secret = w.hint.creds.webhookSecret;
  let n = 0;
  const signed = () => {
    const body = JSON.stringify({
      id: `evt-scale${process.pid}x${n++}`,
      created_at: new Date().toISOString(),
      type: 'company.updated',
      practice_id: hintPracticeId,
      object: { id: `com-scale${n % 50}`, name: 'Bench Co', status: 'active' },
    });
    const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    return { body, headers: { 'content-type': 'application/json', 'x-hint-signature': signature } };
  };
  const run = (url: string, connections: number, duration?: number, amount?: number) =>
    autocannon({
      url: `${url}/webhooks/hint`,
      method: 'POST',
      connections,
      ...(duration ? { duration } : { amount }),
      requests: [{ setupRequest: (req) => ({ ...req, ...signed() }) }],
    });
  await Promise.all(w.apis.map((a) => run(a.url, 5, undefined, 1000))); // warm-up
  const connections = Math.max(1, Math.round(50 / w.apis.length));
  const results = await Promise.all(w.apis.map((a) => run(a.url, connections, seconds)));
  const total = results.reduce((s, r) => s + r.requests.total, 0);
  return {
    eventsPerSecond: Math.round(total / seconds),
    perApiProcess: results.map((r) => Math.round(r.requests.average)),
    p50ms: Math.max(...results.map((r) => r.latency.p50)),
    p99ms: Math.max(...results.map((r) => r.latency.p99)),
    non2xx: results.reduce((s, r) => s + r.non2xx, 0),
    errors: results.reduce((s, r) => s + r.errors, 0),
  };
}

/** The chaos suite's burst with nothing killed: how fast the layout applies Hint's events. */
async function applied(w: ChaosWorld) {
  const r = await killBurst(w, { patients, edits, concurrency: 32, killEveryMs: 0, settleMs: 600_000 });
  const events = r.events as number;
  const settledSeconds = r.settledSeconds as number;
  return {
    events,
    deliveries: r.sent,
    settledSeconds,
    appliedPerSecond: Math.round(events / settledSeconds),
    lost: r.lost,
    mismatched: r.mismatched,
    duplicateEffects: r.duplicateEffects,
    echoWrites: r.echoWrites,
    ...(r.echoSamples ? { echoSamples: r.echoSamples } : {}),
  };
}

let failed = false;
for (const name of values.layouts!.split(',') as (keyof typeof LAYOUTS)[]) {
  const layout = LAYOUTS[name];
  if (!layout) throw new Error(`unknown layout ${name}: single or split`);
  // Pools as an operator would size them on a server's 100 connections (docs/operations.md):
  // the single process its default 20; api processes 20 each, workers 8 each beside their runner pool.
  const w = await startWorld({
    serverUrl: values.server!,
    ...layout,
    poolSize: layout.single ? 20 : 8,
    apiPoolSize: 20,
  });
  try {
    const practice = await createHintPractice(w, 'Ingest bench');
    await connectHintPractice(w, practice);
    const load = () => os.loadavg()[0]!.toFixed(1);
    const common = { benchmark: 'scale-out', layout: layout.label, date: new Date().toISOString(), machine: machine() };
    const loadBefore = load();
    const i = await ingest(w, practice.hintPracticeId);
    console.log(JSON.stringify({ ...common, measure: 'webhook-ingest', seconds, ...i, loadBefore, loadAfter: load() }));
    const a = await applied(w);
    console.log(JSON.stringify({ ...common, measure: 'hint-events-applied', ...a, loadAfter: load() }));
    if (a.lost !== 0 || a.duplicateEffects !== 0) failed = true;
  } finally {
    await w.stop();
  }
}
process.exit(failed ? 1 : 0);
