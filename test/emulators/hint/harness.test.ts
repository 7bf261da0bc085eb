import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Receiver, request, startHint, waitFor, type Harness } from './support.ts';

describe('Hint emulator: the /_emulator harness', () => {
  let h: Harness;
  const harness = (method: string, path: string, body?: unknown) =>
    request(`${h.url}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  beforeAll(async () => {
    h = await startHint({ seed: 7 });
  });
  afterAll(async () => {
    await h.close();
  });

  it('tells the credentials: partner key, webhook secret, practices with tokens', async () => {
    const creds = await (await harness('GET', '/credentials')).json();
    expect(creds.partnerApiKey).toMatch(/^[0-9A-Za-z]{36}$/);
    expect(creds.webhookSecret).toMatch(/^[0-9A-Za-z]{36}$/);
    expect(creds.practices).toHaveLength(2);
    for (const p of creds.practices) {
      expect(Object.keys(p).sort()).toEqual(['accessToken', 'id', 'name']);
      expect(p.id).toMatch(/^pra-/);
    }
    expect(creds.partners.map((p: { name: string }) => p.name)).toEqual(['Tandem', 'Other EMR']);
  });

  it('acts as a practice user: creates, edits and deletes patients, validating like the API', async () => {
    const practiceId = h.creds.practices[0]?.id;
    const created = await harness('POST', `/practices/${practiceId}/patients`, { first_name: 'Ui', last_name: 'User' });
    expect(created.status).toBe(200);
    const p = await created.json();
    expect((await harness('POST', `/practices/${practiceId}/patients`, { first_name: 'Ui' })).status).toBe(422);
    expect(
      (await (await harness('PATCH', `/practices/${practiceId}/patients/${p.id}`, { last_name: 'Edited' })).json())
        .last_name,
    ).toBe('Edited');
    expect((await harness('PATCH', `/practices/pra-nope/patients/${p.id}`, { last_name: 'X' })).status).toBe(404);
    expect((await harness('DELETE', `/practices/${practiceId}/patients/${p.id}`)).status).toBe(204);
    expect((await h.call('GET', `/api/provider/patients/${p.id}`)).status).toBe(404);
  });

  it('injects faults by status and count, by rate, with latency; DELETE clears them', async () => {
    const added = await harness('POST', '/faults', { status: 503, count: 2, path: '/api/provider/practice' });
    expect(added.status).toBe(200);
    expect((await h.call('GET', '/api/provider/practice')).status).toBe(503);
    const second = await h.call('GET', '/api/provider/practice');
    expect(second.status).toBe(503);
    expect(await second.json()).toEqual({ status: 503, message: 'Service Unavailable' });
    expect((await h.call('GET', '/api/provider/practice')).status).toBe(200);
    await harness('POST', '/faults', { status: 500, rate: 1 });
    expect((await h.call('GET', '/api/provider/patients')).status).toBe(500);
    expect((await harness('GET', '/credentials')).status).toBe(200); // never the harness itself
    expect((await harness('DELETE', '/faults')).status).toBe(204);
    expect((await h.call('GET', '/api/provider/patients')).status).toBe(200);
    await harness('POST', '/faults', { latencyMs: 150, count: 1 });
    const started = Date.now();
    expect((await h.call('GET', '/api/provider/practice')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect((await harness('POST', '/faults', { count: 1 })).status).toBe(422);
    await harness('DELETE', '/faults');
  });

  it('holds back an answer after carrying the request out (latencyAfterMs): the record exists before the client hears', async () => {
    await harness('POST', '/faults', {
      latencyAfterMs: 1500,
      count: 1,
      path: '/api/provider/patients',
      method: 'POST',
    });
    const started = Date.now();
    const answer = h.call('POST', '/api/provider/patients', h.token, { first_name: 'Late', last_name: 'Answer' });
    const seen = await waitFor(async () => {
      const list = (await (await h.call('GET', '/api/provider/patients?limit=100', h.token)).json()) as {
        id: string;
        last_name: string;
      }[];
      return list.find((p) => p.last_name === 'Answer');
    }, 'the patient made before the answer');
    expect(Date.now() - started).toBeLessThan(1500); // there before the answer
    const created = await answer;
    expect(created.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect((await created.json()).id).toBe(seen.id);
  });

  it('controls the clock', async () => {
    const before = await (await harness('GET', '/clock')).json();
    expect(before.frozen).toBe(true);
    const after = await (await harness('POST', '/clock', { advanceMs: 3_600_000 })).json();
    expect(Date.parse(after.now) - Date.parse(before.now)).toBe(3_600_000);
    const set = await (await harness('POST', '/clock', { now: '2027-01-01T00:00:00Z' })).json();
    expect(set.now).toBe('2027-01-01T00:00:00.000Z');
    expect((await harness('POST', '/clock', { advanceMs: -5 })).status).toBe(422);
  });

  it('changes and validates config at runtime', async () => {
    const config = await (await harness('GET', '/config')).json();
    expect(config).toMatchObject({
      rateLimit: 0,
      syncStatusRules: 'inferred',
      muteAfterFailures: 100,
      muteDurationMs: 3_600_000,
    });
    expect(config.retryScheduleMs).toHaveLength(72);
    expect((await harness('PATCH', '/config', { rateLimit: -1 })).status).toBe(422);
    expect((await harness('PATCH', '/config', { noSuchSetting: true })).status).toBe(422);
    expect((await (await harness('GET', '/config')).json()).rateLimit).toBe(0);
  });

  it('sets the partner redirect URL and webhook URL; the legacy partner URL receives events', async () => {
    const rx = await new Receiver(h.creds.webhookSecret).start();
    try {
      const res = await (
        await harness('PATCH', '/partner', { redirectUrl: 'http://127.0.0.1:1/cb?code=', webhookUrl: rx.url })
      ).json();
      expect(res).toMatchObject({ redirectUrl: 'http://127.0.0.1:1/cb?code=', webhookUrl: rx.url });
      const { redirect, code } = await (
        await harness('POST', `/practices/${h.creds.practices[0]?.id}/instanton-code`)
      ).json();
      expect(redirect).toBe(`http://127.0.0.1:1/cb?code=${code}`);
      await harness('POST', `/practices/${h.creds.practices[0]?.id}/patients`, {
        first_name: 'Legacy',
        last_name: 'Url',
      });
      await waitFor(() => rx.ofType('patient.created').length === 1, 'delivery to the partner-level URL');
      expect(rx.received[0]?.verified).toBe(true);
      const partner = await (await h.call('GET', '/api/partner', h.creds.partnerApiKey)).json();
      expect(partner.webhook_url).toBe(rx.url);
      await h.call('PATCH', '/api/partner', h.creds.partnerApiKey, { webhook_url: null });
      expect(await (await harness('GET', '/endpoints')).json()).toEqual([]);
    } finally {
      await rx.close();
    }
  });

  it('lists every delivery attempt', async () => {
    const list = await (await harness('GET', '/deliveries')).json();
    expect(list.length).toBeGreaterThan(0);
    expect(list[0]).toMatchObject({ eventType: 'patient.created', outcome: 'delivered', statusCode: 200, attempt: 1 });
  });

  it('resets to the seed, or re-seeds with another', async () => {
    await h.call('POST', '/api/provider/patients', h.token, { first_name: 'Gone', last_name: 'Soon' });
    const creds = await (await harness('POST', '/reset')).json();
    expect(creds.partnerApiKey).toBe(h.creds.partnerApiKey);
    expect((await h.call('GET', '/api/provider/patients?filter=all')).headers.get('x-total-count')).toBe('7'); // seed 7: seven patients
    expect(await (await harness('GET', '/deliveries')).json()).toEqual([]);
    const reseeded = await (await harness('POST', '/seed', { seed: 25 })).json();
    expect(reseeded.partnerApiKey).not.toBe(h.creds.partnerApiKey);
    const res = await h.call('GET', '/api/provider/patients?filter=all', reseeded.practices[0].accessToken);
    expect(res.headers.get('x-total-count')).toBe('25');
    expect((await h.call('GET', '/api/provider/patients', h.token)).status).toBe(401);
  });
});

describe('tandem emulate hint', () => {
  it('starts the emulator from the CLI and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/tandem.js', 'emulate', 'hint', '--port', '0', '--seed', '3'], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
      });
      const url = await waitFor(() => /listening on (http:\/\/\S+)/.exec(out)?.[1], 'CLI start', 20_000);
      const creds = await (await request(`${url}/_emulator/credentials`)).json();
      const res = await request(`${url}/api/provider/patients?filter=all`, {
        headers: { authorization: `Bearer ${creds.practices[0].accessToken}` },
      });
      expect(res.headers.get('x-total-count')).toBe('3');
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
