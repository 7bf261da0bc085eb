// Sandbox mode: with no Healthengine credentials, Tandem starts the emulator in-process,
// seeds the demo clinic in the default practice, links it, and a booking made on the emulator
// appears in the appointment book.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/db/practices.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { nextMonday, patient, waitFor } from './support.ts';

let hub: TestHub;
let token: string;

beforeAll(async () => {
  hub = await startTestHub({ TANDEM_SANDBOX: 'auto', HINT_PARTNER_API_KEY: 'not-used-in-this-test' });
  const {
    rows: [practice],
  } = await hub.database.db.query('SELECT id FROM practices WHERE is_default');
  token = (await createApiToken(hub.database.db, practice.id, 'sandbox-test')).token;
});
afterAll(async () => {
  await hub?.stop();
}, 120_000);

describe('Healthengine sandbox mode', () => {
  it('starts the emulator, seeds and links the demo clinic, and takes a booking from the harness', async () => {
    const sandbox = await hub.api('GET', '/api/v1/sandbox');
    expect(sandbox.status).toBe(200);
    const url: string = sandbox.body.healthengine.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const api = (method: string, route: string, body?: unknown) => hub.api(method, route, body, {}, token);
    const connection = await waitFor(
      async () => {
        const list = (await api('GET', '/api/v1/healthengine/connections')).body.data;
        return list[0]?.status === 'active' && list[0].lastFullPublishAt ? list[0] : undefined;
      },
      'sandbox linked',
      60_000,
    );
    expect((await api('GET', '/api/v1/practitioners?limit=10')).body.data.length).toBeGreaterThanOrEqual(3);
    // The emulated Healthengine practice is in the demo clinic's time zone (Sydney), not the emulator's default (Perth).
    const hePractice = await fetch(`${url}/_emulator/practices/${connection.healthenginePracticeId}`).then(
      (r) => r.json() as Promise<any>,
    );
    const location = (await api('GET', '/api/v1/locations?limit=10')).body.data.find(
      (l: any) => l.id === connection.settings.locationIds[0],
    );
    expect(location.timeZone).toBe('Australia/Sydney');
    expect(hePractice.timezone).toBe('Australia/Sydney');
    const {
      rows: [{ n }],
    } = await hub.database.db.query(
      'SELECT count(*)::int AS n FROM patients p JOIN practices x ON x.id = p.practice_id WHERE x.is_default',
    );
    expect(n).toBeGreaterThanOrEqual(300);

    const day = nextMonday(3);
    const { body: published } = await fetch(
      `${url}/_emulator/practices/${connection.healthenginePracticeId}/availability?date=${day}`,
    ).then(async (r) => ({ body: (await r.json()) as any }));
    const slot = published.slots[0];
    const booked = await fetch(`${url}/_emulator/practices/${connection.healthenginePracticeId}/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        pmsResourceId: slot.pmsResourceId,
        start: slot.start,
        pmsAppointmentTypeId: slot.pmsAppointmentTypeIds?.[0],
        patient: patient({ firstname: 'Newcomer', lastname: 'Sandbox' }),
      }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    expect(booked.status).toBe(201);
    const appointment = await waitFor(
      async () =>
        (await api('GET', '/api/v1/appointments?limit=50')).body.data.find(
          (a: any) => a.external?.healthengine?.bookingId === booked.body.bookingId,
        ),
      'appointment appears',
      30_000,
    );
    expect(appointment.resourceId).toBe(slot.pmsResourceId);
  });
});
