// The harness and the entry points: credentials, seeds, practices, clock, faults, reset, startEmulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../../src/emulators/healthengine/index.ts';
import { validateAgainstSpec } from '../../../src/emulators/healthengine/spec.ts';
import { startHealthengine, type TestEmulator } from './helpers.ts';

let t: TestEmulator;
beforeAll(async () => {
  t = await startHealthengine();
});
afterAll(async () => {
  await t.close();
});

describe('entry points', () => {
  it('startEmulator listens on 127.0.0.1, seeds deterministically, and closes', async () => {
    const a = await startEmulator({ port: 0, seed: 7 });
    const b = await startEmulator({ port: 0, seed: 7 });
    const c = await startEmulator({ port: 0 });
    try {
      expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      type Creds = { apiKey: string; practices: Array<{ timezone: string }> };
      const creds = async (url: string) => (await (await fetch(`${url}/_emulator/credentials`)).json()) as Creds;
      const ca = await creds(a.url),
        cb = await creds(b.url),
        cc = await creds(c.url);
      expect(ca).toEqual(cb);
      expect(ca.practices).toHaveLength(2);
      expect(cc.practices).toHaveLength(1);
      expect(['Australia/Perth', 'Australia/Sydney']).toContain(cc.practices[0]?.timezone);
      expect(ca.apiKey).not.toBe(cc.apiKey);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('--time-scale runs emulated time faster: the 20-s auto-confirm comes after ~20 ms at 1000×', async () => {
    const running = await startEmulator({ port: 0, timeScale: 1000 });
    try {
      const creds = (await (await fetch(`${running.url}/_emulator/credentials`)).json()) as {
        apiKey: string;
        practices: Array<{ practiceId: string; practiceKey: string }>;
      };
      const p = creds.practices[0];
      if (!p) throw new Error('no practice');
      const headers = {
        'api-key': creds.apiKey,
        'practice-id': p.practiceId,
        'practice-key': p.practiceKey,
        'content-type': 'application/json',
      };
      const post = (path: string, body: unknown) =>
        fetch(`${running.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      await fetch(`${running.url}/_emulator/config`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ pollGapRule: false }),
      });
      await post('/config/pmsResources/snapshot', [{ pmsResourceId: 'r1', pmsResourceName: 'R' }]);
      const date = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
      await post('/availability/snapshot', {
        date,
        pmsResourceId: 'r1',
        availability: [{ start: '09:00', end: '10:00', slotLength: 900 }],
      });
      const booked = await fetch(`${running.url}/_emulator/practices/${p.practiceId}/bookings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          pmsResourceId: 'r1',
          start: `${date} 09:00:00`,
          patient: { firstname: 'A', lastname: 'B', dob: '1990-01-01' },
        }),
      });
      const { bookingId } = (await booked.json()) as { bookingId: number };
      await new Promise((r) => setTimeout(r, 300));
      const state = (await (
        await fetch(`${running.url}/_emulator/practices/${p.practiceId}/bookings/${bookingId}`)
      ).json()) as { bookingStatus: string; pending: boolean };
      expect(state).toMatchObject({ bookingStatus: 'Confirmed', pending: true });
    } finally {
      await running.close();
    }
  });

  it('--rate-limit answers 429 {"error"} beyond N requests per second (off by default)', async () => {
    const running = await startEmulator({ port: 0, rateLimit: 2 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${running.url}/requests`)).status);
      expect(statuses.slice(0, 2)).toEqual([401, 401]);
      expect(statuses[2]).toBe(429);
    } finally {
      await running.close();
    }
  });

  it('validateAgainstSpec checks a connector request against openapi.yaml', () => {
    expect(
      validateAgainstSpec('POST', '/bookings/12/confirmInsert', { pmsAppointmentIds: ['1'], pmsPatientId: 'p' }),
    ).toEqual({ ok: true });
    expect(
      validateAgainstSpec('POST', '/bookings/12/confirmInsert', { pmsAppointmentIds: [1], pmsPatientId: 'p' }),
    ).toEqual({ ok: false, error: 'pmsAppointmentIds[0] must be of type string' });
    expect(validateAgainstSpec('GET', '/nope')).toMatchObject({ ok: false });
  });
});

describe('harness', () => {
  it('adds a practice with consent that can call the API at once', async () => {
    const res = await t.harness('POST', '/practices', { timezone: 'Australia/Sydney', name: 'Test Clinic' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ timezone: 'Australia/Sydney', consentActive: true });
    const call = await t.api('GET', '/requests', undefined, { practice: res.body });
    expect(call.status).toBe(200);
    expect((await t.harness('POST', '/practices', { practiceId: res.body.practiceId })).status).toBe(409);
    expect((await t.harness('POST', '/practices', { timezone: 'Mars/Olympus' })).body.error).toMatch(/^timezone/);
    expect((await t.harness('GET', '/credentials')).body.practices).toHaveLength(2);
  });

  it('moves the clock and reports it', async () => {
    const before = (await t.harness('GET', '/clock')).body;
    expect(before).toMatchObject({ now: '2026-03-02T01:00:00.000Z', frozen: true });
    const after = await t.harness('POST', '/clock', { advanceSeconds: 90 });
    expect(after.body.now).toBe('2026-03-02T01:01:30.000Z');
    expect((await t.harness('POST', '/clock', { advanceMs: -1 })).status).toBe(400);
  });

  it('injects faults on API routes only', async () => {
    expect((await t.harness('POST', '/faults', { status: 503, count: 1, path: '/requests' })).status).toBe(201);
    const failed = await fetch(`${t.url}/requests`);
    expect(failed.status).toBe(503);
    expect((await t.api('GET', '/requests')).status).toBe(200);
    expect((await t.harness('POST', '/faults', { count: 1 })).status).toBe(400);
  });

  it('validates configuration changes', async () => {
    expect((await t.harness('POST', '/config', { perPage: 0 })).status).toBe(400);
    expect((await t.harness('POST', '/config', { nonsense: true })).status).toBe(400);
    expect((await t.harness('POST', '/config', { dobFormat: 'YYYY-MM-DD' })).body.dobFormat).toBe('YYYY-MM-DD');
  });

  it('reset restores the seeded state', async () => {
    const reset = await t.harness('POST', '/reset', {});
    expect(reset.body.practices).toHaveLength(1);
    expect(reset.body.practices[0].practiceId).toBe(t.practiceId);
    expect((await t.harness('GET', '/config')).body.dobFormat).toBe('DD-MM-YYYY');
  });

  it('simulated patient traffic books free published slots at the set rate, and stops', async () => {
    await t.harness('POST', '/reset', {});
    await t.api('POST', '/config/pmsResources/snapshot', [{ pmsResourceId: 'r1', pmsResourceName: 'R' }]);
    await t.api('POST', '/availability/snapshot', {
      date: '2026-03-03',
      pmsResourceId: 'r1',
      availability: [{ start: '09:00', end: '17:00', slotLength: 900 }],
    });
    expect((await t.harness('PUT', `/practices/${t.practiceId}/traffic`, { bookingsPerHour: 60 })).status).toBe(200);
    await t.advance(5 * 60_000);
    const traffic = (await t.harness('GET', `/practices/${t.practiceId}/traffic`)).body.traffic;
    expect(traffic, JSON.stringify(traffic)).toMatchObject({ booked: 5, missed: 0 });
    const pending = await t.api('GET', '/requests/bookings');
    expect(pending.body.page.total).toBe(5);
    expect(new Set(pending.body.data.map((b: { pmsAppointmentTime: string }) => b.pmsAppointmentTime)).size).toBe(5);
    expect((await t.harness('DELETE', `/practices/${t.practiceId}/traffic`)).status).toBe(204);
    await t.advance(5 * 60_000);
    expect((await t.api('GET', '/requests/bookings')).body.page.total).toBe(5);
  });

  it('404s unknown practices', async () => {
    expect((await t.harness('GET', '/practices/nope/health')).status).toBe(404);
  });
});
