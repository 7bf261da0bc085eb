// Kill the worker mid-booking (SIGKILL while its confirmInsert is in flight), start Tandem
// again on the same database: the booking is confirmed exactly once, with one appointment.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startEmulator } from '../../src/emulators/healthengine/index.ts';
import type { RunningEmulator } from '../../src/emulators/shared/types.ts';
import { createLogger } from '../../src/logger.ts';
import { startTandem, type RunningTandem } from '../../src/main.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { nextMonday, patient, TZ, USER_AGENT, waitFor } from './support.ts';

const TOKEN = 'crash-test-bootstrap-token-0123456789';
let emulator: RunningEmulator | undefined;
let database: TestDatabase | undefined;
let child: ChildProcess | undefined;
let tandem: RunningTandem | undefined;

afterAll(async () => {
  child?.kill('SIGKILL');
  await emulator?.close();
  await tandem?.stop();
  await database?.drop();
}, 120_000);

async function spawnTandem(env: Record<string, string>): Promise<string> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'tandem-crash-'));
  child = spawn(process.execPath, ['bin/tandem.js', 'start'], {
    env: { ...process.env, ...env, PORT: '0', TANDEM_HOME: home, TANDEM_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child!.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)".*Tandem listening/.exec(out);
      if (match) resolve(match[1]!);
    });
    child!.once('exit', (code) => reject(new Error(`tandem exited (${code})`)));
  });
}

describe('Healthengine booking across a crash', () => {
  it('kill the worker mid-booking and restart: the booking is confirmed exactly once', async () => {
    emulator = await startEmulator({ logger: false });
    const harness = async (method: string, p: string, body?: unknown) => {
      const r = await fetch(`${emulator!.url}${p}`, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : undefined };
    };
    const { body: creds } = await harness('GET', '/_emulator/credentials');
    const he = (await harness('POST', '/_emulator/practices', { timezone: TZ })).body;
    database = await createTestDatabase();
    const env = {
      DATABASE_URL: database.url,
      TANDEM_BOOTSTRAP_TOKEN: TOKEN,
      TANDEM_SECRET_KEY: 'ab'.repeat(32),
      TANDEM_SANDBOX: 'off',
      NODE_ENV: 'test',
      HEALTHENGINE_API_URL: emulator.url,
      HEALTHENGINE_API_KEY: creds.apiKey,
      HEALTHENGINE_USER_AGENT: USER_AGENT,
    };
    const url = await spawnTandem(env);
    const api = async (base: string, method: string, route: string, body?: unknown) => {
      const r = await fetch(`${base}${route}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: r.status, body: (await r.json()) as any };
    };
    const location = (await api(url, 'POST', '/api/v1/locations', { name: 'Crash Clinic', timeZone: TZ })).body;
    const practitioner = (await api(url, 'POST', '/api/v1/practitioners', { firstName: 'Crash', lastName: 'Test' }))
      .body;
    const resource = (
      await api(url, 'POST', '/api/v1/resources', {
        locationId: location.id,
        kind: 'practitioner',
        practitionerId: practitioner.id,
        name: 'Dr Crash',
      })
    ).body;
    await api(url, 'POST', '/api/v1/schedules', {
      resourceId: resource.id,
      weeklyHours: [1, 2, 3, 4, 5].map((dayOfWeek) => ({ dayOfWeek, start: '09:00', end: '17:00' })),
    });
    await api(url, 'POST', '/api/v1/appointment-types', { name: 'Consult', durationMinutes: 15 });
    const created = await api(url, 'POST', '/api/v1/healthengine/connections', {
      practiceId: he.practiceId,
      practiceKey: he.practiceKey,
      locationIds: [location.id],
      settings: { webhooks: false },
    });
    expect(created.status).toBe(201);
    const connection = created.body;
    await waitFor(
      async () => {
        const c = (await api(url, 'GET', `/api/v1/healthengine/connections/${connection.id}`)).body;
        return c.status === 'active' && c.lastFullPublishAt;
      },
      'linked',
      45_000,
    );

    // confirmInsert will hang for 4 s: the appointment is written, the confirmation is in flight.
    await harness('POST', '/_emulator/faults', { latencyMs: 4000, path: '/confirmInsert', count: 1 });
    const booked = await harness('POST', `/_emulator/practices/${he.practiceId}/bookings`, {
      pmsResourceId: resource.id,
      start: `${nextMonday(3)} 10:00:00`,
      patient: patient(),
    });
    expect(booked.status).toBe(201);
    const bookingId = booked.body.bookingId;
    await waitFor(
      async () =>
        (
          await database!.db.query(`SELECT 1 FROM appointments WHERE external->'healthengine'->>'bookingId' = $1`, [
            String(bookingId),
          ])
        ).rowCount === 1,
      'appointment written',
      30_000,
    );
    child!.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    child = undefined;

    const home = await mkdtemp(path.join(os.tmpdir(), 'tandem-crash-'));
    tandem = await startTandem(
      loadConfig({ ...env, PORT: '0', TANDEM_HOME: home, TANDEM_LOG_LEVEL: 'silent' }),
      createLogger('silent'),
    );
    const booking = await waitFor(
      async () => {
        const b = (await harness('GET', `/_emulator/practices/${he.practiceId}/bookings/${bookingId}`)).body;
        return b.insert === 'confirmed' ? b : undefined;
      },
      'confirmed',
      60_000,
    );
    const { rows } = await database.db.query(
      `SELECT id FROM appointments WHERE external->'healthengine'->>'bookingId' = $1`,
      [String(bookingId)],
    );
    expect(rows).toHaveLength(1);
    expect(booking.pmsAppointmentIds).toEqual([rows[0].id]);
    expect(booking.history.filter((h: any) => h.event === 'insert-confirmed')).toHaveLength(1);
    // Tandem keeps answering afterwards: nothing is left pending.
    await waitFor(
      async () => (await harness('GET', `/_emulator/practices/${he.practiceId}/requests`)).body.pending.length === 0,
      'queue empty',
      30_000,
    );
  }, 180_000);
});
