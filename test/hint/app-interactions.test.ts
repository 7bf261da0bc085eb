// Healthengine bookings become Hint partner interactions, in sandbox mode (both emulators
// in-process, the default practice connected to both, as `npm start` runs it): a booking made
// on Healthengine for a Hint-linked patient shows on that patient's Hint chart as a draft
// interaction, which is signed when the appointment is marked attended in Tandem, and a
// re-sent change never makes a second one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/db/practices.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { nextMonday, patient } from '../healthengine/support.ts';
import { launchChromium, waitFor } from './support.ts';
import { mkdir } from 'node:fs/promises';

let hub: TestHub;
let api: (method: string, route: string, body?: unknown) => ReturnType<TestHub['api']>;
let hintUrl: string;
let heUrl: string;
let hintToken: string;
let practiceId: string;

const json = async (url: string, init?: RequestInit) => {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as any };
};

async function interactionsOf(hintPatientId: string): Promise<any[]> {
  const res = await json(`${hintUrl}/api/provider/interactions?patient_id[]=${hintPatientId}`, {
    headers: { authorization: `Bearer ${hintToken}` },
  });
  return res.body.filter((i: any) => i.type === 'partner');
}

beforeAll(async () => {
  hub = await startTestHub({ TANDEM_SANDBOX: 'on' });
  const {
    rows: [practice],
  } = await hub.database.db.query('SELECT id FROM practices WHERE is_default');
  practiceId = practice.id;
  const token = (await createApiToken(hub.database.db, practice.id, 'interactions-test')).token;
  api = (method, route, body) => hub.api(method, route, body, {}, token);
  const sandbox = (await api('GET', '/api/v1/sandbox')).body;
  hintUrl = sandbox.hint.url;
  heUrl = sandbox.healthengine.url;
  const creds = (await json(`${hintUrl}/_emulator/credentials`)).body;
  hintToken = creds.practices[0].accessToken;
}, 120_000);
afterAll(async () => {
  await hub?.stop();
}, 120_000);

describe('Healthengine bookings as Hint partner interactions', () => {
  it('drafts an interaction for a booking, signs it when attended, and never makes a second', async () => {
    const he = await waitFor(
      async () => {
        const list = (await api('GET', '/api/v1/healthengine/connections')).body.data;
        return list[0]?.status === 'active' && list[0].lastFullPublishAt ? list[0] : undefined;
      },
      'Healthengine sandbox linked',
      60_000,
    );
    // A Tandem patient linked in Hint (the sandbox's initial sync brought Hint's patients in).
    const linked = await waitFor(
      async () => {
        const page = (await api('GET', '/api/v1/patients?limit=100')).body.data as any[];
        // One Healthengine can book as the same person: an Australian mobile, an email, an address.
        return page.find(
          (p) =>
            p.links.some((l: any) => l.system === 'hint' && l.status === 'synced') &&
            p.dob &&
            p.email &&
            p.address?.city &&
            /^\+614\d{8}$/.test(p.phones?.[0]?.number ?? ''),
        );
      },
      'a Hint-linked patient',
      60_000,
    );
    const hintPatientId = linked.links.find((l: any) => l.system === 'hint').remoteId;

    const day = nextMonday(3);
    const published = (await json(`${heUrl}/_emulator/practices/${he.healthenginePracticeId}/availability?date=${day}`))
      .body;
    const slot = published.slots[0];
    const booked = await json(`${heUrl}/_emulator/practices/${he.healthenginePracticeId}/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        pmsResourceId: slot.pmsResourceId,
        start: slot.start,
        pmsAppointmentTypeId: slot.pmsAppointmentTypeIds?.[0],
        patient: patient({
          firstname: linked.firstName,
          lastname: linked.lastName,
          dob: linked.dob,
          email: linked.email,
          phone: `0${linked.phones[0].number.slice(3)}`,
          address: linked.address.line1,
          suburb: linked.address.city,
          state: linked.address.state,
          postcode: linked.address.postcode,
          gender: linked.sex === 'male' ? 'Male' : 'Female',
        }),
      }),
    });
    expect(booked.status).toBe(201);
    const appointment = await waitFor(
      async () =>
        ((await api('GET', `/api/v1/appointments?limit=200`)).body.data as any[]).find(
          (a) => a.external?.healthengine?.bookingId === booked.body.bookingId,
        ),
      'the booking in the appointment book',
      30_000,
    );
    expect(appointment.patientId).toBe(linked.id);

    const draft = await waitFor(
      async () => (await interactionsOf(hintPatientId)).find((i) => i.integration_record_id === appointment.id),
      'a draft partner interaction in Hint',
    );
    expect(draft.status).toBe('draft');
    expect(draft.integration_web_link).toBe(`${hub.url}/appointments/${appointment.id}`);
    expect(draft.title).toMatch(/^Healthengine booking/);

    const attended = await api('PATCH', `/api/v1/appointments/${appointment.id}`, { status: 'attended' });
    expect(attended.status).toBe(200);
    const signed = await waitFor(
      async () => (await interactionsOf(hintPatientId)).find((i) => i.id === draft.id && i.status === 'signed'),
      'the interaction signed',
    );
    expect(signed.title).toMatch(/attended/);

    // A change that does not alter what the chart shows, and a re-queued push: still one interaction.
    await api('PATCH', `/api/v1/appointments/${appointment.id}`, { notes: 'bring referral' });
    await hub.database.db.query(`SELECT graphile_worker.add_job('hint:push-interaction', $1::json)`, [
      JSON.stringify({
        practiceId,
        connectionId: linked.links.find((l: any) => l.system === 'hint').connectionId,
        appointmentId: appointment.id,
      }),
    ]);
    await waitFor(
      async () =>
        Number(
          (
            await hub.database.db.query(
              `SELECT count(*) FROM graphile_worker.jobs WHERE task_identifier = 'hint:push-interaction'`,
            )
          ).rows[0].count,
        ) === 0,
      'the re-queued push done',
    );
    const all = (await interactionsOf(hintPatientId)).filter((i) => i.integration_record_id === appointment.id);
    expect(all).toHaveLength(1);
    const links = await hub.database.db.query(
      `SELECT status, remote_id FROM links WHERE entity_kind = 'appointment' AND local_id = $1 AND remote_id LIKE 'inter-%'`,
      [appointment.id],
    );
    expect(links.rows).toEqual([{ status: 'synced', remote_id: draft.id }]);

    // The appointment's links in the API show the interaction, and Hint's interaction surface opens on it.
    const withLinks = (await api('GET', `/api/v1/appointments/${appointment.id}`)).body;
    expect(withLinks.links).toEqual(
      expect.arrayContaining([expect.objectContaining({ system: 'hint', remoteId: draft.id, status: 'synced' })]),
    );
    const creds = (await json(`${hintUrl}/_emulator/credentials`)).body;
    const browser = await launchChromium();
    try {
      await mkdir('test-artifacts/screenshots', { recursive: true });
      const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
      const query = new URLSearchParams({
        practice: creds.practices[0].id,
        patient: hintPatientId,
        surface: 'clinical_interaction',
        interaction: draft.id,
        roles: 'tandem_clinician',
      });
      await page.goto(`${hintUrl}/_emulator/embed?${query}`);
      const app = page.frameLocator('#app');
      await app.getByTestId('appointment').getByText('attended').waitFor();
      await app.getByRole('link', { name: 'Open the appointment in Tandem' }).waitFor();
      expect(await app.getByRole('link', { name: 'Open the appointment in Tandem' }).getAttribute('href')).toBe(
        `${hub.url}/appointments/${appointment.id}`,
      );
      await page.screenshot({ path: 'test-artifacts/screenshots/hint-app-interaction.png' });
    } finally {
      await browser.close();
    }
  });
});
