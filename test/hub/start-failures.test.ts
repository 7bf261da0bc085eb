// When the embedded PostgreSQL cannot start, `tandem start` exits non-zero with one line that
// says what to do — not a stack trace. Each case is a real `node bin/tandem.js start`.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = path.resolve('bin/tandem.js');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tandem-fail-')); // mode 700, like mktemp -d
  dirs.push(dir);
  return dir;
}

function start(cwd: string, env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  const { DATABASE_URL: _omit, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'start'],
      { cwd, env: { ...inherited, PORT: '0', TANDEM_SANDBOX: 'off', ...env }, timeout: 60_000 },
      (error, _stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

function expectOneLine(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^tandem: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('embedded PostgreSQL start-up failures', () => {
  it.skipIf(process.getuid?.() !== 0)('as root in a directory other users cannot enter: one line, exit 1', async () => {
    const closed = await tempDir();
    const { code, stderr } = await start(closed, { TANDEM_HOME: path.join(closed, '.tandem') });
    expect(code).toBe(1);
    expectOneLine(stderr, new RegExp(`"postgres" user.*${closed} is closed to other users.*chmod o\\+x`));
  });

  it('a data directory from another PostgreSQL major version: one line, exit 1', async () => {
    const home = await tempDir();
    await mkdir(path.join(home, 'pg'), { recursive: true });
    await writeFile(path.join(home, 'pg', 'PG_VERSION'), '15\n');
    const { code, stderr } = await start(home, { TANDEM_HOME: home });
    expect(code).toBe(1);
    expectOneLine(stderr, /created by PostgreSQL 15; this Tandem ships PostgreSQL 18/);
  });

  it('the remembered port taken by another program: one line, exit 1', async () => {
    const home = await tempDir();
    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await writeFile(path.join(home, 'pg.port'), String(port));
    try {
      const { code, stderr } = await start(home, { TANDEM_HOME: home });
      expect(code).toBe(1);
      expectOneLine(stderr, new RegExp(`Port ${port} .* is taken by another program`));
    } finally {
      server.close();
    }
  });
});
