// Benchmark: initial sync of N Hint patients against M canonical ones (K of them the same
// people), at Hint's rate limit. Target: elapsed ÷ (requests made ÷ rate limit) ≤ 1.1, i.e.
// limited only by the rate limit; and Tandem's peak RSS < 500 MB.
// Tandem talks to the emulator through a counting proxy in this process, so the requests
// the sync actually made are known. The emulator enforces the limit (default 20/s) and the
// connection is configured with the same figure.
// Run: npx tsx bench/hint-initial-sync.ts [--hint 1000] [--tandem 1000] [--overlap 500] [--rate 20]
import { readFile } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { startHintBench } from './support/hint-world.ts';
import { machine } from './support/tandem-process.ts';

const { values } = parseArgs({ options: {
  hint: { type: 'string', default: '1000' }, tandem: { type: 'string', default: '1000' }, overlap: { type: 'string', default: '500' }, rate: { type: 'string', default: '20' },
} });
const N = Math.min(Number(values.hint), 100_000);
const M = Math.min(Number(values.tandem), 100_000);
const K = Math.min(Number(values.overlap), N, M);
const RATE = Number(values.rate);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The counting proxy: every request Tandem sends to Hint passes here.
let target = '';
const counts = { total: 0, status429: 0, byMethod: {} as Record<string, number> };
let counting = false;
const proxy = createServer((req, res) => {
  if (counting && req.url?.startsWith('/api/')) { counts.total += 1; counts.byMethod[req.method!] = (counts.byMethod[req.method!] ?? 0) + 1; }
  const url = new URL(req.url!, target);
  const upstream = httpRequest(url, { method: req.method, headers: req.headers }, (up) => {
    if (counting && up.statusCode === 429) counts.status429 += 1;
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  upstream.on('error', () => { res.statusCode = 502; res.end(); });
  req.pipe(upstream);
});
await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

// The emulator needs its URL before Tandem starts; the proxy learns it from the world.
const world = await startHintBench({ seed: N, connect: false, env: { HINT_API_URL: proxyUrl, TANDEM_WORKER_CONCURRENCY: '10' } });
target = world.emulatorUrl;
try {
  const hintPractice = world.creds.practices[0]!;
  // Tandem's population: K copies of Hint patients (names, dob, email) and M − K of its own.
  const hintPatients: any[] = [];
  for (let offset = 0; hintPatients.length < K; offset += 100) {
    const res = await fetch(`${world.emulatorUrl}/api/provider/patients?limit=100&offset=${offset}&sort=created_at`, { headers: { authorization: `Bearer ${hintPractice.accessToken}` } });
    const page = (await res.json()) as any[];
    hintPatients.push(...page);
    if (page.length < 100) break;
  }
  const bodies = [
    ...hintPatients.slice(0, K).map((p) => ({ firstName: p.first_name, lastName: p.last_name, dob: p.dob, email: p.email })),
    ...Array.from({ length: M - Math.min(K, hintPatients.length) }, (_, i) => ({ firstName: `Local${i}`, lastName: `Only${i % 997}`, dob: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}` })),
  ];
  for (let i = 0; i < bodies.length; i += 50) await Promise.all(bodies.slice(i, i + 50).map((b) => world.api('POST', '/api/v1/patients', b)));
  await sleep(5000);   // the outbox fans those creations out before any connection exists

  await world.harness('PATCH', '/config', { rateLimit: RATE });
  const connection = await world.api('POST', '/api/v1/hint/connections', { accessToken: hintPractice.accessToken });
  await world.api('PATCH', `/api/v1/hint/connections/${connection.id}/settings`, { rateLimitPerSecond: RATE });
  await sleep(1500);   // the connection's cached settings expire

  counting = true;
  const started = performance.now();
  const batch = await world.api('POST', `/api/v1/hint/connections/${connection.id}/sync`, { dryRun: false });
  let done: any;
  for (;;) {
    done = await world.api('GET', `/api/v1/batches/${batch.id}`);
    if (done.status !== 'running' && done.status !== 'queued') break;
    await sleep(250);
  }
  const elapsedS = (performance.now() - started) / 1000;
  counting = false;
  const status = await readFile(`/proc/${world.tandem.child.pid}/status`, 'utf8').catch(() => '');
  const peakRssMb = Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
  const minimumS = counts.total / RATE;
  console.log(JSON.stringify({
    benchmark: 'hint-initial-sync', date: new Date().toISOString(), machine: machine(), hintPatients: N, tandemPatients: M, overlap: K, rateLimit: RATE,
    batch: { status: done.status, processed: done.processed, counts: done.counts }, requests: counts,
    elapsedS: Math.round(elapsedS * 10) / 10, minimumS: Math.round(minimumS * 10) / 10, ratio: Math.round((elapsedS / minimumS) * 100) / 100, peakRssMb,
  }, null, 2));
} finally {
  await world.stop();
  proxy.close();
}
