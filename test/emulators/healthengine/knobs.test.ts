// The documented ambiguity knobs change behaviour as the docs say.
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  book,
  configurePractice,
  settle,
  startHealthengine,
  startReceiver,
  TOMORROW,
  type TestEmulator,
} from './helpers.ts';

let t: TestEmulator;
beforeEach(async () => {
  t = await startHealthengine();
  await configurePractice(t);
});
afterEach(async () => {
  await t.close();
});

const config = (patch: Record<string, unknown>) => t.harness('POST', '/config', patch);

it('webhookEventTopic specific and sendNotCurrentlyCalledTopics', async () => {
  const receiver = await startReceiver();
  try {
    await config({ webhookEventTopic: 'specific', sendNotCurrentlyCalledTopics: true });
    await t.api('POST', '/subscription', { topic: 'requests.*', callbackUrl: receiver.url });
    const id = (await book(t, `${TOMORROW} 09:00:00`)).body.bookingId;
    await t.harness('POST', `/practices/${t.practiceId}/requests`, { type: 'pmsAppointmentChanges', bookingId: id });
    await settle(t.emulator);
    expect(receiver.received.map((r) => r.body.topic)).toEqual(['requests.bookings', 'requests.pmsAppointmentChanges']);
  } finally {
    await receiver.close();
  }
});

it('lateRejectCancels cancels a late-rejected booking and asks for availability', async () => {
  await config({ lateRejectCancels: true });
  const id = (await book(t, `${TOMORROW} 09:00:00`)).body.bookingId;
  await t.advance(30_000);
  await t.api('POST', `/bookings/${id}/rejectInsert`, { reason: null });
  expect((await t.harness('GET', `/practices/${t.practiceId}/bookings/${id}`)).body).toMatchObject({
    bookingStatus: 'Cancelled',
    rejectedLate: true,
  });
  expect((await t.api('GET', '/requests')).body).toEqual(['availability']);
});

it('alreadyResolvedStatus 404, dobFormat YYYY-MM-DD, acceptSlotLengthStrings', async () => {
  await config({ alreadyResolvedStatus: 404, dobFormat: 'YYYY-MM-DD', acceptSlotLengthStrings: true });
  const id = (await book(t, `${TOMORROW} 09:00:00`)).body.bookingId;
  expect((await t.api('GET', '/requests/bookings')).body.data[0].patient.dob).toBe('1985-12-10');
  await t.api('POST', `/bookings/${id}/confirmInsert`, { pmsAppointmentIds: ['A'], pmsPatientId: 'P' });
  expect(
    (await t.api('POST', `/bookings/${id}/confirmInsert`, { pmsAppointmentIds: ['A'], pmsPatientId: 'P' })).status,
  ).toBe(404);
  const res = await t.api('POST', '/availability/snapshot', {
    date: TOMORROW,
    pmsResourceId: 'r2',
    availability: [{ start: '09:00', end: '10:00', slotLength: '1800' }],
  });
  expect(res.status).toBe(200);
  const slots = (await t.harness('GET', `/practices/${t.practiceId}/availability?date=${TOMORROW}`)).body.slots.filter(
    (s: { pmsResourceId: string }) => s.pmsResourceId === 'r2',
  );
  expect(slots.map((s: { lengthSeconds: number }) => s.lengthSeconds)).toEqual([1800, 1800]);
});

it('requireKnownResource off accepts availability for resources HE does not know yet', async () => {
  await config({ requireKnownResource: false });
  expect(
    (await t.api('POST', '/availability/snapshot', { date: TOMORROW, pmsResourceId: 'later', availability: [] }))
      .status,
  ).toBe(200);
});
