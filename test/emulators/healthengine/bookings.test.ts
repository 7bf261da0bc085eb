// The request queue and the booking state machine, with the 20-second rules on a fake clock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { book, configurePractice, startHealthengine, TOMORROW, type TestEmulator } from './helpers.ts';

let t: TestEmulator;
beforeEach(async () => {
  t = await startHealthengine();
  await configurePractice(t);
});
afterEach(async () => {
  await t.close();
});

const bookingState = async (id: number) => (await t.harness('GET', `/practices/${t.practiceId}/bookings/${id}`)).body;

describe('bookings queue', () => {
  it('a patient booking appears under GET /requests and /requests/bookings as Requested', async () => {
    expect((await t.api('GET', '/requests')).body).toEqual([]);
    const { body } = await book(t, `${TOMORROW} 09:30:00`, {
      pmsAppointmentTypeId: 'std',
      reason: 'Cough\nFever',
      isNewPatient: true,
    });
    expect((await t.api('GET', '/requests')).body).toEqual(['bookings']);
    const list = await t.api('GET', '/requests/bookings');
    expect(list.body.page).toEqual({ currentPage: 1, totalPages: 1, perPage: 100, total: 1 });
    expect(list.body.data[0]).toMatchObject({
      bookingId: body.bookingId,
      pmsResourceId: 'r1',
      pmsAppointmentTypeId: 'std',
      pmsAppointmentIds: [],
      pmsPatientId: null,
      bookedTime: '2026-03-02 01:00:00',
      bookingStatus: 'Requested',
      pmsAppointmentTime: `${TOMORROW} 09:30:00`,
      pmsAppointmentLength: 900,
      reason: 'Cough\nFever',
      comments: 'Standard',
      isNewPatient: true,
      patient: { firstname: 'Ada', dob: '10-12-1985', gender: 'Female', medicareExpiry: '05/2030' },
    });
  });

  it('refuses a slot that is taken, unpublished, in the past, or of another appointment type (409)', async () => {
    expect((await book(t, `${TOMORROW} 09:30:00`)).status).toBe(201);
    expect((await book(t, `${TOMORROW} 09:30:00`)).status).toBe(409);
    expect((await book(t, `${TOMORROW} 09:35:00`)).status).toBe(409);
    expect((await book(t, `${TOMORROW} 13:00:00`)).status).toBe(409);
    expect((await book(t, '2026-03-01 09:00:00')).status).toBe(409);
    const bad = await book(t, `${TOMORROW} 09:45:00`, { pmsAppointmentTypeId: 'nope' });
    expect(bad.status).toBe(400);
    const badPatient = await t.harness('POST', `/practices/${t.practiceId}/bookings`, {
      pmsResourceId: 'r1',
      start: `${TOMORROW} 09:45:00`,
      patient: { firstname: 'A' },
    });
    expect(badPatient).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^patient\.lastname/) } });
  });

  it('paginates with perPage and page', async () => {
    await t.harness('POST', '/config', { perPage: 2 });
    for (const time of ['09:00', '09:15', '09:30', '09:45', '10:00']) await book(t, `${TOMORROW} ${time}:00`);
    const page3 = await t.api('GET', '/requests/bookings?page=3');
    expect(page3.body.page).toEqual({ currentPage: 3, totalPages: 3, perPage: 2, total: 5 });
    expect(page3.body.data).toHaveLength(1);
    expect((await t.api('GET', '/requests/bookings?page=0')).status).toBe(400);
  });
});

describe('booking state machine', () => {
  it('confirmInsert → Confirmed with the PMS ids and telehealth links; the item leaves the queue', async () => {
    const { body } = await book(t, `${TOMORROW} 09:00:00`);
    const res = await t.api('POST', `/bookings/${body.bookingId}/confirmInsert`, {
      pmsAppointmentIds: ['A-1'],
      pmsPatientId: 'P-9',
      patientAppointmentLink: 'https://video.example/p',
    });
    expect(res.status).toBe(200);
    expect((await t.api('GET', '/requests/bookings')).body.data).toEqual([]);
    const state = await bookingState(body.bookingId);
    expect(state).toMatchObject({
      bookingStatus: 'Confirmed',
      insert: 'confirmed',
      pmsPatientId: 'P-9',
      pmsAppointmentIds: ['A-1'],
      links: { patientAppointmentLink: 'https://video.example/p' },
    });
    expect(state.history.map((h: { event: string }) => h.event)).toEqual(['requested', 'insert-confirmed']);
    const again = await t.api('POST', `/bookings/${body.bookingId}/confirmInsert`, {
      pmsAppointmentIds: ['A-1'],
      pmsPatientId: 'P-9',
    });
    expect(again).toMatchObject({ status: 400, body: { error: expect.stringMatching(/already been confirmed/) } });
    expect(
      (await t.api('POST', '/bookings/999/confirmInsert', { pmsAppointmentIds: [], pmsPatientId: 'x' })).status,
    ).toBe(404);
  });

  it('rejectInsert within 20 s fails the booking, frees the slot and raises an availability request for that resource and day', async () => {
    const { body } = await book(t, `${TOMORROW} 09:00:00`);
    await t.advance(19_000);
    expect(
      (await t.api('POST', `/bookings/${body.bookingId}/rejectInsert`, { reason: 'slot taken in PMS' })).status,
    ).toBe(200);
    const state = await bookingState(body.bookingId);
    expect(state).toMatchObject({
      bookingStatus: 'Cancelled',
      insert: 'rejected',
      rejectedLate: false,
      rejectReason: 'slot taken in PMS',
      cancelledBy: 'rejected',
    });
    expect((await t.api('GET', '/requests')).body).toEqual(['availability']);
    expect((await t.api('GET', '/requests/availability')).body.data).toEqual([
      { day: TOMORROW, pmsResourceId: 'r1', pms_resource_id: 'r1' },
    ]);
    expect((await book(t, `${TOMORROW} 09:00:00`)).status).toBe(201);
    await t.api('POST', '/availability/snapshot', {
      date: TOMORROW,
      pmsResourceId: 'r1',
      availability: [{ start: '09:15', end: '12:00', slotLength: 900 }],
    });
    expect((await t.api('GET', '/requests/availability')).body.data).toEqual([]);
  });

  it('after 20 s with no answer the booking is optimistically Confirmed but stays pending; a late reject is accepted and flagged', async () => {
    const { body } = await book(t, `${TOMORROW} 09:00:00`);
    await t.advance(20_001);
    const listed = await t.api('GET', '/requests/bookings');
    expect(listed.body.data[0]).toMatchObject({ bookingId: body.bookingId, bookingStatus: 'Confirmed' });
    expect((await t.api('GET', '/requests')).body).toEqual(['bookings']);
    expect((await bookingState(body.bookingId)).autoConfirmedAt).toBe('2026-03-02T01:00:20.000Z');
    expect((await t.api('POST', `/bookings/${body.bookingId}/rejectInsert`, { reason: null })).status).toBe(200);
    const state = await bookingState(body.bookingId);
    expect(state).toMatchObject({ bookingStatus: 'Confirmed', insert: 'rejected', rejectedLate: true });
    expect(state.history.map((h: { event: string }) => h.event)).toEqual([
      'requested',
      'auto-confirmed',
      'insert-rejected-late',
    ]);
    expect((await t.api('GET', '/requests')).body).toEqual([]);
  });

  it('a confirmInsert after the 20 s is still accepted and resolves the request', async () => {
    const { body } = await book(t, `${TOMORROW} 09:00:00`);
    await t.advance(60_000);
    expect(
      (
        await t.api('POST', `/bookings/${body.bookingId}/confirmInsert`, {
          pmsAppointmentIds: ['A'],
          pmsPatientId: 'P',
        })
      ).status,
    ).toBe(200);
    expect((await bookingState(body.bookingId)).history.map((h: { event: string }) => h.event)).toEqual([
      'requested',
      'auto-confirmed',
      'insert-confirmed',
    ]);
  });
});

describe('booking updates and PMS-side changes', () => {
  async function confirmed(time: string): Promise<number> {
    const { body } = await book(t, `${TOMORROW} ${time}`);
    await t.api('POST', `/bookings/${body.bookingId}/confirmInsert`, {
      pmsAppointmentIds: [`A-${time}`],
      pmsPatientId: 'P-1',
    });
    return body.bookingId;
  }

  it('a patient cancellation raises a Cancelled bookingUpdate answered by confirmUpdate or rejectUpdate', async () => {
    const first = await confirmed('09:00:00');
    const second = await confirmed('09:15:00');
    const c1 = await t.harness('POST', `/practices/${t.practiceId}/bookings/${first}/cancel`);
    const c2 = await t.harness('POST', `/practices/${t.practiceId}/bookings/${second}/cancel`);
    expect(c2.body.requestId).toBeGreaterThan(c1.body.requestId);
    expect((await t.api('GET', '/requests')).body).toEqual(['bookingUpdates']);
    const updates = (await t.api('GET', '/requests/bookingUpdates')).body.data;
    expect(updates[0]).toEqual({
      requestId: c1.body.requestId,
      bookingId: first,
      pmsAppointmentIds: ['A-09:00:00'],
      pmsPatientId: 'P-1',
      updatedAt: '2026-03-02 01:00:00',
      bookingStatus: 'Cancelled',
    });
    expect((await t.api('POST', `/bookings/${second}/confirmUpdate/${c1.body.requestId}`)).status).toBe(404);
    expect((await t.api('POST', `/bookings/${first}/confirmUpdate/${c1.body.requestId}`)).status).toBe(200);
    expect((await t.api('POST', `/bookings/${first}/confirmUpdate/${c1.body.requestId}`)).status).toBe(400);
    expect(
      (await t.api('POST', `/bookings/${second}/rejectUpdate/${c2.body.requestId}`, { reason: 'unknown in PMS' }))
        .status,
    ).toBe(200);
    expect((await t.api('GET', '/requests')).body).toEqual([]);
    expect((await bookingState(first)).bookingStatus).toBe('Cancelled');
    expect((await book(t, `${TOMORROW} 09:00:00`)).status).toBe(201);
  });

  it('cancel, didNotAttend and noPmsAppointmentChange resolve pmsAppointmentChanges requests', async () => {
    const a = await confirmed('09:00:00');
    const b = await confirmed('09:15:00');
    const c = await confirmed('09:30:00');
    for (const id of [a, b, c])
      await t.harness('POST', `/practices/${t.practiceId}/requests`, { type: 'pmsAppointmentChanges', bookingId: id });
    const listed = (await t.api('GET', '/requests/pmsAppointmentChanges')).body.data;
    expect(listed[0]).toEqual({ bookingId: a, pmsAppointmentIds: ['A-09:00:00'], pmsPatientId: 'P-1' });
    expect((await t.api('POST', `/bookings/${a}/cancel`, { reason: 'patient phoned' })).status).toBe(200);
    expect((await t.api('POST', `/bookings/${a}/cancel`, { reason: null })).status).toBe(400);
    expect((await t.api('POST', `/bookings/${b}/didNotAttend`, { reason: null })).status).toBe(200);
    expect((await t.api('POST', `/bookings/${c}/noPmsAppointmentChange`)).status).toBe(200);
    expect((await t.api('POST', `/bookings/${c}/noPmsAppointmentChange`)).status).toBe(400);
    expect((await t.api('POST', '/bookings/424242/didNotAttend', { reason: null })).status).toBe(404);
    expect((await t.api('GET', '/requests')).body).toEqual([]);
    expect(await bookingState(a)).toMatchObject({
      bookingStatus: 'Cancelled',
      cancelledBy: 'pms',
      cancelReason: 'patient phoned',
    });
    expect(await bookingState(b)).toMatchObject({ bookingStatus: 'Confirmed', didNotAttend: true });
  });

  it('a patient may cancel before the PMS confirmed: the update names no pmsPatientId yet', async () => {
    const { body } = await book(t, `${TOMORROW} 10:30:00`);
    const cancel = await t.harness('POST', `/practices/${t.practiceId}/bookings/${body.bookingId}/cancel`);
    const updates = (await t.api('GET', '/requests/bookingUpdates')).body.data;
    expect(updates).toEqual([
      {
        requestId: cancel.body.requestId,
        bookingId: body.bookingId,
        pmsAppointmentIds: [],
        updatedAt: '2026-03-02 01:00:00',
        bookingStatus: 'Cancelled',
      },
    ]);
    expect((await t.api('GET', '/requests/bookings')).body.data[0]).toMatchObject({
      bookingId: body.bookingId,
      bookingStatus: 'Cancelled',
    });
  });

  it('a PMS cancel of a booking still pending insert is refused', async () => {
    const { body } = await book(t, `${TOMORROW} 10:00:00`);
    const res = await t.api('POST', `/bookings/${body.bookingId}/cancel`, { reason: null });
    expect(res).toMatchObject({ status: 400, body: { error: expect.stringMatching(/still pending/) } });
  });
});
