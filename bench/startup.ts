// Benchmark: `tandem start` on the embedded PostgreSQL, from process spawn to /health = 200.
// First start (initdb + migrations) target < 10 s; later starts < 3 s.
// Run: npx tsx bench/startup.ts [--runs 3]
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { machine } from './support/tandem-process.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Math.min(Math.max(1, Number(values.runs)), 10);

async function timeStart(home: string): Promise<number> {
  const { DATABASE_URL: _ignored, ...env } = process.env;
  const started = performance.now();
  const child = spawn(process.execPath, ['bin/tandem.js', 'start'], {
    env: { ...env, PORT: '0', TANDEM_HOME: home, TANDEM_SANDBOX: 'off' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c;
      const m = /"url":"(http:\/\/[^"]+)".*Tandem listening/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    setTimeout(() => reject(new Error('no start within 60 s')), 60_000).unref();
  });
  while (
    (await fetch(`${url}/health`).then(
      (r) => r.status,
      () => 0,
    )) !== 200
  )
    await new Promise((r) => setTimeout(r, 20));
  const elapsed = performance.now() - started;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
  return elapsed;
}

const home = await mkdtemp(path.join(os.tmpdir(), 'tandem-startup-'));
try {
  const first = await timeStart(home);
  const later: number[] = [];
  for (let i = 0; i < runs; i++) later.push(await timeStart(home));
  console.log(
    JSON.stringify(
      {
        benchmark: 'startup',
        date: new Date().toISOString(),
        machine: machine(),
        firstStartMs: Math.round(first),
        laterStartsMs: later.map(Math.round),
        laterMaxMs: Math.round(Math.max(...later)),
      },
      null,
      2,
    ),
  );
} finally {
  await rm(home, { recursive: true, force: true });
}
