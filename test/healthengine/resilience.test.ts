// Go-live scenarios 15, 20 and 25, and the rest of issue 7's checks: polling without webhooks,
// a missed webhook caught by polling, bookings before updates, a removed resource, two
// bookings racing for one slot, the 2-minute alert, and emulator faults during publication.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setPracticeDisabled } from '../../src/db/practices.ts';
import {
  appointmentsOf,
  book,
  bookingOf,
  connectionOf,
  expectQueuesEmpty,
  link,
  newHePractice,
  nextMonday,
  seedClinic,
  startEnv,
  waitActive,
  waitBooking,
  waitFor,
  type HeEnv,
} from './support.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let env: HeEnv;
const day = nextMonday(4);

beforeAll(async () => {
  env = await startEnv();
});
afterAll(async () => {
  await env?.stop();
}, 120_000);
// Every scenario ends with Healthengine's queue empty: each request answered in a way Healthengine took.
// (The wait is shorter than the hook's timeout, so a failure names the requests still pending.)
afterEach(async () => {
  await expectQueuesEmpty(env);
}, 60_000);

async function linked(name: string, settings: Record<string, unknown> = {}) {
  const clinic = await seedClinic(env.hub, 1, name);
  const he = await newHePractice(env);
  const connection = await link(env, clinic, he, { settings });
  await waitActive(env, connection.id);
  return { clinic, he, connectionId: connection.id as string };
}

/** Linking done: its availability is published and no link or publication job is left to run. */
async function settledLink(x: { clinic: { resourceIds: string[] }; he: { practiceId: string } }) {
  const published = async () =>
    (await env.harness('GET', `/_emulator/practices/${x.he.practiceId}`)).body.availability.filter(
      (s: any) => s.pmsResourceId === x.clinic.resourceIds[0],
    );
  await waitFor(async () => (await published()).length === 30, 'the first publication');
  await waitFor(
    async () =>
      (
        await env.hub.database.db.query(
          `SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier IN ('healthengine:link', 'healthengine:publish-config', 'healthengine:publish-availability')`,
        )
      ).rows[0].n === 0,
    'no publication job pending',
  );
  return published;
}

const bookOn = (
  x: { clinic: { resourceIds: string[]; typeIds: string[] }; he: { practiceId: string } },
  time: string,
) =>
  book(env, x.he.practiceId, {
    pmsResourceId: x.clinic.resourceIds[0],
    pmsAppointmentTypeId: x.clinic.typeIds[0],
    start: `${day} ${time}:00`,
  });

describe('Healthengine requests without webhooks, races and faults', () => {
  // First: the emulator's faults match any practice, so no other connection may be publishing.
  it('emulator faults during publication: nothing lost, each retry waits (backoff)', async () => {
    const x = await linked('Faulty Clinic');
    const published = await settledLink(x);
    // The faults come after linking, on a republication: at link time other publishers (the
    // daily publication, the outbox) may take them, and which attempt fails is left to chance.
    // (The emulator logs the posts that reach it; the two it fails by injection are not logged.)
    const posts = async () =>
      (await env.harness('GET', `/_emulator/requests-log?practiceId=${x.he.practiceId}&path=/availability/snapshots`))
        .body as { at: string; status?: number }[];
    const before = (await posts()).length;
    await env.harness('POST', '/_emulator/faults', { status: 503, path: '/availability/snapshots', count: 2 });
    const resyncAt = Date.now();
    expect(
      (await env.hub.api('POST', `/api/v1/healthengine/connections/${x.connectionId}/resync`, { availability: true }))
        .status,
    ).toBe(202);
    const [repost] = await waitFor(
      async () => {
        const ok = (await posts()).slice(before).filter((p) => p.status === 200);
        return ok.length > 0 ? ok : undefined;
      },
      'the republication, after two failed attempts',
      60_000,
    );
    // Two attempts failed, and each retry waited for its backoff (graphile-worker's exp(attempts)
    // seconds plus jitter: about 10 s in all, and never under a second each).
    expect(Date.parse(repost!.at) - resyncAt).toBeGreaterThanOrEqual(2000);
    expect((await env.harness('GET', '/_emulator/faults')).body).toEqual([]);
    expect(await published()).toHaveLength(30); // nothing lost
  }, 90_000);

  it('Healthengine answering 429 with Retry-After: the job comes back no earlier than it said', async () => {
    const x = await linked('Throttled Clinic');
    // Only the resync below may post the contract from here on (a publication queued by the
    // clinic's own outbox events could otherwise post it, and take the fault, just after linking).
    await settledLink(x);
    const marker = async () =>
      (
        await env.harness('GET', `/_emulator/requests-log?practiceId=${x.he.practiceId}&path=/config/livenessContract`)
      ).body.map((e: any) => Date.parse(e.at));
    const before = (await marker()).length;
    await env.harness('POST', '/_emulator/faults', {
      status: 429,
      retryAfterSeconds: 3,
      path: '/config/pmsResources/snapshot',
      count: 1,
    });
    await env.hub.api('POST', `/api/v1/healthengine/connections/${x.connectionId}/resync`, { config: true });
    const attempts = await waitFor(
      async () => {
        const m = (await marker()).slice(before);
        return m.length >= 2 ? m : undefined;
      },
      'retried',
      30_000,
    );
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(3000);
    expect((await env.harness('GET', '/_emulator/faults')).body).toEqual([]);
  });

  it('scenario 15: without webhooks, /requests is polled every few seconds during liveness hours and bookings still arrive', async () => {
    const x = await linked('Polling Clinic', { webhooks: false });
    expect((await connectionOf(env, x.connectionId)).subscription.id).toBeNull();
    const { bookingId } = await bookOn(x, '09:00');
    await waitBooking(env, x.he.practiceId, bookingId!, 'confirmed');
    expect((await env.harness('GET', `/_emulator/webhooks?practiceId=${x.he.practiceId}`)).body).toEqual([]);
    // Polled again a few seconds later (the booking itself may have been taken on the first poll).
    const polls = await waitFor(
      async () => {
        const log = (
          await env.harness('GET', `/_emulator/requests-log?practiceId=${x.he.practiceId}&path=/requests&method=GET`)
        ).body.filter((e: any) => e.path === '/requests');
        return log.length >= 2 ? log : undefined;
      },
      'a second poll',
      30_000,
    );
    expect(polls.length).toBeGreaterThanOrEqual(2);
    expect((await env.harness('GET', `/_emulator/practices/${x.he.practiceId}/health`)).body.healthy).toBe(true);
  });

  it('scenario 20: a payload missed after its retries is caught by the periodic /requests poll', async () => {
    const x = await linked('Missed Clinic', { pollSecondsWithWebhook: 5 });
    const subscriptionId = (await connectionOf(env, x.connectionId)).subscription.id;
    // Healthengine loses the subscription: the payload is never delivered.
    await fetch(`${env.emulator.url}/subscription/${subscriptionId}`, {
      method: 'DELETE',
      headers: { 'api-key': env.apiKey, 'practice-id': x.he.practiceId, 'practice-key': x.he.practiceKey },
    });
    const { bookingId } = await bookOn(x, '09:00');
    await waitBooking(env, x.he.practiceId, bookingId!, 'confirmed');
    const deliveries = (await env.harness('GET', `/_emulator/webhooks?practiceId=${x.he.practiceId}`)).body.filter(
      (d: any) => d.payload.data.bookingId === bookingId,
    );
    expect(deliveries).toEqual([]);
  });

  it('scenario 25: with bookings and booking updates both pending, the bookings are handled first', async () => {
    const x = await linked('Order Clinic');
    await env.hub.api('POST', `/api/v1/healthengine/connections/${x.connectionId}/disable`);
    const { bookingId } = await bookOn(x, '10:00');
    await env.harness('POST', `/_emulator/practices/${x.he.practiceId}/bookings/${bookingId}/cancel`);
    const pending = (await env.harness('GET', `/_emulator/practices/${x.he.practiceId}/requests`)).body.pending.map(
      (i: any) => i.type,
    );
    expect(pending).toEqual(['bookings', 'bookingUpdates']);
    await env.hub.api('POST', `/api/v1/healthengine/connections/${x.connectionId}/enable`);
    const b = await waitFor(async () => {
      const v = await bookingOf(env, x.he.practiceId, bookingId!);
      return v.history.some((h: any) => h.event.startsWith('update-')) ? v : undefined;
    }, 'update answered');
    expect(b.insert).toBe('confirmed');
    expect(b.history.map((h: any) => h.event)).toContain('update-confirmed');
    const events = b.history.map((h: any) => h.event);
    expect(events.indexOf('insert-confirmed')).toBeLessThan(events.indexOf('update-confirmed'));
    const appointment = (await appointmentsOf(env)).find((a) => a.external?.healthengine?.bookingId === bookingId);
    expect(appointment.status).toBe('cancelled');
  });

  it('a booking whose resource was removed before it was processed is rejected within the 20-second window', async () => {
    const x = await linked('Removed Clinic');
    await env.hub.api('POST', `/api/v1/healthengine/connections/${x.connectionId}/disable`);
    const { bookingId } = await bookOn(x, '11:00');
    await env.hub.api('DELETE', `/api/v1/schedules/${x.clinic.scheduleIds[0]}`);
    await env.hub.api('DELETE', `/api/v1/resources/${x.clinic.resourceIds[0]}`);
    await env.hub.api('POST', `/api/v1/healthengine/connections/${x.connectionId}/enable`);
    const b = await waitBooking(env, x.he.practiceId, bookingId!, 'rejected');
    expect(b.pmsResourceId).toBeNull();
    expect(b.rejectedLate).toBe(false);
    expect(b.rejectReason).toBe('The booked resource is no longer offered by the practice');
    expect(b.rejectReason).not.toContain('Jordan');
    // The reject raised a day-wide availability request; with no resource left no snapshot can answer
    // it (it stays listed, and in Tandem's health). Offering a resource again answers it.
    const p = await env.hub.api('POST', '/api/v1/practitioners', { title: 'Dr', firstName: 'Rae', lastName: 'Return' });
    const back = await env.hub.api('POST', '/api/v1/resources', {
      locationId: x.clinic.locationId,
      kind: 'practitioner',
      practitionerId: p.body.id,
      specialty: 'General Practice',
      name: 'Dr Rae Return',
    });
    expect(back.status).toBe(201);
  });

  it('two bookings racing for the same slot: one confirmed, one rejected within 20 s, no double booking', async () => {
    const clinic = await seedClinic(env.hub, 1, 'Race Clinic');
    const heA = await newHePractice(env);
    const heB = await newHePractice(env);
    const a = await link(env, clinic, heA);
    const b = await link(env, clinic, heB);
    await waitActive(env, a.id);
    await waitActive(env, b.id);
    const body = {
      pmsResourceId: clinic.resourceIds[0],
      pmsAppointmentTypeId: clinic.typeIds[0],
      start: `${day} 14:00:00`,
    };
    const [first, second] = await Promise.all([
      book(env, heA.practiceId, body),
      book(env, heB.practiceId, { ...body, patient: { firstname: 'Other', lastname: 'Patient', dob: '1970-01-01' } }),
    ]);
    const results = await Promise.all(
      [
        [heA, first],
        [heB, second],
      ].map(([h, r]: any) =>
        waitFor(async () => {
          const v = await bookingOf(env, h.practiceId, r.bookingId);
          return v.insert !== 'pending' ? v : undefined;
        }, 'answered'),
      ),
    );
    expect(results.map((r) => r.insert).sort()).toEqual(['confirmed', 'rejected']);
    expect(results.find((r) => r.insert === 'rejected').rejectedLate).toBe(false);
    const atThatTime = (await appointmentsOf(env, `&resourceId=${clinic.resourceIds[0]}`)).filter(
      (x) => x.status !== 'cancelled',
    );
    expect(atThatTime).toHaveLength(1);
  });

  it('health: a request unresolved for over 2 minutes raises the alert state and logs an error; it clears once resolved', async () => {
    const x = await linked('Alert Clinic', { pollSecondsWithWebhook: 5 });
    await env.harness('POST', '/_emulator/faults', { status: 500, path: '/confirmInsert', count: 1000 });
    const { bookingId } = await bookOn(x, '15:00');
    await waitFor(
      async () => (await connectionOf(env, x.connectionId)).health.oldestUnresolvedRequest?.type === 'bookings',
      'request tracked',
    );
    // Two minutes pass (Tandem runs on real time; the first sighting is moved back instead of waiting).
    await env.hub.database.db.query(
      `UPDATE healthengine_requests SET first_seen_at = now() - interval '3 minutes' WHERE connection_id = $1`,
      [x.connectionId],
    );
    const alerted = await waitFor(async () => {
      const c = await connectionOf(env, x.connectionId);
      return c.health.alert ? c : undefined;
    }, 'alert');
    expect(alerted.health.alertMessage).toContain('unresolved');
    expect(alerted.health.oldestUnresolvedRequest.ageSeconds).toBeGreaterThan(120);
    const logs = (
      await env.hub.database.db.query(`SELECT message FROM log_entries WHERE connection_id = $1 AND level = 'error'`, [
        x.connectionId,
      ])
    ).rows;
    expect(logs.some((l) => l.message.includes('unresolved'))).toBe(true);
    await env.harness('DELETE', '/_emulator/faults');
    await waitBooking(env, x.he.practiceId, bookingId!, 'confirmed', 30_000);
    await waitFor(
      async () => (await connectionOf(env, x.connectionId)).health.alert === false,
      'alert cleared',
      30_000,
    );
    expect(
      (await appointmentsOf(env, `&resourceId=${x.clinic.resourceIds[0]}`)).filter(
        (a) => a.external?.healthengine?.bookingId === bookingId,
      ),
    ).toHaveLength(1);
  });

  it("health shows the webhook deliveries Healthengine logged as failed (its subscriptionErrorLog): Tandem's public URL is unreachable", async () => {
    // A second hub whose TANDEM_PUBLIC_URL points nowhere: Healthengine cannot deliver, polling still works.
    const lost = await startEnv({ TANDEM_PUBLIC_URL: 'http://127.0.0.1:9' });
    try {
      const clinic = await seedClinic(lost.hub, 1, 'Unreachable Clinic');
      const he = await newHePractice(lost);
      const connection = await link(lost, clinic, he, { settings: { pollSecondsWithWebhook: 5 } });
      await waitActive(lost, connection.id);
      await waitFor(async () => (await connectionOf(lost, connection.id)).subscription?.id ?? false, 'subscribed');
      await lost.harness('POST', `/_emulator/practices/${he.practiceId}/requests`, { type: 'pmsResources' });
      const c = await waitFor(
        async () => {
          const conn = await connectionOf(lost, connection.id);
          return conn.health?.webhookDeliveryFailures?.count > 0 ? conn : undefined;
        },
        'delivery failures in health',
        90_000,
      );
      expect(c.health.webhookDeliveryFailures.lastError).toMatch(/Exception/);
      await expectQueuesEmpty(lost);
    } finally {
      await lost.stop();
    }
  }, 150_000);

  it('a disabled practice stops its Healthengine background sync (no polls, no bookings taken) and resumes when enabled', async () => {
    const own = await startEnv();
    try {
      const clinic = await seedClinic(own.hub, 1, 'Paused Clinic');
      const he = await newHePractice(own);
      const connection = await link(own, clinic, he, { settings: { pollSecondsWithWebhook: 5 } });
      await waitActive(own, connection.id);
      const {
        rows: [{ practice_id: practiceId }],
      } = await own.hub.database.db.query('SELECT practice_id FROM connections WHERE id = $1', [connection.id]);
      expect(await setPracticeDisabled(own.hub.database.db, practiceId, true)).toBe(true);
      await sleep(1500); // a pass already running when the practice was disabled may finish
      await own.harness('DELETE', '/_emulator/requests-log');
      const booked = await book(own, he.practiceId, {
        pmsResourceId: clinic.resourceIds[0],
        pmsAppointmentTypeId: clinic.typeIds[0],
        start: `${day} 10:00:00`,
      });
      expect(booked.status).toBe(201);
      await sleep(8000); // more than the poll interval, and the webhook is delivered at once
      const calls = (await own.harness('GET', `/_emulator/requests-log?practiceId=${he.practiceId}`)).body as any[];
      expect(calls).toEqual([]);
      expect((await bookingOf(own, he.practiceId, booked.bookingId!)).insert).toBe('pending');

      await setPracticeDisabled(own.hub.database.db, practiceId, false);
      await waitBooking(own, he.practiceId, booked.bookingId!, 'confirmed', 30_000);
      await expectQueuesEmpty(own);
    } finally {
      await own.stop();
    }
  }, 120_000);
});
