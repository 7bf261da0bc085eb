// The CLI as a person runs it: real processes, real exit statuses.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTokenOwner } from '../../src/db/practices.ts';
import { enqueue } from '../../src/jobs/queue.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

const run = promisify(execFile);
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

async function tandem(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/tandem.js', ...args], {
      env: { ...process.env, DATABASE_URL: database.url },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const error = e as { code: number; stdout: string; stderr: string };
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

describe('tandem CLI', () => {
  it('creates a practice and a token that authenticates as it', async () => {
    const practice = await tandem('practice', 'create', '--name', 'CLI Clinic', '--time-zone', 'Australia/Perth');
    expect(practice.code).toBe(0);
    const practiceId = practice.stdout.trim();
    const token = await tandem('token', 'create', '--practice', practiceId, '--name', 'ci');
    expect(token.code).toBe(0);
    expect(token.stdout.trim()).toMatch(/^tdm_/);
    expect(await findTokenOwner(database.db, token.stdout.trim())).toMatchObject({ practiceId });
    expect((await tandem('practice', 'list')).stdout).toContain('CLI Clinic');
  });

  it('fails with a clear message and a non-zero status on bad input', async () => {
    const missing = await tandem('token', 'create', '--practice', '00000000-0000-4000-8000-000000000000');
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('no practice') });
    const badZone = await tandem('practice', 'create', '--name', 'X', '--time-zone', 'Mars/Base');
    expect(badZone).toMatchObject({ code: 2, stderr: expect.stringContaining('--time-zone') });
    const unknownFlag = await tandem('logs', '--colour');
    expect(unknownFlag.code).toBe(2);
    expect((await tandem('nonsense')).code).toBe(2);
  });

  it('lists failed jobs and queues one again', async () => {
    const practiceId = (await tandem('practice', 'create', '--name', 'Jobs')).stdout.trim();
    await enqueue(database.db, 'echo', { practiceId, message: 'x' }, { maxAttempts: 1 });
    await database.db.query(`UPDATE graphile_worker._private_jobs SET attempts = 1, last_error = 'boom'`);
    const failed = await tandem('jobs', 'failed', '--json');
    const [job] = JSON.parse(failed.stdout);
    expect(job).toMatchObject({ task: 'echo', lastError: 'boom', practiceId });
    expect((await tandem('jobs', 'retry', job.id)).stdout).toContain('queued');
    expect((await tandem('jobs', 'failed')).stdout).toContain('no failed jobs');
    expect((await tandem('jobs', 'retry', job.id)).code).toBe(1);
  });

  it('lists and revokes tokens, disables and enables a practice', async () => {
    const practiceId = (await tandem('practice', 'create', '--name', 'Lifecycle')).stdout.trim();
    const token = (await tandem('token', 'create', '--practice', practiceId, '--name', 'ops')).stdout.trim();
    const listed = JSON.parse((await tandem('token', 'list', '--practice', practiceId, '--json')).stdout);
    expect(listed).toEqual([expect.objectContaining({ name: 'ops', practiceId, revokedAt: null })]);
    expect(JSON.stringify(listed)).not.toContain(token);

    expect((await tandem('practice', 'disable', practiceId)).stdout).toContain('disabled');
    expect(await findTokenOwner(database.db, token)).toMatchObject({ practiceDisabled: true });
    expect((await tandem('practice', 'list')).stdout).toMatch(/Lifecycle {2}\(disabled /);
    expect((await tandem('practice', 'enable', practiceId)).stdout).toContain('enabled');
    expect(await findTokenOwner(database.db, token)).toMatchObject({ practiceDisabled: false });

    expect((await tandem('token', 'revoke', listed[0].id)).stdout).toContain('revoked');
    expect(await findTokenOwner(database.db, token)).toBeUndefined();
    expect((await tandem('token', 'list', '--practice', practiceId)).stdout).toContain('no tokens');
    expect((await tandem('token', 'list', '--practice', practiceId, '--all')).stdout).toContain('revoked 20');
    expect(await tandem('token', 'revoke', '00000000-0000-4000-8000-000000000000')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no token'),
    });
    expect((await tandem('practice', 'disable', 'nope')).code).toBe(2);
  });
});
