// `tandem start` with no DATABASE_URL, as a newcomer runs it: the embedded PostgreSQL is
// initialised, the bootstrap token works, /health answers, and SIGTERM stops everything.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const homes: string[] = [];
afterAll(async () => {
  for (const h of homes) await rm(h, { recursive: true, force: true });
});

function start(home: string, env: Record<string, string>) {
  const { DATABASE_URL: _omit, ...inherited } = process.env;
  const child = spawn(process.execPath, ['bin/tandem.js', 'start'], {
    env: { ...inherited, PORT: '0', TANDEM_HOME: home, TANDEM_SANDBOX: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /"url":"(http:\/\/[^"]+)".*Tandem listening/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, url, exited, output: () => out };
}

describe('tandem start (embedded)', () => {
  it('starts on an embedded PostgreSQL, accepts the bootstrap token, and stops cleanly on SIGTERM', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'tandem-start-'));
    homes.push(home);
    const token = 'bootstrap-token-for-tests-123';
    const first = start(home, { TANDEM_BOOTSTRAP_TOKEN: token });
    const url = await first.url;
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' });
    const created = await fetch(`${url}/api/v1/patients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ firstName: 'Secret', lastName: 'Person', email: 'secret.person@example.com' }),
    });
    expect(created.status).toBe(201);
    expect(
      (await fetch(`${url}/api/v1/patients`, { headers: { authorization: 'Bearer wrong-token-000000000' } })).status,
    ).toBe(401);
    expect(existsSync(path.join(home, 'pg', 'postmaster.pid'))).toBe(true);
    expect(existsSync(path.join(home, 'secret.key'))).toBe(true);

    first.child.kill('SIGTERM');
    // 143 = 128 + SIGTERM: the conventional status for a process that stopped on that signal.
    expect(await first.exited, first.output().slice(-3000)).toBe(143);
    expect(existsSync(path.join(home, 'pg', 'postmaster.pid'))).toBe(false); // the database stopped too
    // No personal data in the process's own log.
    expect(first.output()).not.toMatch(/Secret|secret\.person/);

    // A later start reuses the data: the patient is still there; without the bootstrap token, no token works.
    const second = start(home, {});
    const url2 = await second.url;
    expect((await fetch(`${url2}/api/v1/patients`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      401,
    );
    second.child.kill('SIGINT');
    expect(await second.exited, second.output().slice(-3000)).toBe(130);
    expect(second.output()).toContain('"msg":"stopped"');
  }, 60_000);

  it('a signal while it is still starting stops it in order once started', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'tandem-start-'));
    homes.push(home);
    const early = start(home, {});
    early.url.catch(() => {}); // it may never listen; the exit status says how it ended
    // The database is up; migrations, workers and HTTP are not yet.
    for (let i = 0; i < 300 && !early.output().includes('embedded PostgreSQL ready'); i++)
      await new Promise((r) => setTimeout(r, 50));
    early.child.kill('SIGINT');
    expect(await early.exited, early.output().slice(-3000)).toBe(130);
    expect(early.output()).toContain('"msg":"stopping"');
    expect(early.output()).toContain('"msg":"stopped"');
    expect(existsSync(path.join(home, 'pg', 'postmaster.pid'))).toBe(false);
  }, 60_000);
});
