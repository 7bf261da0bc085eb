// Test support: a Healthengine emulator on 127.0.0.1:0 with a frozen clock, a PMS-side client
// whose every response is checked against openapi.yaml, and a webhook receiver.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { EmulatorClock } from '../../../src/emulators/shared/clock.ts';
import { buildHealthengineEmulator, type HealthengineEmulator } from '../../../src/emulators/healthengine/index.ts';
import { validateResponseAgainstSpec } from '../../../src/emulators/healthengine/spec.ts';

/** Monday 2 March 2026, 09:00 in Perth (01:00 UTC). */
export const START = Date.parse('2026-03-02T01:00:00Z');
export const TODAY = '2026-03-02';
export const TOMORROW = '2026-03-03';

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

export interface TestEmulator {
  url: string;
  emulator: HealthengineEmulator;
  clock: EmulatorClock;
  apiKey: string;
  practiceId: string;
  practiceKey: string;
  timezone: string;
  api(
    method: string,
    path: string,
    body?: unknown,
    options?: {
      headers?: Record<string, string>;
      gzip?: boolean;
      practice?: { practiceId: string; practiceKey: string };
    },
  ): Promise<Reply>;
  harness(method: string, path: string, body?: unknown): Promise<Reply>;
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

async function read(response: Response): Promise<Reply> {
  const text = await response.text();
  let body: unknown = text === '' ? undefined : text;
  try {
    if (text !== '') body = JSON.parse(text);
  } catch {
    /* keep text */
  }
  return { status: response.status, body, headers: response.headers };
}

export async function startHealthengine(options: { seed?: number; startAt?: number } = {}): Promise<TestEmulator> {
  const clock = new EmulatorClock({ startAt: options.startAt ?? START, frozen: true });
  const emulator = buildHealthengineEmulator({ seed: options.seed, clock });
  await emulator.app.listen({ port: 0, host: '127.0.0.1' });
  const address = emulator.app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  emulator.state.baseUrl = url;
  const creds = (await (await fetch(`${url}/_emulator/credentials`)).json()) as {
    apiKey: string;
    practices: Array<{ practiceId: string; practiceKey: string; timezone: string }>;
  };
  const first = creds.practices[0];
  if (!first) throw new Error('no seeded practice');
  const t: TestEmulator = {
    url,
    emulator,
    clock,
    apiKey: creds.apiKey,
    ...first,
    async api(method, path, body, opts = {}) {
      const practice = opts.practice ?? first;
      const headers: Record<string, string> = {
        'api-key': creds.apiKey,
        'practice-id': practice.practiceId,
        'practice-key': practice.practiceKey,
        'user-agent': 'Tandem test (tests@tandem.example) DEV',
        ...opts.headers,
      };
      let payload: string | Buffer | undefined;
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        payload = JSON.stringify(body);
        if (opts.gzip) {
          payload = gzipSync(payload);
          headers['content-encoding'] = 'gzip';
        }
      }
      const reply = await read(await fetch(`${url}${path}`, { method, headers, body: payload }));
      const check = validateResponseAgainstSpec(method, path, reply.status, reply.body);
      if (!check.ok)
        throw new Error(`contract: ${method} ${path} → ${reply.status}: ${check.error}\n${JSON.stringify(reply.body)}`);
      return reply;
    },
    async harness(method, path, body) {
      const init: RequestInit = { method };
      if (body !== undefined) {
        init.body = JSON.stringify(body);
        init.headers = { 'content-type': 'application/json' };
      }
      return read(await fetch(`${url}/_emulator${path}`, init));
    },
    async advance(ms) {
      clock.advance(ms);
      await settle(emulator);
    },
    async close() {
      await emulator.app.close();
      clock.stop();
    },
  };
  return t;
}

/** Lets webhook attempts started by a clock jump finish. */
export async function settle(emulator: HealthengineEmulator): Promise<void> {
  await new Promise((r) => setImmediate(r));
  await emulator.context.webhooks.idle();
  await emulator.context.bookingWebhooks.idle();
}

export const patient = {
  firstname: 'Ada',
  lastname: 'Lovelace',
  dob: '1985-12-10',
  phone: '0400000000',
  email: 'ada@example.com',
  address: '1 Hay St',
  suburb: 'Perth',
  state: 'WA',
  postcode: '6000',
  gender: 'Female',
  medicareNumber: '2123456701',
  medicareIrn: '1',
  medicareExpiry: '05/2030',
};

/** Resources r1, r2; appointment types; r1 and r2 open 09:00–12:00 in 15-min slots on `date`. */
export async function configurePractice(t: TestEmulator, date = TOMORROW): Promise<void> {
  await t.api('POST', '/config/pmsResources/snapshot', [
    { pmsResourceId: 'r1', pmsResourceName: 'Dr One' },
    { pmsResourceId: 'r2', pmsResourceName: 'Dr Two' },
  ]);
  await t.api('POST', '/config/pmsAppointmentTypes/snapshot', [
    { pmsAppointmentTypeId: 'std', pmsAppointmentTypeName: 'Standard', pmsAppointmentLength: 15 },
    { pmsAppointmentTypeId: 'long', pmsAppointmentTypeName: 'Long', pmsAppointmentLength: 45 },
  ]);
  for (const r of ['r1', 'r2']) {
    const res = await t.api('POST', '/availability/snapshot', {
      date,
      pmsResourceId: r,
      availability: [{ start: '09:00', end: '12:00', slotLength: 900 }],
    });
    if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  }
}

export async function book(t: TestEmulator, start: string, extra: Record<string, unknown> = {}): Promise<Reply> {
  return t.harness('POST', `/practices/${t.practiceId}/bookings`, { pmsResourceId: 'r1', start, patient, ...extra });
}

export interface Received {
  body: any;
  headers: IncomingMessage['headers'];
  at: number;
}

/** A webhook endpoint answering with `statuses` in turn (the last one repeats). */
export async function startReceiver(
  statuses: number[] = [200],
): Promise<{ url: string; received: Received[]; statuses: number[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const state = { statuses };
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => {
      data += c;
    });
    req.on('end', () => {
      received.push({ body: data ? JSON.parse(data) : undefined, headers: req.headers, at: Date.now() });
      const status = state.statuses.length > 1 ? (state.statuses.shift() ?? 200) : (state.statuses[0] ?? 200);
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
  return {
    url,
    received,
    get statuses() {
      return state.statuses;
    },
    set statuses(v) {
      state.statuses = v;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
