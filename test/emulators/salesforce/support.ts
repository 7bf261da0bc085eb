// Test support for the Salesforce emulator: start it on 127.0.0.1:0 with a frozen clock,
// authenticate with the JWT bearer flow the way any client would (node:crypto only), and call
// it over real HTTP.
import { createSign } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { EmulatorClock } from '../../../src/emulators/shared/clock.ts';
import {
  buildSalesforceEmulator,
  type SalesforceEmulator,
  type SalesforceEmulatorOptions,
} from '../../../src/emulators/salesforce/index.ts';
import { waitFor as sharedWaitFor } from '../../support/wait.ts';

export interface Credentials {
  loginUrl: string;
  instanceUrl: string;
  clientId: string;
  clientSecret: string;
  callbackUrls: string[];
  username: string;
  jwt: { privateKeyPem: string; certificatePem: string };
  orgId: string;
  users: { id: string; username: string; profile: string }[];
}

export type SfResponse = Omit<Response, 'json'> & { json(): Promise<any> };

export interface Harness extends SalesforceEmulator {
  url: string;
  creds: Credentials;
  token: string;
  version: string;
  /** A call to /services/data/vXX.X<path> with the session token. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<SfResponse>;
  /** A call to the harness. */
  harness(method: string, path: string, body?: unknown): Promise<SfResponse>;
  close(): Promise<void>;
}

export const START = Date.parse('2026-06-01T12:00:00Z');

export function jwtAssertion(
  creds: Credentials,
  overrides: Record<string, unknown> = {},
  key = creds.jwt.privateKeyPem,
): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const claims = {
    iss: creds.clientId,
    sub: creds.username,
    aud: creds.loginUrl,
    exp: Math.floor(START / 1000) + 300,
    ...overrides,
  };
  const unsigned = `${enc({ alg: 'RS256' })}.${enc(claims)}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(key, 'base64url')}`;
}

export async function tokenRequest(url: string, form: Record<string, string>): Promise<SfResponse> {
  return fetch(`${url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  }) as Promise<SfResponse>;
}

export async function startSalesforce(options: SalesforceEmulatorOptions = {}): Promise<Harness> {
  const clock = options.clock ?? new EmulatorClock({ frozen: true, startAt: START });
  const emulator = await buildSalesforceEmulator({ ...options, clock });
  await emulator.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(emulator.app.server.address() as AddressInfo).port}`;
  const creds = (await (await fetch(`${url}/_emulator/credentials`)).json()) as Credentials;
  const granted = await tokenRequest(url, {
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    assertion: jwtAssertion(creds),
  });
  const token = ((await granted.json()) as { access_token: string }).access_token;
  const version = '62.0';
  const call = (method: string, full: string, body?: unknown, headers: Record<string, string> = {}, auth = true) =>
    fetch(full, {
      method,
      headers: {
        ...(auth ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }) as Promise<SfResponse>;
  return {
    ...emulator,
    url,
    creds,
    token,
    version,
    api: (method, path, body, headers) => call(method, `${url}/services/data/v${version}${path}`, body, headers),
    harness: (method, path, body) => call(method, `${url}/_emulator${path}`, body, {}, false),
    close: async () => {
      await emulator.app.close();
      clock.stop();
    },
  };
}

/** Polls until the condition holds (short waits only: delivery is real HTTP). */
export const waitFor = <T>(probe: () => T | Promise<T>, what: string, timeoutMs = 5000) =>
  sharedWaitFor(probe, what, { timeoutMs, intervalMs: 10, retryOnError: false });
