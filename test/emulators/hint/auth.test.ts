import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHint, type Harness, request } from './support.ts';

describe('Hint emulator: auth and rate limits', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHint({ seed: 6 });
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers 401 without a token or with an unknown one', async () => {
    for (const token of [null, 'not-a-real-token']) {
      const res = await h.call('GET', '/api/provider/patients', token);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ status: 401, message: 'Unauthorized' });
    }
  });

  it('answers 428 when the partner key is used on a provider route', async () => {
    const res = await h.call('GET', '/api/provider/patients', h.creds.partnerApiKey);
    expect(res.status).toBe(428);
    expect(await res.json()).toEqual({ status: 428, message: 'This action requires a Practice' });
  });

  it('refuses a practice token on partner routes', async () => {
    const res = await h.call('GET', '/api/integrations', h.token);
    expect(res.status).toBe(403);
    expect((await res.json()).status).toBe(403);
  });

  it('lets a practice token see only its own practice', async () => {
    const [first, second] = h.creds.practices;
    const theirs = await (await h.call('GET', '/api/provider/patients?limit=1', second?.accessToken)).json();
    const otherId = theirs[0].id as string;
    expect((await h.call('GET', `/api/provider/patients/${otherId}`, first?.accessToken)).status).toBe(404);
    expect(
      (await h.call('PATCH', `/api/provider/patients/${otherId}`, first?.accessToken, { first_name: 'X' })).status,
    ).toBe(404);
    expect((await h.call('DELETE', `/api/provider/patients/${otherId}`, first?.accessToken)).status).toBe(404);
    const mine = await (await h.call('GET', '/api/provider/patients?limit=100', first?.accessToken)).json();
    expect(mine.map((p: { id: string }) => p.id)).not.toContain(otherId);
    const practice = await (await h.call('GET', '/api/provider/practice', first?.accessToken)).json();
    expect(practice.id).toBe(first?.id);
  });

  it("returns 404 in Hint's shape for unknown ids and routes", async () => {
    const res = await h.call('GET', '/api/provider/patients/pat-000000000000');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ status: 404 });
    expect((await h.call('GET', '/api/provider/nothing-here')).status).toBe(404);
  });
});

describe('Hint emulator: rate limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHint({ rateLimit: 5 });
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers 429 "Enhance your calm" past the per-token limit, without Retry-After', async () => {
    const started = Date.now();
    const responses = await Promise.all(Array.from({ length: 30 }, () => h.call('GET', '/api/provider/practice')));
    const seconds = Math.ceil((Date.now() - started) / 1000) + 1; // one-second windows the burst touched
    const limited = responses.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(responses.filter((r) => r.status === 200).length).toBeLessThanOrEqual(5 * seconds);
    expect(await limited[0]?.json()).toEqual({ status: 429, message: 'Enhance your calm' });
    expect(limited[0]?.headers.get('retry-after')).toBeNull();
    // Limits are per token: the other practice's token is unaffected in the same second.
    const other = await h.call('GET', '/api/provider/practice', h.creds.partners[1]?.practices[0]?.accessToken);
    expect(other.status).toBe(200);
  });

  it('can be turned off at runtime through the harness', async () => {
    await request(`${h.url}/_emulator/config`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rateLimit: 0 }),
    });
    const responses = await Promise.all(Array.from({ length: 30 }, () => h.call('GET', '/api/provider/practice')));
    expect(responses.every((r) => r.status === 200)).toBe(true);
  });
});
