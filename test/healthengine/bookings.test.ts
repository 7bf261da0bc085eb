// Go-live scenarios E–H (requests, webhooks, patient matching, booking edge cases) and the
// booking rules of issue 7, against the Healthengine emulator over real HTTP and Tandem on a
// real PostgreSQL. One hub and one emulator for the file; each test books its own times.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../../src/jobs/queue.ts';
import {
  appointmentsOf,
  book,
  bookingOf,
  connectionOf,
  expectQueuesEmpty,
  nextMonday,
  patient,
  startLinkedClinic,
  waitBooking,
  waitFor,
  type Clinic,
  type HeEnv,
} from './support.ts';

let env: HeEnv;
let clinic: Clinic;
let he: { practiceId: string; practiceKey: string };
let connectionId: string;
const day = nextMonday(3);

const bookAt = (time: string, over: Record<string, unknown> = {}, practiceId = he.practiceId, resource = 0) =>
  book(env, practiceId, {
    pmsResourceId: clinic.resourceIds[resource],
    pmsAppointmentTypeId: clinic.typeIds[0],
    start: `${day} ${time}:00`,
    ...over,
  });

async function createPatient(body: Record<string, unknown>): Promise<string> {
  const r = await env.hub.api('POST', '/api/v1/patients', body);
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  return r.body.id;
}

async function appointmentFor(bookingId: number): Promise<any> {
  return waitFor(
    async () => (await appointmentsOf(env)).find((a) => a.external?.healthengine?.bookingId === bookingId),
    'appointment',
  );
}

beforeAll(async () => {
  ({ env, clinic, he, connectionId } = await startLinkedClinic());
});
afterAll(async () => {
  await env?.stop();
}, 120_000);
// Every scenario ends with Healthengine's queue empty: each request answered in a way Healthengine took.
// (Its wait is shorter than the hook's timeout, so a failure names the requests still pending.)
afterEach(async () => {
  await expectQueuesEmpty(env);
}, 60_000);

describe('Healthengine bookings', () => {
  it('scenario 18: a webhook payload is acknowledged within 5 s, and the booking is in the appointment book within seconds', async () => {
    const { bookingId, status } = await bookAt('09:00', {
      reason: 'Sore throat\nSince Monday',
      telehealthUrl: 'https://video.example/abc',
    });
    expect(status).toBe(201);
    const confirmed = await waitBooking(env, he.practiceId, bookingId!, 'confirmed');
    const deliveries = (await env.harness('GET', `/_emulator/webhooks?practiceId=${he.practiceId}`)).body.filter(
      (d: any) => d.payload.data.bookingId === bookingId,
    );
    expect(deliveries[0]).toMatchObject({ attempt: 1, ok: true, status: 200 });
    const appointment = await appointmentFor(bookingId!);
    expect(confirmed.pmsAppointmentIds).toEqual([appointment.id]);
    expect(confirmed.pmsPatientId).toBe(appointment.patientId);
    expect(appointment).toMatchObject({
      resourceId: clinic.resourceIds[0],
      appointmentTypeId: clinic.typeIds[0],
      status: 'booked',
      source: 'healthengine',
      reason: 'Sore throat\nSince Monday',
    });
    expect(appointment.external.healthengine).toMatchObject({
      bookingId,
      practiceId: he.practiceId,
      telehealthUrl: 'https://video.example/abc',
    });
    expect(Date.parse(appointment.end) - Date.parse(appointment.start)).toBe(15 * 60_000);
    // That day is republished without the booked time.
    await waitFor(async () => {
      const slots = (await env.harness('GET', `/_emulator/practices/${he.practiceId}/availability?date=${day}`)).body
        .slots;
      return (
        !slots.some((s: any) => s.pmsResourceId === clinic.resourceIds[0] && s.start === `${day} 09:00:00`) &&
        slots.some((s: any) => s.start === `${day} 09:15:00`)
      );
    }, 'day republished');
  });

  it('scenario 19: a payload is acknowledged within three attempts (a failed first attempt, then the retry); repeats are processed once', async () => {
    const url = `${env.hub.url}/webhooks/healthengine/${connectionId}`;
    const {
      body: [delivery],
    } = await env.harness('GET', `/_emulator/webhooks?practiceId=${he.practiceId}`);
    const secretUrl = delivery.callbackUrl as string;
    expect(secretUrl.startsWith(url)).toBe(true);
    for (let attempt = 0; attempt < 3; attempt++) {
      const r = await fetch(secretUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(delivery.payload),
      });
      expect(r.status).toBe(200);
    }
    const { rows } = await env.hub.database.db.query(
      'SELECT count(*)::int AS n FROM inbox WHERE connection_id = $1 AND payload = $2::jsonb',
      [connectionId, JSON.stringify(delivery.payload)],
    );
    expect(rows[0].n).toBe(1);
    const wrong = await fetch(`${url}/not-the-secret`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(delivery.payload),
    });
    expect(wrong.status).toBe(404);

    // Healthengine's first attempt fails (it times out); its retry 10 s later (emulator clock) is acknowledged.
    await env.harness('POST', '/_emulator/config', { webhookTimeoutMs: 1 });
    const raised = await env.harness('POST', `/_emulator/practices/${he.practiceId}/requests`, {
      type: 'availability',
      day,
      pmsResourceId: clinic.resourceIds[0],
    });
    const forRequest = async () =>
      (await env.harness('GET', `/_emulator/webhooks?practiceId=${he.practiceId}`)).body.filter(
        (d: any) => d.payload.data.requestId === raised.body.requestId,
      );
    await waitFor(async () => (await forRequest()).some((d: any) => d.attempt === 1 && !d.ok), 'first attempt failed');
    await env.harness('POST', '/_emulator/config', { webhookTimeoutMs: 5000 });
    await env.harness('POST', '/_emulator/clock', { advanceSeconds: 10 });
    const second = await waitFor(async () => (await forRequest()).find((d: any) => d.attempt === 2), 'second attempt');
    expect(second).toMatchObject({ ok: true, status: 200 });
    await waitFor(
      async () =>
        !(await env.harness('GET', `/_emulator/practices/${he.practiceId}/requests`)).body.pending.some(
          (i: any) => i.requestId === raised.body.requestId,
        ),
      'request resolved',
    );
  });

  it('scenario 22: a patient who already exists is matched, not duplicated', async () => {
    const existing = await createPatient({
      firstName: 'Robin',
      lastName: 'Existing',
      dob: '1979-07-02',
      email: 'robin.existing@example.com',
      phones: [{ type: 'mobile', number: '0412 111 222' }],
    });
    const { bookingId } = await bookAt('09:30', {
      patient: patient({
        firstname: 'Robin',
        lastname: 'Existing',
        dob: '02-07-1979',
        email: 'robin.existing@example.com',
        phone: '0412 111 222',
      }),
    });
    const b = await waitBooking(env, he.practiceId, bookingId!, 'confirmed');
    expect(b.pmsPatientId).toBe(existing);
  });

  it('scenario 23: an existing patient whose surname changed and whose phone has a typo (new email, new address) is still matched', async () => {
    const existing = await createPatient({
      firstName: 'Taylor',
      lastName: 'Maiden',
      dob: '1988-11-23',
      sex: 'female',
      email: 'taylor.m@example.com',
      phones: [{ type: 'mobile', number: '0413 222 333' }],
      address: { line1: '4 Old Rd', city: 'Newtown', state: 'NSW', postcode: '2042' },
    });
    const { bookingId } = await bookAt('10:00', {
      patient: patient({
        firstname: 'Taylor',
        lastname: 'Married',
        dob: '23-11-1988',
        email: 'taylor.married@newmail.com',
        phone: '0413 222 332',
        address: '9 New St',
        suburb: 'Glebe',
        postcode: '2037',
      }),
    });
    expect((await waitBooking(env, he.practiceId, bookingId!, 'confirmed')).pmsPatientId).toBe(existing);
  });

  it('scenario 24: details in odd formats or misspelt are normalised and fuzzy-matched', async () => {
    const existing = await createPatient({
      firstName: 'Catherine',
      lastName: "O'Neill",
      dob: '1990-01-31',
      email: 'cath.oneill@example.com',
      phones: [{ type: 'mobile', number: '+61414333444' }],
    });
    const { bookingId } = await bookAt('10:30', {
      patient: patient({
        firstname: '  CATHERIN ',
        lastname: 'oneill',
        dob: '31-01-1990',
        email: 'Cath.ONeill@Example.COM ',
        phone: '(04) 1433 3444',
      }),
    });
    expect((await waitBooking(env, he.practiceId, bookingId!, 'confirmed')).pmsPatientId).toBe(existing);
  });

  it('a new patient is created; an ambiguous one becomes a new patient flagged for review, never auto-linked', async () => {
    const { bookingId } = await bookAt('11:00', {
      patient: patient({
        firstname: 'Brand',
        lastname: 'Newperson',
        dob: '2001-05-05',
        email: 'brand.new@example.com',
        phone: '0415 999 000',
      }),
    });
    const b = await waitBooking(env, he.practiceId, bookingId!, 'confirmed');
    const created = (await env.hub.api('GET', `/api/v1/patients/${b.pmsPatientId}`)).body;
    expect(created).toMatchObject({
      firstName: 'Brand',
      lastName: 'Newperson',
      dob: '2001-05-05',
      email: 'brand.new@example.com',
    });

    const twinA = await createPatient({
      firstName: 'Casey',
      lastName: 'Twin',
      dob: '1995-09-09',
      email: 'casey.a@example.com',
      phones: [{ type: 'mobile', number: '0416 000 001' }],
    });
    const twinB = await createPatient({
      firstName: 'Casey',
      lastName: 'Twin',
      dob: '1995-09-09',
      email: 'casey.b@example.com',
      phones: [{ type: 'mobile', number: '0416 000 002' }],
    });
    const second = await bookAt('11:30', {
      patient: patient({
        firstname: 'Casey',
        lastname: 'Twin',
        dob: '09-09-1995',
        email: 'casey@elsewhere.com',
        phone: '0416 000 009',
        address: '',
        suburb: '',
      }),
    });
    const c = await waitBooking(env, he.practiceId, second.bookingId!, 'confirmed');
    expect([twinA, twinB]).not.toContain(c.pmsPatientId);
    const { rows } = await env.hub.database.db.query(
      `SELECT local_id, status, candidates FROM match_reviews WHERE connection_id = $1 AND remote_id = $2`,
      [connectionId, `booking:${second.bookingId}`],
    );
    expect(rows[0]).toMatchObject({ local_id: c.pmsPatientId, status: 'pending' });
    expect(rows[0].candidates.map((x: any) => x.id).sort()).toEqual([twinA, twinB].sort());

    // Configured otherwise: an ambiguous patient's booking is rejected instead.
    await env.hub.api('PATCH', `/api/v1/healthengine/connections/${connectionId}`, {
      settings: { ambiguousPatients: 'reject-booking' },
    });
    const third = await bookAt('15:00', {
      patient: patient({
        firstname: 'Casey',
        lastname: 'Twin',
        dob: '09-09-1995',
        email: 'casey@third.com',
        phone: '0416 000 008',
        address: '',
        suburb: '',
      }),
    });
    const r = await waitBooking(env, he.practiceId, third.bookingId!, 'rejected');
    expect(r.rejectReason).toContain('could not be identified unambiguously');
    await env.hub.api('PATCH', `/api/v1/healthengine/connections/${connectionId}`, {
      settings: { ambiguousPatients: 'new-patient-for-review' },
    });
  });

  it('a cancellation on Healthengine cancels the appointment (confirmUpdate); Tandem-side cancellation and DNA are pushed at once; pmsAppointmentChanges is answered from the state', async () => {
    const one = await bookAt('12:00');
    await waitBooking(env, he.practiceId, one.bookingId!, 'confirmed');
    const appointment = await appointmentFor(one.bookingId!);
    await env.harness('POST', `/_emulator/practices/${he.practiceId}/bookings/${one.bookingId}/cancel`);
    await waitFor(
      async () => (await env.hub.api('GET', `/api/v1/appointments/${appointment.id}`)).body.status === 'cancelled',
      'appointment cancelled',
    );
    await waitFor(
      async () =>
        (await bookingOf(env, he.practiceId, one.bookingId!)).history.some((h: any) => h.event === 'update-confirmed'),
      'update confirmed',
    );

    const two = await bookAt('12:30');
    await waitBooking(env, he.practiceId, two.bookingId!, 'confirmed');
    const a2 = await appointmentFor(two.bookingId!);
    await env.hub.api('PATCH', `/api/v1/appointments/${a2.id}`, { status: 'cancelled' });
    await waitFor(
      async () => (await bookingOf(env, he.practiceId, two.bookingId!)).cancelledBy === 'pms',
      'cancel pushed',
    );

    const three = await bookAt('13:00');
    await waitBooking(env, he.practiceId, three.bookingId!, 'confirmed');
    const a3 = await appointmentFor(three.bookingId!);
    await env.hub.api('PATCH', `/api/v1/appointments/${a3.id}`, { status: 'did_not_attend' });
    await waitFor(
      async () => (await bookingOf(env, he.practiceId, three.bookingId!)).didNotAttend === true,
      'DNA pushed',
    );

    const four = await bookAt('13:30');
    await waitBooking(env, he.practiceId, four.bookingId!, 'confirmed');
    await env.harness('POST', `/_emulator/practices/${he.practiceId}/requests`, {
      type: 'pmsAppointmentChanges',
      bookingId: four.bookingId,
    });
    await env.hub.api('PATCH', `/api/v1/healthengine/connections/${connectionId}`, {
      settings: { pollSecondsWithWebhook: 5 },
    });
    await waitFor(
      async () =>
        (await bookingOf(env, he.practiceId, four.bookingId!)).history.some(
          (h: any) => h.event === 'no-pms-appointment-change',
        ),
      'no change answered',
    );
  });

  it('a database failure reading the appointment retries the push; it never cancels the booking at Healthengine', async () => {
    const booked = await bookAt('15:00');
    await waitBooking(env, he.practiceId, booked.bookingId!, 'confirmed');
    const appointment = await appointmentFor(booked.bookingId!);
    const db = env.hub.database.db;
    // A real failure, not a mock: the appointments table is out of reach (as in a botched
    // migration), so reading the appointment fails with undefined_table.
    // graphile-worker's public view has no payload: find the push jobs of this appointment in its table.
    const pushJobs = `SELECT j.id, j.attempts, j.last_error FROM graphile_worker._private_jobs j
      JOIN graphile_worker._private_tasks t ON t.id = j.task_id
      WHERE t.identifier = 'healthengine:push-appointment' AND j.payload->>'appointmentId' = $1`;
    await db.query('ALTER TABLE appointments RENAME TO appointments_out_of_reach');
    try {
      await enqueue(db, 'healthengine:push-appointment', {
        practiceId: env.hub.practiceId,
        connectionId,
        appointmentId: appointment.id,
      });
      const failed = await waitFor(async () => {
        const { rows } = await db.query(`${pushJobs} AND j.last_error IS NOT NULL`, [appointment.id]);
        return rows[0];
      }, 'the push to fail and be retried');
      expect(failed.last_error).toContain('appointments');
      const atHealthengine = await bookingOf(env, he.practiceId, booked.bookingId!);
      expect(atHealthengine.status).not.toBe('Cancelled');
      expect(atHealthengine.cancelledBy ?? null).toBeNull();
    } finally {
      await db.query('ALTER TABLE appointments_out_of_reach RENAME TO appointments');
    }
    // Once the database is back, the retry reads a booked appointment and pushes nothing.
    await db.query(`SELECT graphile_worker.reschedule_jobs(array_agg(p.id), run_at => now()) FROM (${pushJobs}) p`, [
      appointment.id,
    ]);
    await waitFor(async () => {
      const { rows } = await db.query(pushJobs, [appointment.id]);
      return rows.length === 0;
    }, 'the retry to complete');
    expect((await bookingOf(env, he.practiceId, booked.bookingId!)).status).not.toBe('Cancelled');
    expect((await env.hub.api('GET', `/api/v1/appointments/${appointment.id}`)).body.status).toBe('booked');
  });

  it('scenario 26: a booking-related request for a booking Tandem does not know is rejected', async () => {
    // A booking Tandem rejected (its patient has no usable name) exists on Healthengine only.
    const ghost = await bookAt('14:00', { patient: patient({ firstname: ' ', lastname: 'X' }) });
    const rejected = await waitBooking(env, he.practiceId, ghost.bookingId!, 'rejected');
    expect(rejected.rejectReason).toBe('The booking has no usable patient name');
    expect(rejected.rejectedLate).toBe(false);
    const raised = await env.harness('POST', `/_emulator/practices/${he.practiceId}/requests`, {
      type: 'bookingUpdates',
      bookingId: ghost.bookingId,
      bookingStatus: 'Cancelled',
    });
    expect(raised.status).toBe(201);
    await waitFor(
      async () =>
        (await bookingOf(env, he.practiceId, ghost.bookingId!)).history.some((h: any) => h.event === 'update-rejected'),
      'update rejected',
    );
  });

  it('scenario 16: booking, booking-update and availability requests are resolved well within 10 minutes; availability requests get a fresh snapshot', async () => {
    const raised = await env.harness('POST', `/_emulator/practices/${he.practiceId}/requests`, {
      type: 'availability',
      day,
      pmsResourceId: clinic.resourceIds[1],
    });
    expect(raised.status).toBe(201);
    await waitFor(async () => {
      const { pending, resolved } = (await env.harness('GET', `/_emulator/practices/${he.practiceId}/requests`)).body;
      return (
        !pending.some((i: any) => i.requestId === raised.body.requestId) &&
        resolved.some((i: any) => i.requestId === raised.body.requestId)
      );
    }, 'availability answered');
    const requests = (await env.harness('GET', `/_emulator/practices/${he.practiceId}/requests`)).body;
    expect(
      requests.pending.filter((i: any) => ['bookings', 'bookingUpdates', 'availability'].includes(i.type)),
    ).toEqual([]);
    expect((await env.harness('GET', `/_emulator/practices/${he.practiceId}/health`)).body.healthy).toBe(true);
    // Healthengine's 10-minute rule, on the emulator's clock: 11 minutes later nothing critical is pending,
    // and as soon as Tandem's next poll lands the practice is healthy (its appointments stay published).
    await env.harness('POST', '/_emulator/clock', { advanceSeconds: 660 });
    const health = await waitFor(async () => {
      const h = (await env.harness('GET', `/_emulator/practices/${he.practiceId}/health`)).body;
      return h.healthy ? h : undefined;
    }, 'healthy after 11 minutes');
    expect(health.reasons).toEqual([]);
    const c = await connectionOf(env, connectionId);
    expect(c.health.lastSuccessfulPollAt).toEqual(expect.any(String));
    expect(c.health.oldestUnresolvedRequest).toBeNull();
    expect(c.health.alert).toBe(false);
  });

  it('pmsAppointmentChanges for a booking whose cancellation Healthengine already has is answered so it leaves the queue', async () => {
    const booked = await bookAt('14:00');
    await waitBooking(env, he.practiceId, booked.bookingId!, 'confirmed');
    const appointment = await appointmentFor(booked.bookingId!);
    await env.hub.api('PATCH', `/api/v1/appointments/${appointment.id}`, { status: 'cancelled' });
    await waitFor(
      async () => (await bookingOf(env, he.practiceId, booked.bookingId!)).cancelledBy === 'pms',
      'cancel pushed',
    );
    await env.hub.api('PATCH', `/api/v1/healthengine/connections/${connectionId}`, {
      settings: { pollSecondsWithWebhook: 5 },
    });
    const raised = await env.harness('POST', `/_emulator/practices/${he.practiceId}/requests`, {
      type: 'pmsAppointmentChanges',
      bookingId: booked.bookingId,
    });
    expect(raised.status).toBe(201);
    // Answering `cancel` again gets 400 "already cancelled" and leaves it queued; no change since is what resolves it.
    await waitFor(
      async () => {
        const { pending } = (await env.harness('GET', `/_emulator/practices/${he.practiceId}/requests`)).body;
        return !pending.some((i: any) => i.requestId === raised.body.requestId);
      },
      'request resolved at Healthengine',
      20_000,
    );
    const c = await waitFor(async () => {
      const conn = await connectionOf(env, connectionId);
      return conn.health.answeredYetListed?.length === 0 ? conn : undefined;
    }, 'health current');
    expect(c.health.oldestUnresolvedRequest).toBeNull();
  });

  it('a request Healthengine refuses to let Tandem resolve is shown in health with its words, and clears once resolved', async () => {
    const booked = await bookAt('14:30');
    await waitBooking(env, he.practiceId, booked.bookingId!, 'confirmed');
    await env.hub.api('PATCH', `/api/v1/healthengine/connections/${connectionId}`, {
      settings: { pollSecondsWithWebhook: 5 },
    });
    await env.harness('POST', '/_emulator/faults', {
      status: 400,
      path: `/bookings/${booked.bookingId}/noPmsAppointmentChange`,
      count: 1000,
    });
    try {
      await env.harness('POST', `/_emulator/practices/${he.practiceId}/requests`, {
        type: 'pmsAppointmentChanges',
        bookingId: booked.bookingId,
      });
      const c = await waitFor(async () => {
        const conn = await connectionOf(env, connectionId);
        return conn.health.answeredYetListed?.some((r: any) => r.error) ? conn : undefined;
      }, 'refusal in health');
      expect(c.health.answeredYetListed[0]).toMatchObject({
        type: 'pmsAppointmentChanges',
        answeredWith: 'noPmsAppointmentChange',
        error: expect.any(String),
      });
      expect(c.health.alert).toBe(true);
      expect(c.health.alertMessage).toMatch(/refused/);
    } finally {
      await env.harness('DELETE', '/_emulator/faults');
    }
    const cleared = await waitFor(async () => {
      const conn = await connectionOf(env, connectionId);
      return !conn.health.alert && conn.health.answeredYetListed.length === 0 ? conn : undefined;
    }, 'alert cleared');
    expect(cleared.health.oldestUnresolvedRequest).toBeNull();
  });
});
