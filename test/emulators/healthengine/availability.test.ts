// Availability snapshots: replace a resource's day, slot cutting, type restriction, bulk endpoint.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configurePractice, startHealthengine, TOMORROW, type TestEmulator } from './helpers.ts';

let t: TestEmulator;
beforeEach(async () => {
  t = await startHealthengine();
  await configurePractice(t);
});
afterEach(async () => {
  await t.close();
});

const published = async (date = TOMORROW) =>
  (await t.harness('GET', `/practices/${t.practiceId}/availability?date=${date}`)).body;
const startsOf = (body: { slots: Array<{ pmsResourceId: string; start: string }> }, resource: string) =>
  body.slots.filter((s) => s.pmsResourceId === resource).map((s) => s.start.slice(11, 16));

describe('availability snapshot', () => {
  it("replaces that resource's day and cuts ranges into slotLength-second slots", async () => {
    await t.api('POST', '/availability/snapshot', {
      date: TOMORROW,
      pmsResourceId: 'r1',
      availability: [
        { start: '14:00', end: '15:00', slotLength: 1800 },
        { start: '09:00', end: '09:50', slotLength: 1200 },
      ],
    });
    expect(startsOf(await published(), 'r1')).toEqual(['14:00', '14:30', '09:00', '09:20']);
    expect(startsOf(await published(), 'r2')).toHaveLength(12);
  });

  it("below 60 s uses the linked appointment type's length (HE-configured length first)", async () => {
    await t.api('POST', '/availability/snapshot', {
      date: TOMORROW,
      pmsResourceId: 'r1',
      availability: [{ start: '09:00', end: '10:30', slotLength: 0, pmsAppointmentTypeIds: ['long'] }],
    });
    const body = await published();
    expect(startsOf(body, 'r1')).toEqual(['09:00', '09:45']);
    expect(body.slots[0]).toMatchObject({ lengthSeconds: 2700, pmsAppointmentTypeIds: ['long'] });
    await t.harness('PUT', `/practices/${t.practiceId}/appointment-lengths`, { long: 1800 });
    expect(startsOf(await published(), 'r1')).toEqual(['09:00', '09:30', '10:00']);
  });

  it('restricts a range to its pmsAppointmentTypeIds', async () => {
    await t.api('POST', '/availability/snapshot', {
      date: TOMORROW,
      pmsResourceId: 'r1',
      availability: [{ start: '09:00', end: '10:00', slotLength: 1800, pmsAppointmentTypeIds: ['long'] }],
    });
    const patientBooking = (type: string) =>
      t.harness('POST', `/practices/${t.practiceId}/bookings`, {
        pmsResourceId: 'r1',
        pmsAppointmentTypeId: type,
        start: `${TOMORROW} 09:00:00`,
        patient: { firstname: 'A', lastname: 'B', dob: '01-02-1990' },
      });
    expect((await patientBooking('std')).status).toBe(409);
    expect((await patientBooking('long')).status).toBe(201);
  });

  it('refuses an unknown resource and a range ending before it starts (400, nothing changed)', async () => {
    const unknown = await t.api('POST', '/availability/snapshot', {
      date: TOMORROW,
      pmsResourceId: 'zz',
      availability: [],
    });
    expect(unknown).toMatchObject({ status: 400, body: { error: 'pmsResourceId zz is not in the resource snapshot' } });
    const backwards = await t.api('POST', '/availability/snapshot', {
      date: TOMORROW,
      pmsResourceId: 'r1',
      availability: [{ start: '10:00', end: '09:00', slotLength: 900 }],
    });
    expect(backwards).toMatchObject({ status: 400, body: { error: 'availability[0].end must be after start' } });
    expect(startsOf(await published(), 'r1')).toHaveLength(12);
  });

  it('an empty snapshot unpublishes the day; 23:59 means the end of the day', async () => {
    await t.api('POST', '/availability/snapshot', { date: TOMORROW, pmsResourceId: 'r1', availability: [] });
    expect(startsOf(await published(), 'r1')).toEqual([]);
    await t.api('POST', '/availability/snapshot', {
      date: TOMORROW,
      pmsResourceId: 'r1',
      availability: [{ start: '23:00', end: '23:59', slotLength: 1800 }],
    });
    expect(startsOf(await published(), 'r1')).toEqual(['23:00', '23:30']);
  });
});

describe('bulk availability snapshots', () => {
  it('answers created, existing, failed and errors by id or array index', async () => {
    const good = {
      date: TOMORROW,
      pmsResourceId: 'r1',
      availability: [{ start: '09:00', end: '10:00', slotLength: 900 }],
    };
    const res = await t.api('POST', '/availability/snapshots', [
      { ...good, id: 'a' },
      { ...good, pmsResourceId: 'r2' },
      { date: 'bad', pmsResourceId: 'r1', availability: [] },
      { ...good, pmsResourceId: 'nope', id: 'n' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      created: ['a', '1'],
      existing: [],
      failed: ['2', 'n'],
      errors: [
        { snapshot: '2', error: 'date must be a date YYYY-MM-DD' },
        { snapshot: 'n', error: 'pmsResourceId nope is not in the resource snapshot' },
      ],
    });
    const again = await t.api('POST', '/availability/snapshots', [good, { ...good, date: '2026-03-04' }]);
    expect(again.body).toEqual({ created: ['1'], existing: ['0'], failed: [] });
    await t.advance(61 * 60_000);
    expect((await t.api('POST', '/availability/snapshots', [good])).body).toEqual({
      created: ['0'],
      existing: [],
      failed: [],
    });
  });

  it('refuses more than 100 snapshots or a non-array body as a whole (400)', async () => {
    const many = Array.from({ length: 101 }, () => ({ date: TOMORROW, pmsResourceId: 'r1', availability: [] }));
    expect(await t.api('POST', '/availability/snapshots', many)).toMatchObject({
      status: 400,
      body: { error: 'at most 100 snapshots per call (got 101)' },
    });
    expect((await t.api('POST', '/availability/snapshots', { date: TOMORROW })).status).toBe(400);
  });

  it('resolves a day-wide availability request once every resource has answered for that day', async () => {
    await t.harness('POST', `/practices/${t.practiceId}/requests`, { type: 'availability', day: TOMORROW });
    expect((await t.api('GET', '/requests/availability')).body.data).toEqual([{ day: TOMORROW }]);
    await t.api('POST', '/availability/snapshots', [
      { date: TOMORROW, pmsResourceId: 'r1', availability: [{ start: '13:00', end: '14:00', slotLength: 900 }] },
    ]);
    expect((await t.api('GET', '/requests')).body).toEqual(['availability']);
    await t.api('POST', '/availability/snapshots', [
      { date: TOMORROW, pmsResourceId: 'r2', availability: [{ start: '09:00', end: '11:00', slotLength: 900 }] },
    ]);
    expect((await t.api('GET', '/requests')).body).toEqual([]);
  });

  it('strict (the default): an existing (ignored) bulk snapshot does not resolve a request; the same day sent on its own does', async () => {
    const day = {
      date: TOMORROW,
      pmsResourceId: 'r1',
      availability: [{ start: '15:00', end: '16:00', slotLength: 900 }],
    };
    await t.api('POST', '/availability/snapshots', [day]);
    await t.harness('POST', `/practices/${t.practiceId}/requests`, {
      type: 'availability',
      day: TOMORROW,
      pmsResourceId: 'r1',
    });
    expect((await t.api('POST', '/availability/snapshots', [day])).body).toEqual({
      created: [],
      existing: ['0'],
      failed: [],
    });
    expect((await t.api('GET', '/requests')).body).toEqual(['availability']);
    expect((await t.api('POST', '/availability/snapshot', day)).status).toBe(200);
    expect((await t.api('GET', '/requests')).body).toEqual([]);
  });
});
