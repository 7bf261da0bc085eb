// Health: the 10-minute rules inside live hours (time zone, public holidays), unpublishing.
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

const MIN = 60_000;
const health = async () => (await t.harness('GET', `/practices/${t.practiceId}/health`)).body;
const poll = () => t.api('GET', '/requests');
/** Perth is UTC+8; the test clock starts Monday 09:00 Perth. */
const weekdays = (start: string, end: string) =>
  Object.fromEntries(['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((d) => [d, [{ start, end }]]));

describe('10-minute pending rule', () => {
  it('a booking request pending for 10 minutes inside live hours makes the practice unhealthy and hides its availability', async () => {
    expect(t.timezone).toBe('Australia/Perth');
    const { body } = await book(t, `${TOMORROW} 09:00:00`);
    await t.advance(9 * MIN + 59_000);
    await poll();
    expect((await health()).healthy).toBe(true);
    await t.advance(1000);
    await poll();
    const unhealthy = await health();
    expect(unhealthy).toMatchObject({
      healthy: false,
      appointmentsHidden: true,
      reasons: [{ rule: 'request-pending', type: 'bookings' }],
    });
    expect((await t.harness('GET', `/practices/${t.practiceId}/availability?date=${TOMORROW}`)).body).toMatchObject({
      published: false,
      slots: [],
    });
    expect(await book(t, `${TOMORROW} 10:00:00`)).toMatchObject({
      status: 409,
      body: { error: expect.stringMatching(/unhealthy/) },
    });
    await t.api('POST', `/bookings/${body.bookingId}/confirmInsert`, { pmsAppointmentIds: ['A'], pmsPatientId: 'P' });
    expect((await health()).healthy).toBe(true);
    expect((await book(t, `${TOMORROW} 10:00:00`)).status).toBe(201);
  });

  it('counts only live time: pending outside the liveness contract does not make the practice unhealthy', async () => {
    await t.api('POST', '/config/livenessContract', { liveHours: weekdays('09:00', '09:05') });
    await t.harness('POST', `/practices/${t.practiceId}/requests`, { type: 'availability', day: TOMORROW });
    await t.advance(4 * 60 * MIN); // 13:00 Perth: only 5 live minutes have passed
    const afterDay = await health();
    expect(afterDay).toMatchObject({ healthy: true, live: false });
    await t.advance(20 * 60 * MIN); // Tuesday 09:00 Perth
    await t.advance(5 * MIN); // 10 live minutes in all
    const h = await health();
    expect(h.healthy).toBe(false);
    expect(h.reasons.map((r: { rule: string }) => r.rule)).toEqual(['request-pending', 'not-polled']);
  });

  it('uses the publicHolidays ranges on a public holiday', async () => {
    await t.harness('PUT', `/practices/${t.practiceId}/public-holidays`, { dates: ['2026-03-02'] });
    await t.api('POST', '/config/livenessContract', {
      liveHours: { ...weekdays('00:00', '23:59'), publicHolidays: [] },
    });
    await t.harness('POST', `/practices/${t.practiceId}/requests`, {
      type: 'bookingUpdates',
      bookingId: (await book(t, `${TOMORROW} 11:00:00`)).body.bookingId,
      bookingStatus: 'Confirmed',
    });
    await t.advance(60 * MIN);
    expect(await health()).toMatchObject({ healthy: true, live: false });
    await t.api('POST', '/config/livenessContract', {
      liveHours: { ...weekdays('00:00', '23:59'), publicHolidays: [{ start: '08:00', end: '18:00' }] },
    });
    expect(await health()).toMatchObject({ healthy: false, live: true });
  });
});

describe('configurable readings', () => {
  it('feature requests left pending count only when featureRequestsAffectHealth is on', async () => {
    await t.api('POST', '/features/clientSnapshots/enable');
    await t.harness('POST', `/practices/${t.practiceId}/requests`, { type: 'clientSnapshots', date: TOMORROW });
    for (let i = 0; i < 3; i++) {
      await t.advance(4 * MIN);
      await poll();
    }
    expect((await health()).healthy).toBe(true);
    await t.harness('POST', '/config', { featureRequestsAffectHealth: true });
    expect(await health()).toMatchObject({
      healthy: false,
      reasons: [{ rule: 'request-pending', type: 'clientSnapshots' }],
    });
  });

  it('without a liveness contract the practice is always live, or never (withoutLivenessContract)', async () => {
    expect((await health()).live).toBe(true);
    await t.harness('POST', '/config', { withoutLivenessContract: 'never-live' });
    await t.advance(60 * MIN);
    expect(await health()).toMatchObject({ live: false, healthy: true });
  });
});

describe('poll-gap rule', () => {
  it('no GET /requests for 10 live minutes makes the practice unhealthy; a poll makes it healthy again', async () => {
    await t.advance(10 * MIN);
    expect(await health()).toMatchObject({ healthy: false, reasons: [{ rule: 'not-polled' }] });
    expect((await book(t, `${TOMORROW} 09:00:00`)).status).toBe(409);
    await poll();
    expect((await health()).healthy).toBe(true);
  });

  it('can be switched off', async () => {
    await t.harness('POST', '/config', { pollGapRule: false });
    await t.advance(60 * MIN);
    expect((await health()).healthy).toBe(true);
  });

  it('overlapping and unsorted ranges are merged; a day without ranges is not live', async () => {
    await t.api('POST', '/config/livenessContract', {
      liveHours: {
        monday: [
          { start: '09:30', end: '10:00' },
          { start: '08:00', end: '09:45' },
        ],
      },
    });
    await t.advance(59 * MIN); // 09:59 Perth Monday: 59 live minutes without a poll
    expect(await health()).toMatchObject({ healthy: false, live: true });
    await poll();
    await t.advance(2 * MIN); // 10:01: no longer live
    expect(await health()).toMatchObject({ healthy: true, live: false });
    await t.advance(24 * 60 * MIN); // Tuesday has no ranges
    expect(await health()).toMatchObject({ healthy: true, live: false });
  });
});

describe('practice time zone', () => {
  it("judges live hours in each practice's own zone (Perth 09:00 is Sydney 12:00 in March)", async () => {
    const sydney = (await t.harness('POST', '/practices', { timezone: 'Australia/Sydney' })).body;
    const contract = { liveHours: { monday: [{ start: '11:00', end: '13:00' }] } };
    await t.api('POST', '/config/livenessContract', contract);
    await t.api('POST', '/config/livenessContract', contract, { practice: sydney });
    expect(await health()).toMatchObject({ live: false });
    const sydneyHealth = (await t.harness('GET', `/practices/${sydney.practiceId}/health`)).body;
    expect(sydneyHealth).toMatchObject({ live: true, healthy: true });
    await t.advance(10 * MIN);
    expect((await t.harness('GET', `/practices/${sydney.practiceId}/health`)).body).toMatchObject({
      healthy: false,
      reasons: [{ rule: 'not-polled' }],
    });
    expect(await health()).toMatchObject({ healthy: true });
  });
});
