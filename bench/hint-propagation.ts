// Benchmark: change propagation between Tandem and Hint at a steady rate (default 100
// changes/s for 10 s each way). Target: p99 < 1 s both ways.
//  Tandem → Hint: PATCH /api/v1/patients/:id (address.line2 = a sequence tag); arrival is the
//    moment Hint's patient.updated webhook for that tag reaches a receiver registered as a
//    global endpoint (so the figure includes Hint's own webhook delivery, a few ms).
//  Hint → Tandem: a Hint user's edit (emulator harness) with a tag; arrival is the first poll
//    (every 20 ms) of GET /api/v1/patients?updatedSince=… that shows it.
// The emulator's rate limit is off and the connection's raised to 1,000/s: Hint's real
// 20 requests/s per practice token cannot carry 100 outbound changes/s.
// A change superseded by a newer one to the same patient before it was written is coalesced
// (only the latest state is written): it counts as not arrived, not as slow.
// Run: npx tsx bench/hint-propagation.ts [--rate 100] [--seconds 10] [--patients 300] [--concurrency 20]
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { startHintBench } from './support/hint-world.ts';
import { writeTransactionsSoFar, machine, rowWritesByTable, rowWritesPer } from './support/tandem-process.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '10' },
    patients: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '20' },
  },
});
const rate = Math.min(Number(values.rate), 500);
const seconds = Math.min(Number(values.seconds), 60);
const patients = Math.min(Number(values.patients), 2000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};

// Jobs mostly wait on Hint and PostgreSQL: more of them in flight than the default 5.
const concurrency = Math.min(Number(values.concurrency), 100);
const world = await startHintBench({ seed: patients, env: { TANDEM_WORKER_CONCURRENCY: String(concurrency) } });
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    res.end('ok');
    try {
      const tag = JSON.parse(Buffer.concat(chunks).toString()).object?.address_line2;
      if (typeof tag === 'string' && sent.has(tag) && !arrived.has(tag)) arrived.set(tag, performance.now());
    } catch {
      /* not ours */
    }
  });
});
const sent = new Map<string, number>();
const arrived = new Map<string, number>();
try {
  await world.api('PATCH', `/api/v1/hint/connections/${world.connectionId}/settings`, { rateLimitPerSecond: 1000 });
  const batch = await world.api('POST', `/api/v1/hint/connections/${world.connectionId}/sync`, { dryRun: false });
  for (;;) {
    const b = await world.api('GET', `/api/v1/batches/${batch.id}`);
    if (b.status !== 'running' && b.status !== 'queued') break;
    await sleep(500);
  }
  const linked: { id: string; hintId: string }[] = [];
  for (let cursor: string | null = null; ;) {
    const page: any = await world.api('GET', `/api/v1/patients?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    for (const p of page.data) {
      const l = p.links.find((x: any) => x.system === 'hint');
      if (l) linked.push({ id: p.id, hintId: l.remoteId });
    }
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  await fetch(`${world.emulatorUrl}/api/global_webhook_endpoints`, {
    method: 'POST',
    headers: { authorization: `Bearer ${world.creds.partnerApiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ webhook_url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks` }),
  });
  await sleep(2000); // let the initial sync's echoes settle

  // Steady rate: one change every 1000/rate ms, round-robin over the linked patients.
  const drive = async (
    prefix: string,
    change: (p: { id: string; hintId: string }, tag: string) => Promise<unknown>,
  ) => {
    const total = rate * seconds;
    const start = performance.now();
    const inflight: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const tag = `${prefix}-${i}`;
      sent.set(tag, performance.now());
      inflight.push(change(linked[i % linked.length]!, tag).catch(() => undefined));
    }
    await Promise.all(inflight);
  };
  const outcome = async (prefix: string) => {
    const deadline = performance.now() + 15_000;
    const mine = () => [...sent.keys()].filter((t) => t.startsWith(prefix));
    while (mine().some((t) => !arrived.has(t)) && performance.now() < deadline) await sleep(50);
    const latencies = mine()
      .filter((t) => arrived.has(t))
      .map((t) => arrived.get(t)! - sent.get(t)!);
    return {
      changes: mine().length,
      arrived: latencies.length,
      p50ms: Math.round(pct(latencies, 50)),
      p99ms: Math.round(pct(latencies, 99)),
      maxMs: Math.round(Math.max(...latencies)),
    };
  };

  // Write transactions per change: PostgreSQL's transaction id counter around each direction,
  // including echoes and background sweeps (a read-only transaction takes no id).
  // Rows written per change by table show where those transactions go.
  const perChange = async (before: { commits: number; rows: Map<string, number> }) => {
    await sleep(1500);
    const changes = rate * seconds;
    return {
      writeTransactionsPerChange:
        Math.round((((await writeTransactionsSoFar(world.tandem)) - before.commits) / changes) * 10) / 10,
      rowWritesPerChange: rowWritesPer(before.rows, await rowWritesByTable(world.tandem), changes),
    };
  };
  const reading = async () => ({
    commits: await writeTransactionsSoFar(world.tandem),
    rows: await rowWritesByTable(world.tandem),
  });
  let commits = await reading();
  await drive('t', (p, tag) => world.api('PATCH', `/api/v1/patients/${p.id}`, { address: { line2: tag } }));
  const tandemToHint = { ...(await outcome('t')), ...(await perChange(commits)) };
  commits = await reading();

  let since = new Date(Date.now() - 1000).toISOString();
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const started = new Date().toISOString();
      const page: any = await world.api('GET', `/api/v1/patients?limit=500&updatedSince=${encodeURIComponent(since)}`);
      const now = performance.now();
      for (const p of page.data) {
        const tag = p.address?.line2;
        if (tag && sent.has(tag) && !arrived.has(tag)) arrived.set(tag, now);
      }
      if (page.data.length < 500) since = new Date(Date.parse(started) - 1000).toISOString();
      await sleep(20);
    }
  })();
  await drive('h', (p, tag) =>
    world.harness('PATCH', `/practices/${world.creds.practices[0]!.id}/patients/${p.hintId}`, { address_line2: tag }),
  );
  const hintToTandem = { ...(await outcome('h')), ...(await perChange(commits)) };
  polling = false;
  await poller;
  console.log(
    JSON.stringify(
      {
        benchmark: 'hint-propagation',
        date: new Date().toISOString(),
        machine: machine(),
        rate,
        seconds,
        workerConcurrency: concurrency,
        linkedPatients: linked.length,
        tandemToHint,
        hintToTandem,
      },
      null,
      2,
    ),
  );
} finally {
  receiver.close();
  await world.stop();
}
