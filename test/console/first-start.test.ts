// The first admin from the server's side: a first start with no users logs a setup link once
// (a later start only says when it expires); `tandem user create` prints a one-time
// set-password link that works in the console's API; bad flags are named.
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDefaultPractice } from '../../src/db/practices.ts';
import { announceSetupLink } from '../../src/http/setup-link.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startTestHub } from '../support/hub.ts';
import { CookieClient } from '../support/console.ts';

const run = promisify(execFile);

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('first start and tandem user', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.drop());

  it('logs the setup link once; a later start only says when it expires; none once a user exists', async () => {
    const practice = await ensureDefaultPractice(database.db);
    const first = capture();
    await announceSetupLink(database.db, practice.id, 'https://tandem.example.com', first.logger);
    expect(first.lines.join('')).toMatch(
      /Create the first admin at https:\/\/tandem\.example\.com\/setup\?code=[\w-]{20,}/,
    );
    const second = capture();
    await announceSetupLink(database.db, practice.id, 'https://tandem.example.com', second.logger);
    expect(second.lines.join('')).not.toMatch(/setup\?code=/);
    expect(second.lines.join('')).toMatch(/tandem user setup-link/);
  });

  it('tandem user create prints a one-time set-password link that signs the user in', async () => {
    const hub = await startTestHub();
    try {
      const env = { ...process.env, DATABASE_URL: hub.database.url, TANDEM_PUBLIC_URL: hub.url };
      const bad = await run(
        process.execPath,
        ['bin/tandem.js', 'user', 'create', '--practice', hub.practiceId, '--email', 'x', '--role', 'boss'],
        { env },
      ).catch((e) => e);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--email is not an email address/);
      expect(bad.stderr).toMatch(/--role/);
      const { stdout } = await run(
        process.execPath,
        [
          'bin/tandem.js',
          'user',
          'create',
          '--practice',
          hub.practiceId,
          '--email',
          'Cli@Example.com',
          '--role',
          'admin',
        ],
        { env },
      );
      const link = stdout.split('\n')[0]!;
      expect(link).toMatch(new RegExp(`^${hub.url}/set-password\\?code=`));
      const client = new CookieClient(hub.url);
      const set = await client.call('POST', '/api/v1/auth/set-password', {
        code: new URL(link).searchParams.get('code'),
        password: 'cli user password',
      });
      expect(set.status).toBe(200);
      expect(set.body.user).toMatchObject({ email: 'cli@example.com', role: 'admin' });
      expect(set.body.practice.id).toBe(hub.practiceId);
      const listed = await run(process.execPath, ['bin/tandem.js', 'user', 'list', '--practice', hub.practiceId], {
        env,
      });
      expect(listed.stdout).toMatch(/cli@example\.com\s+admin/);
    } finally {
      await hub.stop();
    }
  });
});
