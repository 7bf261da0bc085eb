// The world the chaos suite breaks: a fresh database on a PostgreSQL server, the Hint and
// Healthengine emulators each in a process of their own, and real `tandem start --role api|worker`
// processes on that database, each of which can be killed (any signal) and started again.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createPool, type Db } from '../../src/db/pool.ts';

export const BOOTSTRAP_TOKEN = 'chaos-bootstrap-token-0123456789';
export const METRICS_TOKEN = 'chaos-metrics-token-0123456789';
const SECRET_KEY = 'c'.repeat(64);
const ROOT = new URL('../..', import.meta.url).pathname;

export interface TandemProc {
  role: 'all' | 'api' | 'worker';
  url: string;
  child: ChildProcess;
  /** Exits with anything other than our own kill (a crash the chaos caused). */
  crashes: number;
}

interface Emulator {
  url: string;
  child: ChildProcess;
}

export interface ChaosWorld {
  dbUrl: string;
  db: Db;
  hint: Emulator & { creds: { partnerApiKey: string; webhookSecret: string } };
  he: Emulator & { apiKey: string };
  apis: TandemProc[];
  workers: TandemProc[];
  /** SIGKILL (or the signal given) and wait for the exit. */
  kill(p: TandemProc, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a killed process again, same role, same port for an api. */
  restart(p: TandemProc): Promise<void>;
  api(method: string, route: string, body?: unknown): Promise<any>;
  hintHarness(method: string, route: string, body?: unknown): Promise<any>;
  heHarness(method: string, route: string, body?: unknown): Promise<any>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function forkEmulator(script: string, env: Record<string, string> = {}): Promise<Emulator> {
  const child = fork(path.join(ROOT, script), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { url, child };
}

async function json(res: Response, what: string): Promise<any> {
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${what} → ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

const harnessOf = (base: string) => async (method: string, route: string, body?: unknown) =>
  json(
    await fetch(`${base}${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    `${method} ${route}`,
  );

async function createDatabase(serverUrl: string): Promise<string> {
  const name = `tandem_chaos_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(serverUrl: string, dbUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${new URL(dbUrl).pathname.slice(1)} WITH (FORCE)`);
  await admin.end();
}

export interface WorldOptions {
  serverUrl: string;
  apis: number;
  workers: number;
  /** Per-process pool (TANDEM_DB_POOL_SIZE): every process × this must fit max_connections. */
  poolSize?: number;
  /** The api processes' pool, when it differs (they run no jobs: no runner pool beside it). */
  apiPoolSize?: number;
  /** One `--role all` process instead (apis and workers ignored): the reference layout. */
  single?: boolean;
}

export async function startWorld(options: WorldOptions): Promise<ChaosWorld> {
  const dbUrl = await createDatabase(options.serverUrl);
  const db = createPool(dbUrl, 4);
  const hint = await forkEmulator('bench/hint-emulator-server.ts', { HINT_BENCH_SEED: '7' });
  const he = await forkEmulator('bench/healthengine-emulator-server.ts');
  const hintHarness = harnessOf(hint.url);
  const heHarness = harnessOf(he.url);
  const hintCreds = await hintHarness('GET', '/_emulator/credentials');
  const heCreds = await heHarness('GET', '/_emulator/credentials');
  const apiPort = await freePort();
  const publicUrl = `http://127.0.0.1:${apiPort}`;
  const env = {
    DATABASE_URL: dbUrl,
    TANDEM_SECRET_KEY: SECRET_KEY,
    TANDEM_BOOTSTRAP_TOKEN: BOOTSTRAP_TOKEN,
    TANDEM_METRICS_TOKEN: METRICS_TOKEN,
    TANDEM_PUBLIC_URL: publicUrl,
    TANDEM_SANDBOX: 'off',
    TANDEM_LOG_LEVEL: 'info', // the 'listening' line is info
    TANDEM_DB_POOL_SIZE: String(options.poolSize ?? 8),
    HINT_API_URL: hint.url,
    HINT_PARTNER_API_KEY: hintCreds.partnerApiKey,
    HINT_WEBHOOK_SECRET: hintCreds.webhookSecret,
    HEALTHENGINE_API_URL: he.url,
    HEALTHENGINE_API_KEY: heCreds.apiKey,
    HEALTHENGINE_USER_AGENT: 'Tandem chaos (chaos@tandem.test) DEV',
  };
  const ports = new Map<TandemProc, number>();
  const killing = new Set<ChildProcess>();

  const spawnTandem = async (p: TandemProc, port: number) => {
    const home = await mkdtemp(path.join(os.tmpdir(), `tandem-chaos-${p.role}-`));
    const child = spawn(process.execPath, ['bin/tandem.js', 'start', '--role', p.role], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...env,
        ...(p.role === 'api' && options.apiPoolSize ? { TANDEM_DB_POOL_SIZE: String(options.apiPoolSize) } : {}),
        PORT: String(port),
        TANDEM_HOME: home,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    p.child = child;
    let out = '';
    const collect = (chunk: Buffer) => {
      out = (out + chunk.toString()).slice(-4000);
    };
    child.stderr!.on('data', collect);
    p.url = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        collect(chunk);
        const match = /Tandem listening on (http:\/\/[^\s"]+)/.exec(out);
        if (match) {
          child.stdout!.off('data', onData);
          // CHAOS_LOG_DIR keeps every process's log, to see why a scenario did not settle.
          const dir = process.env.CHAOS_LOG_DIR;
          if (dir) {
            const file = createWriteStream(path.join(dir, `${p.role}-${child.pid}-${new URL(match[1]!).port}.log`));
            child.stdout!.pipe(file);
            child.stderr!.pipe(file);
          } else child.stdout!.resume();
          resolve(match[1]!);
        }
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`tandem --role ${p.role} exited (${code}): ${out}`)));
    });
    child.once('exit', () => {
      if (!killing.has(child)) p.crashes += 1;
    });
  };

  const start = async (role: TandemProc['role'], port: number) => {
    const p: TandemProc = { role, url: '', child: undefined as unknown as ChildProcess, crashes: 0 };
    ports.set(p, port);
    await spawnTandem(p, port);
    return p;
  };

  // The first api migrates and creates the bootstrap token alone; the others then start together.
  const first = await start(options.single ? 'all' : 'api', apiPort);
  const rest = options.single
    ? []
    : await Promise.all([
        ...Array.from({ length: options.apis - 1 }, () => start('api', 0)),
        ...Array.from({ length: options.workers }, () => start('worker', 0)),
      ]);
  const apis = [first, ...rest.filter((p) => p.role === 'api')];
  const workers = rest.filter((p) => p.role === 'worker');

  const kill = async (p: TandemProc, signal: NodeJS.Signals = 'SIGKILL') => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return;
    killing.add(p.child);
    const exited = new Promise((r) => p.child.once('exit', r));
    p.child.kill(signal);
    await exited;
  };

  return {
    dbUrl,
    db,
    hint: { ...hint, creds: hintCreds },
    he: { ...he, apiKey: heCreds.apiKey },
    apis,
    workers,
    kill,
    restart: (p) => spawnTandem(p, ports.get(p)!),
    api: async (method, route, body) =>
      json(
        await fetch(`${first.url}${route}`, {
          method,
          headers: {
            authorization: `Bearer ${BOOTSTRAP_TOKEN}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
        `${method} ${route}`,
      ),
    hintHarness,
    heHarness,
    async stop() {
      await Promise.all([...apis, ...workers].map((p) => kill(p, 'SIGTERM')));
      for (const e of [hint, he]) {
        const exited = new Promise((r) => e.child.once('exit', r));
        e.child.disconnect();
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        e.child.kill('SIGKILL');
      }
      await db.end();
      if (process.env.CHAOS_KEEP_DB) console.error(`chaos: database kept: ${dbUrl}`);
      else await dropDatabase(options.serverUrl, dbUrl);
    },
  };
}
