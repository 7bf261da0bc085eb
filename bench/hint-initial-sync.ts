// Benchmark: initial sync of N Hint patients against M canonical ones (K of them the same
// people), at Hint's rate limit. Target: elapsed ÷ (requests made ÷ rate limit) ≤ 1.1, i.e.
// limited only by the rate limit; and Tandem's peak RSS < 500 MB.
// Tandem talks to the emulator through a counting proxy in this process, so the requests
// the sync actually made are known. The emulator enforces the limit (default 20/s) and the
// connection is configured with the same figure.
// Peak RSS is the Tandem child's (VmHWM), not this process's. Seeding goes through the
// emulator's seed option (Hint) and Tandem's API, many creates in flight (Tandem batches them).
// --rerun: sync a second time and report what it did (it must create nothing).
// Run: npx tsx bench/hint-initial-sync.ts [--hint 1000] [--tandem 1000] [--overlap 500] [--rate 20] [--rerun] [--timeout-min 90]
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { startHintBench } from './support/hint-world.ts';
import pg from 'pg';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { machine } from './support/tandem-process.ts';

const { values } = parseArgs({
  options: {
    hint: { type: 'string', default: '1000' },
    tandem: { type: 'string', default: '1000' },
    overlap: { type: 'string', default: '500' },
    rate: { type: 'string', default: '20' },
    rerun: { type: 'boolean', default: false },
    'timeout-min': { type: 'string', default: '90' },
  },
});
const N = Math.min(Number(values.hint), 100_000);
const M = Math.min(Number(values.tandem), 100_000);
const K = Math.min(Number(values.overlap), N, M);
const RATE = Number(values.rate);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Bounded: whatever happens, the benchmark ends (its children are killed with it).
setTimeout(
  () => {
    console.error('benchmark timed out');
    process.exit(2);
  },
  Number(values['timeout-min']) * 60_000,
).unref();

// The counting proxy: every request Tandem sends to Hint passes here.
let target = '';
const counts = { total: 0, status429: 0, byMethod: {} as Record<string, number> };
let counting = false;
const proxy = createServer((req, res) => {
  if (counting && req.url?.startsWith('/api/')) {
    counts.total += 1;
    counts.byMethod[req.method!] = (counts.byMethod[req.method!] ?? 0) + 1;
  }
  const url = new URL(req.url!, target);
  const upstream = httpRequest(url, { method: req.method, headers: req.headers }, (up) => {
    if (counting && up.statusCode === 429) counts.status429 += 1;
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  upstream.on('error', () => {
    res.statusCode = 502;
    res.end();
  });
  req.pipe(upstream);
});
await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

// The emulator needs its URL before Tandem starts; the proxy learns it from the world.
const world = await startHintBench({
  seed: N,
  connect: false,
  env: { HINT_API_URL: proxyUrl, TANDEM_WORKER_CONCURRENCY: '10' },
});
target = world.emulatorUrl;
// Tandem's embedded database, for the benchmark's own checks (outbox drained, rows counted).
const pgPort = (await readFile(path.join(world.tandem.home, 'pg.port'), 'utf8')).trim();
const db = new pg.Client({ connectionString: `postgres://tandem:tandem@127.0.0.1:${pgPort}/tandem` });
await db.connect();
const count = async (sql: string) => Number((await db.query(sql)).rows[0].n);

/** Peak resident set size of the Tandem child (VmHWM), in MB: the figure the target is about. */
async function peakRssMb(pid: number | undefined): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/** Runs `work` for each item, `inFlight` at a time (a sliding window, not waves). */
async function eachInFlight<T>(items: T[], inFlight: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function runSync(connectionId: string) {
  counts.total = 0;
  counts.status429 = 0;
  counts.byMethod = {};
  counting = true;
  const started = performance.now();
  const batch = await world.api('POST', `/api/v1/hint/connections/${connectionId}/sync`, { dryRun: false });
  let done: any;
  for (;;) {
    done = await world.api('GET', `/api/v1/batches/${batch.id}`);
    if (done.status !== 'running' && done.status !== 'queued') break;
    await sleep(250);
  }
  const elapsedS = (performance.now() - started) / 1000;
  counting = false;
  const minimumS = counts.total / RATE;
  return {
    batch: { status: done.status, processed: done.processed, counts: done.counts },
    requests: { ...counts },
    elapsedS: Math.round(elapsedS * 10) / 10,
    minimumS: Math.round(minimumS * 10) / 10,
    ratio: Math.round((elapsedS / minimumS) * 100) / 100,
  };
}

try {
  const hintPractice = world.creds.practices[0]!;
  const seedStarted = performance.now();
  // Tandem's population: K copies of Hint patients (names, dob, email) and M − K of its own.
  const twins: { firstName: string; lastName: string; dob: string; email: string }[] = [];
  for (let offset = 0; twins.length < K; offset += 100) {
    const res = await fetch(`${world.emulatorUrl}/api/provider/patients?limit=100&offset=${offset}&sort=created_at`, {
      headers: { authorization: `Bearer ${hintPractice.accessToken}` },
    });
    const page = (await res.json()) as any[];
    twins.push(...page.map((p) => ({ firstName: p.first_name, lastName: p.last_name, dob: p.dob, email: p.email })));
    if (page.length < 100) break;
  }
  const bodies = [
    ...twins.slice(0, K),
    ...Array.from({ length: M - Math.min(K, twins.length) }, (_, i) => ({
      firstName: `Local${i}`,
      lastName: `Only${i % 997}`,
      dob: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
    })),
  ];
  await eachInFlight(bodies, 100, (b) => world.api('POST', '/api/v1/patients', b));
  // The outbox fans those creations out before any connection exists (else they would be pushed to Hint).
  for (
    let i = 0;
    i < 1200 && (await count('SELECT count(*) AS n FROM domain_events WHERE dispatched_at IS NULL')) > 0;
    i++
  )
    await sleep(250);
  const seedS = Math.round((performance.now() - seedStarted) / 100) / 10;

  await world.harness('PATCH', '/config', { rateLimit: RATE });
  const connection = await world.api('POST', '/api/v1/hint/connections', { accessToken: hintPractice.accessToken });
  await world.api('PATCH', `/api/v1/hint/connections/${connection.id}/settings`, { rateLimitPerSecond: RATE });
  await sleep(1500); // the connection's cached settings expire

  const first = await runSync(connection.id);
  const peak = await peakRssMb(world.tandem.child.pid);
  const hintTotal = async () =>
    Number(
      (
        await fetch(`${world.emulatorUrl}/api/provider/patients?limit=1&filter=all`, {
          headers: { authorization: `Bearer ${hintPractice.accessToken}` },
        })
      ).headers.get('x-total-count'),
    );
  const after = async () => ({
    tandemPatients: await count('SELECT count(*) AS n FROM patients WHERE deleted_at IS NULL'),
    patientLinks: await count(`SELECT count(*) AS n FROM links WHERE entity_kind = 'patient'`),
    pendingReviews: await count(`SELECT count(*) AS n FROM match_reviews WHERE status = 'pending'`),
    hintPatients: await hintTotal(),
  });
  // Printed at once: a long --rerun must not cost the first figure.
  console.log(
    JSON.stringify(
      {
        benchmark: 'hint-initial-sync',
        date: new Date().toISOString(),
        machine: machine(),
        hintPatients: N,
        tandemPatients: M,
        overlap: K,
        rateLimit: RATE,
        seedS,
        ...first,
        peakRssMb: peak,
        after: await after(),
      },
      null,
      2,
    ),
  );
  if (values.rerun) {
    const rerun = await runSync(connection.id);
    console.log(
      JSON.stringify({ rerun, peakRssMb: await peakRssMb(world.tandem.child.pid), after: await after() }, null, 2),
    );
  }
} finally {
  await db.end();
  await world.stop();
  proxy.close();
}
