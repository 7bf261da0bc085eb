// Benchmark: the patient list behind the console's Patients page, with 100,000 patients.
// Target: p95 ≤ 100 ms for a page of 50 with a link-status filter (issue 13).
// Run: npx tsx bench/patient-list.ts [--patients 100000] [--pages 60]
//
// Seeds patients and their Hint links straight into Tandem's embedded database with SQL (the
// list is what is measured, not the creation), then asks `GET /api/v1/patients` over HTTP one
// request at a time, as a person paging through the list does: the first page and the
// following ones by cursor, for each filter. Link statuses: 90% synced, 3% unsynced, 1%
// errored, 1% enabled, 5% not linked.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { seedPatients } from './support/seed-patients.ts';
import { machine, startTandemProcess } from './support/tandem-process.ts';

const { values } = parseArgs({
  options: { patients: { type: 'string', default: '100000' }, pages: { type: 'string', default: '60' } },
});
const total = Math.min(Number(values.patients), 1_000_000);
const pagesPerWalk = Math.min(Number(values.pages), 500);

const tandem = await startTandemProcess({ TANDEM_SANDBOX: 'off' });
const port = (await readFile(path.join(tandem.home, 'pg.port'), 'utf8')).trim();
const client = new pg.Client({ connectionString: `postgres://tandem:tandem@127.0.0.1:${port}/tandem` });
await client.connect();

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Pages through one filter: the first page, then by cursor, up to pagesPerWalk pages. */
async function walk(query: string): Promise<{ times: number[]; rows: number }> {
  const times: number[] = [];
  let cursor: string | null = null;
  let rows = 0;
  for (let page = 0; page < pagesPerWalk; page++) {
    const url = `${tandem.url}/api/v1/patients?limit=50${query ? `&${query}` : ''}${cursor ? `&cursor=${cursor}` : ''}`;
    const started = performance.now();
    const response = await fetch(url, { headers: { authorization: `Bearer ${tandem.token}` } });
    const body = (await response.json()) as { data: unknown[]; nextCursor: string | null };
    times.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`${url}: ${response.status} ${JSON.stringify(body)}`);
    rows += body.data.length;
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return { times, rows };
}

try {
  await seedPatients(client, total);
  const scenarios = ['hint=errored', 'hint=unsynced', 'hint=synced', 'hint=enabled', 'hint=none', '', 'search=smith'];
  await walk('hint=synced'); // warm-up: JIT, pool, plans
  const results = [];
  const filtered: number[] = [];
  for (const query of scenarios) {
    const { times, rows } = await walk(query);
    if (query.startsWith('hint=')) filtered.push(...times);
    const sorted = [...times].sort((a, b) => a - b);
    results.push({
      query: query || '(no filter)',
      requests: times.length,
      rows,
      p50ms: +percentile(sorted, 50).toFixed(1),
      p95ms: +percentile(sorted, 95).toFixed(1),
      maxms: +sorted.at(-1)!.toFixed(1),
    });
  }
  const all = filtered.sort((a, b) => a - b);
  console.log(
    JSON.stringify(
      {
        benchmark: 'patient-list',
        date: new Date().toISOString(),
        machine: machine(),
        patients: total,
        pageSize: 50,
        statusFilters: {
          requests: all.length,
          p50ms: +percentile(all, 50).toFixed(1),
          p95ms: +percentile(all, 95).toFixed(1),
        },
        scenarios: results,
      },
      null,
      2,
    ),
  );
} finally {
  await client.end();
  await tandem.stop();
}
