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
// Each direction also reports the CPU seconds its window took in each process (the bench, Tandem,
// PostgreSQL, the emulator) and, with --diagnose, the SQL statements per change (from
// pg_stat_statements, loaded into the embedded server for the run) and the jobs' mean wait and
// run time by task (from Tandem's /metrics).
// Run: npx tsx bench/hint-propagation.ts [--rate 100] [--seconds 10] [--patients 300] [--concurrency 20]
//   [--direction both|out|in] [--diagnose] [--aged-queues N]
// --aged-queues N: N empty per-record job queue rows are added first, as a database holds after
// N records have had a job (graphile-worker keeps them; Tandem deletes empty ones within a
// minute), and the drive starts once they are gone or after 70 s.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { startHintBench } from './support/hint-world.ts';
import {
  cpuSecondsByRole,
  writeTransactionsSoFar,
  machine,
  rowWritesByTable,
  rowWritesPer,
  type BenchTandem,
} from './support/tandem-process.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '10' },
    patients: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '20' },
    direction: { type: 'string', default: 'both' },
    diagnose: { type: 'boolean', default: false },
    'aged-queues': { type: 'string', default: '0' },
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
const metricsToken = 'bench-metrics-token-0123456789';
const world = await startHintBench({
  seed: patients,
  env: {
    TANDEM_WORKER_CONCURRENCY: String(concurrency),
    ...(values.diagnose
      ? {
          TANDEM_EMBEDDED_PG_SETTINGS: 'shared_preload_libraries=pg_stat_statements',
          TANDEM_METRICS_TOKEN: metricsToken,
        }
      : {}),
  },
});
const roles = { tandem: world.tandem.child.pid, emulator: world.emulatorPid };

/** Jobs' count, mean wait (run_at → start) and mean run time by task so far, from /metrics. */
async function jobTimes(): Promise<Map<string, { n: number; waitMs: number; runMs: number }>> {
  const out = new Map<string, { n: number; waitMs: number; runMs: number }>();
  if (!values.diagnose) return out;
  const text = await (
    await fetch(`${world.tandem.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })
  ).text();
  const sum = (metric: string, kind: 'sum' | 'count') => {
    const m = new Map<string, number>();
    for (const line of text.split('\n')) {
      const r = new RegExp(`^${metric}_${kind}\\{([^}]*)\\} (\\S+)`).exec(line);
      const task = r && /task="([^"]+)"/.exec(r[1]!)?.[1];
      if (task) m.set(task, (m.get(task) ?? 0) + Number(r[2]));
    }
    return m;
  };
  const waits = sum('tandem_job_latency_seconds', 'sum');
  const runs = sum('tandem_job_duration_seconds', 'sum');
  for (const [task, n] of sum('tandem_job_latency_seconds', 'count'))
    out.set(task, { n, waitMs: (waits.get(task) ?? 0) * 1000, runMs: (runs.get(task) ?? 0) * 1000 });
  return out;
}

/** Statements run in Tandem's database since the last reset, by time spent (pg_stat_statements). */
async function statements(
  tandem: BenchTandem,
  reset: boolean,
): Promise<{ query: string; calls: number; ms: number }[]> {
  if (!values.diagnose) return [];
  const pg = (await import('pg')).default;
  const { readFile } = await import('node:fs/promises');
  const port = (await readFile(`${tandem.home}/pg.port`, 'utf8')).trim();
  const client = new pg.Client({ connectionString: `postgres://tandem:tandem@127.0.0.1:${port}/tandem` });
  await client.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    if (reset) {
      await client.query('SELECT pg_stat_statements_reset()');
      return [];
    }
    const { rows } = await client.query(
      `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query, calls::int AS calls,
              round(total_exec_time)::int AS ms
         FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'tandem')
        ORDER BY total_exec_time DESC LIMIT 40`,
    );
    const queues = await client.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE id IN (SELECT job_queue_id FROM graphile_worker._private_jobs))::int AS busy
         FROM graphile_worker._private_job_queues`,
    );
    console.error(`job queue rows: ${queues.rows[0].n} (${queues.rows[0].busy} holding jobs)`);
    return rows;
  } finally {
    await client.end();
  }
}
/** Adds n empty job queue rows and waits (70 s at most) for Tandem to delete them. */
async function ageQueues(n: number): Promise<void> {
  if (!(n > 0)) return;
  const pg = (await import('pg')).default;
  const { readFile } = await import('node:fs/promises');
  const port = (await readFile(`${world.tandem.home}/pg.port`, 'utf8')).trim();
  const client = new pg.Client({ connectionString: `postgres://tandem:tandem@127.0.0.1:${port}/tandem` });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO graphile_worker._private_job_queues (queue_name) SELECT 'hint:aged:' || g FROM generate_series(1, $1) g`,
      [n],
    );
    const start = performance.now();
    let left = n;
    while (left > 0 && performance.now() - start < 70_000) {
      await sleep(1000);
      const { rows } = await client.query(
        `SELECT count(*)::int AS n FROM graphile_worker._private_job_queues WHERE queue_name LIKE 'hint:aged:%'`,
      );
      left = rows[0].n;
    }
    console.error(
      `aged queue rows: ${n} added, ${left} left after ${Math.round((performance.now() - start) / 1000)} s`,
    );
  } finally {
    await client.end();
  }
}

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
  const perChange = async (before: {
    commits: number;
    rows: Map<string, number>;
    cpu: Record<string, number>;
    jobs: Map<string, { n: number; waitMs: number; runMs: number }>;
  }) => {
    await sleep(1500);
    const changes = rate * seconds;
    const cpu = await cpuSecondsByRole(roles);
    const run = await statements(world.tandem, false);
    const jobs = [...(await jobTimes())].map(([task, t]) => {
      const b = before.jobs.get(task) ?? { n: 0, waitMs: 0, runMs: 0 };
      const n = t.n - b.n;
      return {
        task,
        n,
        meanWaitMs: Math.round((t.waitMs - b.waitMs) / n),
        meanRunMs: Math.round((t.runMs - b.runMs) / n),
      };
    });
    return {
      ...(values.diagnose ? { jobs: jobs.filter((j) => j.n > 0) } : {}),
      cpuSeconds: Object.fromEntries(
        Object.entries(cpu).map(([k, v]) => [k, Math.round((v - (before.cpu[k] ?? 0)) * 100) / 100]),
      ),
      ...(values.diagnose
        ? {
            statementsPerChange: Math.round((run.reduce((a, r) => a + r.calls, 0) / changes) * 10) / 10,
            topStatementsPerChange: run
              .slice(0, 25)
              .map(
                (r) => `${(r.calls / changes).toFixed(2)} calls, ${((r.ms / changes) * 1000).toFixed(0)} µs ${r.query}`,
              ),
          }
        : {}),
      writeTransactionsPerChange:
        Math.round((((await writeTransactionsSoFar(world.tandem)) - before.commits) / changes) * 10) / 10,
      rowWritesPerChange: rowWritesPer(before.rows, await rowWritesByTable(world.tandem), changes),
    };
  };
  const reading = async () => {
    await statements(world.tandem, true);
    return {
      commits: await writeTransactionsSoFar(world.tandem),
      rows: await rowWritesByTable(world.tandem),
      cpu: await cpuSecondsByRole(roles),
      jobs: await jobTimes(),
    };
  };
  await ageQueues(Math.min(Number(values['aged-queues']), 100_000));
  const empty = { changes: 0 };
  let commits = await reading();
  let tandemToHint: object = empty;
  if (values.direction !== 'in') {
    await drive('t', (p, tag) => world.api('PATCH', `/api/v1/patients/${p.id}`, { address: { line2: tag } }));
    tandemToHint = { ...(await outcome('t')), ...(await perChange(commits)) };
    commits = await reading();
  }

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
  let hintToTandem: object = empty;
  if (values.direction !== 'out') {
    await drive('h', (p, tag) =>
      world.harness('PATCH', `/practices/${world.creds.practices[0]!.id}/patients/${p.hintId}`, { address_line2: tag }),
    );
    hintToTandem = { ...(await outcome('h')), ...(await perChange(commits)) };
  }
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
