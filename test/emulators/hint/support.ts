// Test support for the Hint emulator: start it on 127.0.0.1:0 with a frozen clock, call it
// over real HTTP, and receive its webhooks on a real local server.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EmulatorClock } from '../../../src/emulators/shared/clock.ts';
import { buildHintEmulator, type HintEmulator, type HintEmulatorOptions } from '../../../src/emulators/hint/index.ts';
import { waitFor as sharedWaitFor } from '../../support/wait.ts';

export interface Credentials {
  partnerApiKey: string;
  webhookSecret: string;
  practices: { id: string; name: string; accessToken: string }[];
  partners: {
    id: string;
    name: string;
    apiKey: string;
    webhookSecret: string;
    practices: { id: string; integrationId: string | null; accessToken: string | null }[];
  }[];
}

/** A fetch Response whose json() is loosely typed: tests assert on the shapes themselves. */
export type HintResponse = Omit<Response, 'json'> & { json(): Promise<any> };

export interface Harness extends HintEmulator {
  url: string;
  creds: Credentials;
  token: string; // practice 1, primary partner
  call(method: string, path: string, token?: string | null, body?: unknown): Promise<HintResponse>;
  close(): Promise<void>;
}

export async function startHint(options: HintEmulatorOptions = {}): Promise<Harness> {
  const clock = options.clock ?? new EmulatorClock({ frozen: true, startAt: Date.parse('2026-06-01T12:00:00Z') });
  const emulator = buildHintEmulator({ rateLimit: 0, ...options, clock });
  await emulator.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(emulator.app.server.address() as AddressInfo).port}`;
  const creds = (await (await fetch(`${url}/_emulator/credentials`)).json()) as Credentials;
  const token = creds.practices[0]?.accessToken ?? '';
  const call: Harness['call'] = async (method, path, auth = token, body) => {
    const headers: Record<string, string> = {};
    if (auth) headers.authorization = `Bearer ${auth}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }) as Promise<HintResponse>;
  };
  return {
    ...emulator,
    url,
    creds,
    token,
    call,
    close: async () => {
      await emulator.app.close();
      clock.stop();
    },
  };
}

export interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  body: any;
  verified: boolean;
}

/** A webhook receiver that checks X-Hint-Signature on its own, with node:crypto only. */
export class Receiver {
  received: Received[] = [];
  status = 200;
  delayMs = 0;
  private server: Server;
  url = '';

  constructor(private readonly secret: string) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const expected = Buffer.from(`sha256=${createHmac('sha256', this.secret).update(raw).digest('hex')}`);
        const given = Buffer.from(String(req.headers['x-hint-signature'] ?? ''));
        const verified = given.length === expected.length && timingSafeEqual(given, expected);
        this.received.push({ headers: req.headers, raw, body: JSON.parse(raw), verified });
        const reply = () => {
          res.statusCode = this.status;
          res.end('ok');
        };
        if (this.delayMs > 0) setTimeout(reply, this.delayMs);
        else reply();
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
    return this;
  }

  ofType(type: string): Received[] {
    return this.received.filter((r) => r.body.type === type);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls until the condition holds (short waits only: deliveries are real HTTP). */
export const waitFor = <T>(probe: () => T | Promise<T>, what: string, timeoutMs = 5000) =>
  sharedWaitFor(probe, what, { timeoutMs, intervalMs: 10, retryOnError: false });

/** fetch for the harness and receivers, with the same loosely typed json(). */
export const request = (url: string, init?: RequestInit) => fetch(url, init) as Promise<HintResponse>;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
