// Benchmark of the Hint emulator (npx tsx bench/hint-emulator.ts):
//  1. patient reads/s: autocannon against GET /api/provider/patients/{id}, rate limit off;
//  2. webhook deliveries/s: practice-user edits fan out to global endpoints on a local
//     receiver, timed from the first edit to the last delivery received.
// The emulator runs in its own child process; everything is on 127.0.0.1, bounded in
// count and time, and stopped at the end.
import { fork, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import autocannon from 'autocannon';

const READ_SECONDS = Number(process.env.READ_SECONDS ?? 10);
const EDITS = Number(process.env.EDITS ?? 2000);
const ENDPOINTS = Number(process.env.ENDPOINTS ?? 5);
const DEADLINE_MS = 60_000;

interface Credentials {
  partnerApiKey: string;
  webhookSecret: string;
  practices: { id: string; accessToken: string }[];
}

async function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(new URL('./hint-emulator-server.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, HINT_BENCH_SEED: '500' },
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return { child, url };
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function benchReads(url: string, creds: Credentials): Promise<number> {
  const token = creds.practices[0]?.accessToken ?? '';
  const auth = { authorization: `Bearer ${token}` };
  const patients = await json<{ id: string }[]>(`${url}/api/provider/patients?limit=100`, { headers: auth });
  let i = 0;
  const result = await autocannon({
    url,
    connections: 32,
    duration: READ_SECONDS,
    headers: auth,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({ ...req, path: `/api/provider/patients/${patients[i++ % patients.length]?.id}` }),
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`reads: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

async function benchWebhooks(
  url: string,
  creds: Credentials,
): Promise<{ perSecond: number; deliveries: number; verified: number }> {
  const expected = EDITS * ENDPOINTS;
  let received = 0;
  let verified = 0;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received += 1;
      if (received % 50 === 0) {
        // verify a sample independently; every delivery costs the receiver otherwise
        const hex = createHmac('sha256', creds.webhookSecret).update(Buffer.concat(chunks)).digest('hex');
        if (req.headers['x-hint-signature'] === `sha256=${hex}`) verified += 1;
      }
      res.end('ok');
      if (received === expected) finish();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  const partnerAuth = { authorization: `Bearer ${creds.partnerApiKey}`, 'content-type': 'application/json' };
  for (let e = 0; e < ENDPOINTS; e++) {
    await json(`${url}/api/global_webhook_endpoints`, {
      method: 'POST',
      headers: partnerAuth,
      body: JSON.stringify({ webhook_url: `${hookUrl}/${e}` }),
    });
  }
  const practiceId = creds.practices[0]?.id ?? '';
  const patient = await json<{ id: string }>(`${url}/_emulator/practices/${practiceId}/patients`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ first_name: 'Bench', last_name: 'Mark' }),
  });
  // Let the creation's own deliveries land before counting.
  const settle = Date.now() + 5000;
  while (received < ENDPOINTS && Date.now() < settle) await new Promise((r) => setTimeout(r, 10));
  received = 0;
  verified = 0;
  const started = performance.now();
  const edits = await autocannon({
    url: `${url}/_emulator/practices/${practiceId}/patients/${patient.id}`,
    method: 'PATCH',
    connections: 8,
    amount: EDITS,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ middle_name: 'Load' }),
  });
  if (edits.non2xx > 0) throw new Error(`edits: ${edits.non2xx} non-2xx`);
  const timeout = setTimeout(finish, DEADLINE_MS);
  await done;
  clearTimeout(timeout);
  const seconds = (performance.now() - started) / 1000;
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  if (received < expected) throw new Error(`only ${received}/${expected} deliveries within ${DEADLINE_MS} ms`);
  return { perSecond: received / seconds, deliveries: received, verified };
}

const { child, url } = await startServer();
try {
  const creds = await json<Credentials>(`${url}/_emulator/credentials`);
  const reads = await benchReads(url, creds);
  const hooks = await benchWebhooks(url, creds);
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: `${os.cpus().length} cores, ${cpu}`,
        node: process.version,
        patientReadsPerSecond: Math.round(reads),
        readSeconds: READ_SECONDS,
        webhookDeliveriesPerSecond: Math.round(hooks.perSecond),
        deliveries: hooks.deliveries,
        sampledSignaturesVerified: hooks.verified,
      },
      null,
      2,
    ),
  );
} finally {
  child.send('stop');
  await new Promise((resolve) => {
    child.once('exit', resolve);
    setTimeout(() => {
      child.kill();
      resolve(undefined);
    }, 5000).unref();
  });
}
