// A real `tandem start` process is killed (SIGKILL) while jobs are queued and running; a second
// process started afterwards finishes every one of them. Jobs are at-least-once (a kill between
// a handler's last write and the job's completion replays it), so handlers are idempotent.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPractice } from '../../src/db/practices.ts';
import { enqueue } from '../../src/jobs/queue.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { waitFor } from '../support/wait.ts';

let database: TestDatabase;
let home: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  home = await mkdtemp(path.join(os.tmpdir(), 'tandem-crash-'));
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await database.drop();
});

function startProcess(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['bin/tandem.js', 'start'], {
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      PORT: '0',
      TANDEM_HOME: home,
      TANDEM_SANDBOX: 'off',
      TANDEM_WORKER_CONCURRENCY: '2',
      TANDEM_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)".*Tandem listening/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.on('exit', (code) => reject(new Error(`tandem exited early (${code}): ${out}`)));
  });
}

async function processedMessages(practiceId: string): Promise<string[]> {
  const { rows } = await database.db.query(`SELECT message FROM log_entries WHERE practice_id = $1 ORDER BY message`, [
    practiceId,
  ]);
  return rows.map((r) => r.message);
}

describe('crash recovery', () => {
  it('finishes queued and in-flight jobs after a kill and a restart', async () => {
    const practice = await createPractice(database.db, { name: 'Crash test' });
    const expected = Array.from({ length: 12 }, (_, i) => `echo: job-${String(i).padStart(2, '0')}`);
    for (let i = 0; i < 12; i++)
      await enqueue(database.db, 'echo', {
        practiceId: practice.id,
        message: `job-${String(i).padStart(2, '0')}`,
        sleepMs: 400,
      });

    const first = await startProcess();
    expect((await fetch(`${first.url}/health`)).status).toBe(200);
    while ((await processedMessages(practice.id)).length < 1) await new Promise((r) => setTimeout(r, 50));
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const {
      rows: [locked],
    } = await database.db.query('SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE locked_at IS NOT NULL');
    expect(locked.n).toBeGreaterThan(0); // the killed process held jobs mid-run
    const doneBeforeRestart = (await processedMessages(practice.id)).length;
    expect(doneBeforeRestart).toBeLessThan(12);

    const second = await startProcess();
    // A handler logs its message before the worker deletes its job row, so wait for both: every
    // message logged (distinct: a job replayed after the kill may have logged twice) and no echo
    // job left in the queue.
    const echoJobsLeft = async () =>
      (await database.db.query(`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'echo'`))
        .rows[0].n as number;
    await waitFor(
      async () => new Set(await processedMessages(practice.id)).size === 12 && (await echoJobsLeft()) === 0,
      'all 12 echo jobs done and gone from the queue',
      { timeoutMs: 45_000 },
    ).catch(() => undefined); // the assertions below say what is missing
    const messages = await processedMessages(practice.id);
    // Every job ran to completion, including the ones the killed process held locked.
    expect([...new Set(messages)]).toEqual(expected);
    expect(await echoJobsLeft()).toBe(0);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  }, 90_000);
});
