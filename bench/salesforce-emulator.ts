// Benchmark of the Salesforce emulator (npx tsx bench/salesforce-emulator.ts):
//  1. single-record reads/s: autocannon against GET /services/data/v62.0/sobjects/Contact/{id}
//     (every field) over 500 ids, 32 connections;
//  2. a 2,000-record query page: GET /query (six fields incl. Account.Name, 5,000 contacts), and
//     the following queryMore page, timed end to end over HTTP, sequentially;
//  3. change-event latency: a CometD subscriber holds a long poll on /data/ContactChangeEvent;
//     each PATCH is timed from the moment it is sent to the moment its event arrives.
// The emulator runs in its own child process; everything is on 127.0.0.1, bounded in count and
// time, and stopped at the end.
import { fork, type ChildProcess } from 'node:child_process';
import { createSign } from 'node:crypto';
import os from 'node:os';
import autocannon from 'autocannon';

const READ_SECONDS = Number(process.env.READ_SECONDS ?? 10);
const QUERIES = Number(process.env.QUERIES ?? 40);
const EVENTS = Number(process.env.EVENTS ?? 300);
const DEADLINE_MS = 120_000;

interface Credentials {
  loginUrl: string;
  clientId: string;
  username: string;
  jwt: { privateKeyPem: string };
}

async function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(new URL('./salesforce-emulator-server.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
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

async function login(url: string): Promise<string> {
  const creds = await json<Credentials>(`${url}/_emulator/credentials`);
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const claims = {
    iss: creds.clientId,
    sub: creds.username,
    aud: creds.loginUrl,
    exp: Math.floor(Date.now() / 1000) + 300,
  };
  const unsigned = `${enc({ alg: 'RS256' })}.${enc(claims)}`;
  const assertion = `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(creds.jwt.privateKeyPem, 'base64url')}`;
  const token = await json<{ access_token: string }>(`${url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
  });
  return token.access_token;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const summary = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s[s.length - 1]! };
};

async function benchReads(url: string, token: string): Promise<number> {
  const auth = { authorization: `Bearer ${token}` };
  const page = await json<{ records: { Id: string }[] }>(
    `${url}/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM Contact LIMIT 500')}`,
    { headers: auth },
  );
  let i = 0;
  const result = await autocannon({
    url,
    connections: 32,
    duration: READ_SECONDS,
    headers: auth,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({
          ...req,
          path: `/services/data/v62.0/sobjects/Contact/${page.records[i++ % page.records.length]!.Id}`,
        }),
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`reads: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

async function benchQuery(url: string, token: string) {
  const auth = { authorization: `Bearer ${token}` };
  const soql = encodeURIComponent('SELECT Id, FirstName, LastName, Birthdate, Email, Account.Name FROM Contact');
  const first: number[] = [];
  const more: number[] = [];
  for (let i = 0; i < QUERIES; i++) {
    let t = performance.now();
    const page = await json<{ records: unknown[]; nextRecordsUrl: string }>(
      `${url}/services/data/v62.0/query?q=${soql}`,
      { headers: auth },
    );
    first.push(performance.now() - t);
    if (page.records.length !== 2000) throw new Error(`page of ${page.records.length}`);
    t = performance.now();
    await json(`${url}${page.nextRecordsUrl}`, { headers: auth });
    more.push(performance.now() - t);
  }
  return { first: summary(first), more: summary(more) };
}

async function benchEvents(url: string, token: string) {
  const endpoint = `${url}/cometd/62.0`;
  let id = 1;
  const bayeux = async (messages: Record<string, unknown>[]) =>
    json<{ channel: string; clientId?: string; data?: any }[]>(endpoint, {
      method: 'POST',
      headers: { authorization: `OAuth ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(messages.map((m) => ({ id: String(id++), ...m }))),
    });
  const [hand] = await bayeux([
    { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] },
  ]);
  const clientId = hand!.clientId!;
  await bayeux([{ channel: '/meta/subscribe', clientId, subscription: '/data/ContactChangeEvent' }]);
  await bayeux([{ channel: '/meta/connect', clientId, connectionType: 'long-polling' }]); // the first connect answers at once
  const arrived = new Map<string, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const replies = await bayeux([{ channel: '/meta/connect', clientId, connectionType: 'long-polling' }]);
      const now = performance.now();
      for (const m of replies)
        if (m.data) arrived.set(m.data.payload.ChangeEventHeader.recordIds[0] + m.data.payload.Title, now);
    }
  })();
  const ids = (
    await json<{ records: { Id: string }[] }>(
      `${url}/services/data/v62.0/query?q=${encodeURIComponent(`SELECT Id FROM Contact LIMIT ${EVENTS}`)}`,
      { headers: { authorization: `Bearer ${token}` } },
    )
  ).records;
  const latencies: number[] = [];
  const deadline = Date.now() + DEADLINE_MS;
  for (const [n, record] of ids.entries()) {
    const title = `T${n}`;
    const sent = performance.now();
    const res = await fetch(`${url}/services/data/v62.0/sobjects/Contact/${record.Id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Title: title }),
    });
    if (res.status !== 204) throw new Error(`PATCH → ${res.status}`);
    while (!arrived.has(record.Id + title)) {
      if (Date.now() > deadline) throw new Error('events: deadline passed');
      await new Promise((r) => setImmediate(r));
    }
    latencies.push(arrived.get(record.Id + title)! - sent);
  }
  running = false;
  await fetch(`${url}/services/data/v62.0/sobjects/Contact/${ids[0]!.Id}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{"Title":"end"}',
  });
  await loop;
  return summary(latencies);
}

const { child, url } = await startServer();
try {
  const token = await login(url);
  const load = () => os.loadavg()[0]!.toFixed(1);
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}, load ${load()}`);
  const reads = await benchReads(url, token);
  console.log(`single-record reads: ${Math.round(reads)} reads/s (load ${load()})`);
  const query = await benchQuery(url, token);
  console.log(
    `2,000-record query page: first p50 ${query.first.p50.toFixed(1)} ms, p95 ${query.first.p95.toFixed(1)} ms, max ${query.first.max.toFixed(1)} ms; queryMore p50 ${query.more.p50.toFixed(1)} ms, p95 ${query.more.p95.toFixed(1)} ms (load ${load()})`,
  );
  const events = await benchEvents(url, token);
  console.log(
    `change event, write sent → event received: p50 ${events.p50.toFixed(1)} ms, p95 ${events.p95.toFixed(1)} ms, p99 ${events.p99.toFixed(1)} ms, max ${events.max.toFixed(1)} ms over ${EVENTS} writes (load ${load()})`,
  );
} finally {
  child.send('stop');
}
