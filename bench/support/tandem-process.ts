// Starts `tandem start` as a child process for a benchmark (its own event loop, as in
// production), on a fresh home directory and a free port, with a bootstrap token.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface BenchTandem {
  url: string;
  token: string;
  home: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startTandemProcess(env: Record<string, string> = {}): Promise<BenchTandem> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'tandem-bench-'));
  const token = 'bench-bootstrap-token-0123456789';
  // TANDEM_BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"): node flags for the
  // Tandem child only, to profile it without profiling the benchmark itself.
  const nodeArgs = (process.env.TANDEM_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, 'bin/tandem.js', 'start'], {
    env: {
      ...process.env,
      PORT: '0',
      TANDEM_HOME: home,
      TANDEM_BOOTSTRAP_TOKEN: token,
      TANDEM_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)".*Tandem listening/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`tandem exited (${code}): ${out}`)));
  });
  child.stdout!.resume();
  return {
    url,
    token,
    home,
    child,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function machine(): string {
  return `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** Write transactions begun so far in Tandem's embedded database (the next transaction id), for "write transactions per change". */
export async function writeTransactionsSoFar(tandem: BenchTandem): Promise<number> {
  const pg = (await import('pg')).default;
  const port = (await readFile(path.join(tandem.home, 'pg.port'), 'utf8')).trim();
  const client = new pg.Client({ connectionString: `postgres://tandem:tandem@127.0.0.1:${port}/postgres` });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS n');
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

/**
 * Rows written so far per table of Tandem's database (inserts + updates + deletes, from
 * PostgreSQL's statistics; a backend reports them within a second of going idle), to see
 * where a change's writes go.
 */
export async function rowWritesByTable(tandem: BenchTandem): Promise<Map<string, number>> {
  const pg = (await import('pg')).default;
  const port = (await readFile(path.join(tandem.home, 'pg.port'), 'utf8')).trim();
  const client = new pg.Client({ connectionString: `postgres://tandem:tandem@127.0.0.1:${port}/tandem` });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT schemaname || '.' || relname AS name, (n_tup_ins + n_tup_upd + n_tup_del)::bigint AS n
         FROM pg_stat_user_tables`,
    );
    return new Map(rows.map((r) => [r.name as string, Number(r.n)]));
  } finally {
    await client.end();
  }
}

/** Per-table row writes between two readings, divided by `per` (largest first, zeros left out). */
export function rowWritesPer(
  before: Map<string, number>,
  after: Map<string, number>,
  per: number,
): Record<string, number> {
  return Object.fromEntries(
    [...after]
      .map(([name, n]) => [name, Math.round(((n - (before.get(name) ?? 0)) / per) * 100) / 100] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1]),
  );
}

/** Peak resident set size of a process (VmHWM), in MB; 0 when it cannot be read. */
export async function peakRssMb(pid: number | undefined): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/**
 * CPU seconds used so far by this benchmark process and every process under it, grouped by
 * role: the benchmark itself, the Tandem child, the emulator child(ren), and PostgreSQL
 * (the embedded server's processes, children of Tandem). Linux only ({} elsewhere).
 */
export async function cpuSecondsByRole(roles: { tandem?: number; emulator?: number }): Promise<Record<string, number>> {
  const { readdir } = await import('node:fs/promises');
  const tick = 100; // USER_HZ
  const procs = new Map<number, { ppid: number; comm: string; cpu: number }>();
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const m = /^\d+ \((.*)\) \S+ (\d+)((?: \S+){9}) (\d+) (\d+)/.exec(stat);
    if (!m) continue;
    procs.set(Number(name), { ppid: Number(m[2]), comm: m[1]!, cpu: (Number(m[4]) + Number(m[5])) / tick });
  }
  const roleOf = (pid: number): string | undefined => {
    for (let p: number | undefined = pid, depth = 0; p && depth < 20; p = procs.get(p)?.ppid, depth++) {
      if (p === roles.tandem) return procs.get(pid)?.comm.startsWith('postgres') ? 'postgres' : 'tandem';
      if (p === roles.emulator) return 'emulator';
      if (p === process.pid) return 'bench';
    }
    return undefined;
  };
  const out: Record<string, number> = {};
  for (const [pid, p] of procs) {
    const role = roleOf(pid);
    if (role) out[role] = Math.round(((out[role] ?? 0) + p.cpu) * 100) / 100;
  }
  return out;
}
