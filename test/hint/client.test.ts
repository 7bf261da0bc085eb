// Client discipline against the Hint emulator over real HTTP: rate limit, retries with
// backoff, Retry-After, timeouts, and never sending the legacy id fields.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulators/hint/index.ts';
import type { RunningEmulator } from '../../src/emulators/shared/types.ts';
import { HintApiError, HintClient } from '../../src/connectors/hint/client.ts';
import { backoffMs, RequestSpacer } from '../../src/connectors/hint/client-rate-limit.ts';

let emulator: RunningEmulator;
let token: string;
const fault = (body: unknown) =>
  fetch(`${emulator.url}/_emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  emulator = await startEmulator({ rateLimit: 20 });
  token = ((await (await fetch(`${emulator.url}/_emulator/credentials`)).json()) as any).practices[0].accessToken;
});
afterAll(async () => {
  await emulator?.close();
});

describe('the Hint client', () => {
  it('keeps under 20 requests per second per token without ever meeting a 429', async () => {
    const client = new HintClient({ baseUrl: () => emulator.url, maxRetries: 0 });
    const results = await Promise.all(
      Array.from({ length: 45 }, () => client.call('GET', '/provider/practice', { token, ratePerSecond: 16 })),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
  });

  it('retries 5xx and 429 with backoff, honouring Retry-After, and gives up on 4xx at once', async () => {
    const client = new HintClient({ baseUrl: () => emulator.url });
    await fault({ status: 503, count: 2, path: '/provider/practice' });
    expect((await client.call('GET', '/provider/practice', { token })).status).toBe(200);
    await fault({ status: 429, count: 1, retryAfterSeconds: 1, path: '/provider/practice' });
    const started = Date.now();
    expect((await client.call('GET', '/provider/practice', { token })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    const refused = await client
      .call('POST', '/provider/patients', { token, body: { first_name: '' } })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HintApiError);
    expect(refused).toMatchObject({ status: 422, retryable: false });
  });

  it('times out a hung call and reports it as retryable', async () => {
    const client = new HintClient({ baseUrl: () => emulator.url, timeoutMs: 200, maxRetries: 0 });
    await fault({ latencyMs: 2000, count: 1, path: '/provider/practice' });
    const error = await client.call('GET', '/provider/practice', { token }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 0, retryable: true, hintMessage: 'timed out' });
  });

  it('never sends import_id, import_source or external_link_id', async () => {
    const client = new HintClient({ baseUrl: () => emulator.url });
    const created = await client.call<any>('POST', '/provider/patients', {
      token,
      body: { first_name: 'Lena', last_name: 'Gacy', import_id: 'X1', import_source: 'src', external_link_id: 'L1' },
    });
    expect(created.data).toMatchObject({ import_id: null, import_source: null, external_link_id: null });
  });

  it('spaces requests evenly and backs off with jitter', () => {
    let now = 0;
    const spacer = new RequestSpacer(() => now);
    expect([0, 1, 2, 3].map(() => spacer.reserve('t', 20))).toEqual([0, 50, 100, 150]);
    expect(spacer.reserve('other', 20)).toBe(0);
    now = 1000;
    expect(spacer.reserve('t', 20)).toBe(0);
    expect(backoffMs(0, '3')).toBe(3000);
    const delays = Array.from({ length: 50 }, () => backoffMs(3, null));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(2000);
    expect(new Set(delays).size).toBeGreaterThan(1);
  });
});
