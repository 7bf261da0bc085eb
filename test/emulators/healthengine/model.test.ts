// Random sequences of PMS calls, patient actions and clock jumps (fast-check): every response
// must conform to openapi.yaml (checked by the client), no 5xx ever, and the queue listings
// must agree with GET /requests and with each booking's own state.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { configurePractice, patient, startHealthengine, TOMORROW, type TestEmulator } from './helpers.ts';

let t: TestEmulator;
beforeAll(async () => {
  t = await startHealthengine();
});
afterAll(async () => {
  await t.close();
});

const times = ['09:00', '09:15', '09:30', '09:45', '10:00', '10:15'];
type Step =
  | { kind: 'book'; slot: number; resource: number }
  | {
      kind: 'answer';
      pick: number;
      how: 'confirmInsert' | 'rejectInsert' | 'cancel' | 'didNotAttend' | 'patientCancel';
    }
  | { kind: 'advance'; seconds: number }
  | { kind: 'snapshot'; resource: number; broken: boolean }
  | { kind: 'raise'; type: 'availability' | 'pmsResources' | 'pmsAppointmentChanges'; pick: number }
  | { kind: 'resolveUpdates' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('book' as const), slot: fc.nat(times.length - 1), resource: fc.nat(1) }),
  fc.record({
    kind: fc.constant('answer' as const),
    pick: fc.nat(20),
    how: fc.constantFrom('confirmInsert', 'rejectInsert', 'cancel', 'didNotAttend', 'patientCancel'),
  }),
  fc.record({ kind: fc.constant('advance' as const), seconds: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ kind: fc.constant('snapshot' as const), resource: fc.nat(1), broken: fc.boolean() }),
  fc.record({
    kind: fc.constant('raise' as const),
    type: fc.constantFrom('availability', 'pmsResources', 'pmsAppointmentChanges'),
    pick: fc.nat(20),
  }),
  fc.record({ kind: fc.constant('resolveUpdates' as const) }),
);

async function run(s: Step, ids: number[]): Promise<void> {
  const id = ids.length > 0 && 'pick' in s ? (ids[s.pick % ids.length] ?? 0) : 0;
  switch (s.kind) {
    case 'book': {
      const res = await t.harness('POST', `/practices/${t.practiceId}/bookings`, {
        pmsResourceId: `r${s.resource + 1}`,
        start: `${TOMORROW} ${times[s.slot]}:00`,
        patient,
      });
      expect([201, 409]).toContain(res.status);
      if (res.status === 201) ids.push(res.body.bookingId);
      return;
    }
    case 'answer': {
      if (ids.length === 0) return;
      if (s.how === 'patientCancel') {
        expect([201, 409]).toContain(
          (await t.harness('POST', `/practices/${t.practiceId}/bookings/${id}/cancel`)).status,
        );
        return;
      }
      const body = s.how === 'confirmInsert' ? { pmsAppointmentIds: [`A${id}`], pmsPatientId: 'P' } : { reason: null };
      expect([200, 400]).toContain((await t.api('POST', `/bookings/${id}/${s.how}`, body)).status);
      return;
    }
    case 'advance':
      await t.advance(s.seconds * 1000);
      await t.api('GET', '/requests');
      return;
    case 'snapshot': {
      const availability = s.broken
        ? [{ start: '10:00', end: '09:00', slotLength: 900 }]
        : [{ start: '09:00', end: '11:00', slotLength: 900 }];
      expect([200, 400]).toContain(
        (
          await t.api('POST', '/availability/snapshot', {
            date: TOMORROW,
            pmsResourceId: `r${s.resource + 1}`,
            availability,
          })
        ).status,
      );
      return;
    }
    case 'raise': {
      const body =
        s.type === 'availability'
          ? { type: s.type, day: TOMORROW }
          : s.type === 'pmsAppointmentChanges'
            ? { type: s.type, bookingId: id }
            : { type: s.type };
      if (s.type === 'pmsAppointmentChanges' && ids.length === 0) return;
      expect((await t.harness('POST', `/practices/${t.practiceId}/requests`, body)).status).toBe(201);
      return;
    }
    case 'resolveUpdates': {
      for (const u of (await t.api('GET', '/requests/bookingUpdates')).body.data) {
        expect((await t.api('POST', `/bookings/${u.bookingId}/confirmUpdate/${u.requestId}`)).status).toBe(200);
      }
    }
  }
}

async function checkInvariants(): Promise<void> {
  const types: string[] = (await t.api('GET', '/requests')).body;
  for (const type of ['bookings', 'bookingUpdates', 'availability', 'pmsAppointmentChanges']) {
    const listed = (await t.api('GET', `/requests/${type}`)).body.page.total;
    expect(types.includes(type), `${type}: listed ${listed}, GET /requests ${JSON.stringify(types)}`).toBe(listed > 0);
  }
  const all: Array<{ bookingId: number; pending: boolean; bookingStatus: string }> = (
    await t.harness('GET', `/practices/${t.practiceId}/bookings`)
  ).body;
  const pending = new Set(
    (await t.api('GET', '/requests/bookings')).body.data.map((b: { bookingId: number }) => b.bookingId),
  );
  for (const b of all) expect(pending.has(b.bookingId)).toBe(b.pending);
}

it('keeps the queue, the bookings and the spec consistent under random operations', async () => {
  let booked = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
      await t.harness('POST', '/reset', {});
      await configurePractice(t);
      const ids: number[] = [];
      for (const s of steps) await run(s, ids);
      booked += ids.length;
      await checkInvariants();
    }),
    { numRuns: 25, seed: 42 },
  );
  expect(booked).toBeGreaterThan(25); // the walk really exercised bookings
}, 120_000);
