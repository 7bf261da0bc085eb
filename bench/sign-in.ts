// Benchmark: the console's sign-in endpoint. Target (issue 13): argon2 parameters such that one
// sign-in costs 50–150 ms of CPU on this machine. Measures, on a real `tandem start`, the CPU the
// Tandem process spends per sign-in (utime + stime from /proc, argon2's worker threads included)
// and the wall time per request, one sign-in at a time, right and wrong passwords alike.
// Run: npx tsx bench/sign-in.ts [--n 30]
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ARGON2_PARAMS, hashPassword } from '../src/security/passwords.ts';
import { machine, startTandemProcess } from './support/tandem-process.ts';

const { values } = parseArgs({ options: { n: { type: 'string', default: '30' } } });
const n = Math.min(Math.max(Number(values.n), 5), 200);
const CLK_TCK = 100; // Linux USER_HZ

async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / CLK_TCK) * 1000; // utime + stime
}

const tandem = await startTandemProcess({ TANDEM_SANDBOX: 'off' });
try {
  const port = (await readFile(path.join(tandem.home, 'pg.port'), 'utf8')).trim();
  const db = new pg.Client({ connectionString: `postgres://tandem:tandem@127.0.0.1:${port}/tandem` });
  await db.connect();
  const password = 'bench password 0123456789';
  const { rows } = await db.query(
    `WITH u AS (INSERT INTO users (email, password_hash) VALUES ('bench@example.com', $1) RETURNING id)
     INSERT INTO memberships (user_id, practice_id, role) SELECT u.id, p.id, 'admin' FROM u, practices p WHERE p.is_default RETURNING user_id`,
    [await hashPassword(password)],
  );
  if (!rows[0]) throw new Error('no default practice');

  const signIn = async (pw: string) => {
    const started = performance.now();
    const res = await fetch(`${tandem.url}/api/v1/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench@example.com', password: pw }),
    });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - started };
  };

  const measure = async (label: string, pw: string, expected: number) => {
    await signIn(pw); // warm-up (the decoy hash, JIT)
    const before = await cpuMs(tandem.child.pid!);
    const walls: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = await signIn(pw);
      if (r.status !== expected) throw new Error(`${label}: status ${r.status}`);
      walls.push(r.ms);
      // Keep the per-account limit (5 failures / 15 min) out of the way of the wrong-password run.
      if (expected === 401) await db.query('DELETE FROM sign_in_failures');
    }
    const cpu = ((await cpuMs(tandem.child.pid!)) - before) / n;
    walls.sort((a, b) => a - b);
    const q = (p: number) => walls[Math.min(walls.length - 1, Math.floor(p * walls.length))]!.toFixed(0);
    console.log(`${label}: CPU ${cpu.toFixed(0)} ms per sign-in; wall p50 ${q(0.5)} ms, p95 ${q(0.95)} ms (n=${n})`);
  };

  console.log(
    `argon2id m=${ARGON2_PARAMS.memoryCost / 1024} MiB t=${ARGON2_PARAMS.timeCost} p=${ARGON2_PARAMS.parallelism}; ${machine()}; load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  await measure('right password', password, 200);
  await measure('wrong password', 'not the password', 401);
  await db.end();
} finally {
  await tandem.stop();
}
