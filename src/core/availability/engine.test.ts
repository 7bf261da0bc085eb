import { describe, expect, it } from 'vitest';
import { computeAvailability, freeIntervals, isFree, windowDates, type ResourceInput } from './engine.ts';
import { localToUtc, toLocal } from './time.ts';

const TZ = 'Australia/Sydney';
const weekdays = (start: string, end: string) => [1, 2, 3, 4, 5, 6, 7].map((dayOfWeek) => ({ dayOfWeek, start, end }));
const resource = (over: Partial<ResourceInput> = {}): ResourceInput => ({
  id: 'r1',
  schedule: { weeklyHours: weekdays('09:00', '17:00'), exceptions: [], timeOff: [] },
  busy: [],
  appointmentTypes: [
    { id: 't15', durationMinutes: 15 },
    { id: 't30', durationMinutes: 30 },
    { id: 't30b', durationMinutes: 30 },
  ],
  ...over,
});
const at = (date: string, hhmm: string) => localToUtc(date, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)), TZ);

describe('availability engine', () => {
  it('publishes working hours as ranges per appointment-type length', () => {
    const [day] = computeAvailability({ timeZone: TZ, dates: ['2026-06-01'], resources: [resource()] });
    expect(day?.ranges).toEqual([
      { start: '09:00', end: '17:00', slotLength: 900, pmsAppointmentTypeIds: ['t15'] },
      { start: '09:00', end: '17:00', slotLength: 1800, pmsAppointmentTypeIds: ['t30', 't30b'] },
    ]);
  });

  it('splits ranges around appointments of any source and time off, and drops gaps shorter than a type', () => {
    const r = resource({
      busy: [{ start: at('2026-06-01', '10:00'), end: at('2026-06-01', '10:15') }],
      schedule: {
        weeklyHours: weekdays('09:00', '17:00'),
        exceptions: [],
        timeOff: [
          {
            start: new Date(at('2026-06-01', '12:00')).toISOString(),
            end: new Date(at('2026-06-01', '13:00')).toISOString(),
          },
        ],
      },
    });
    expect(freeIntervals(r, '2026-06-01', TZ)).toEqual([
      [540, 600],
      [615, 720],
      [780, 1020],
    ]);
    expect(isFree(r, at('2026-06-01', '10:00'), at('2026-06-01', '10:15'), TZ)).toBe(false);
    expect(isFree(r, at('2026-06-01', '10:15'), at('2026-06-01', '10:45'), TZ)).toBe(true);
    expect(isFree(r, at('2026-06-01', '11:45'), at('2026-06-01', '12:15'), TZ)).toBe(false);
  });

  it('applies dated exceptions: other hours, or closed', () => {
    const r = resource({
      schedule: {
        weeklyHours: weekdays('09:00', '17:00'),
        exceptions: [
          { date: '2026-06-02', hours: [] },
          { date: '2026-06-03', hours: [{ start: '13:00', end: '14:00' }] },
        ],
        timeOff: [],
      },
    });
    const days = computeAvailability({ timeZone: TZ, dates: ['2026-06-02', '2026-06-03'], resources: [r] });
    expect(days[0]?.ranges).toEqual([]);
    expect(days[1]?.ranges.map((x) => `${x.start}-${x.end}`)).toEqual(['13:00-14:00', '13:00-14:00']);
  });

  it('uses ISO weekdays (Monday 1, Sunday 7)', () => {
    const r = resource({
      schedule: { weeklyHours: [{ dayOfWeek: 7, start: '10:00', end: '11:00' }], exceptions: [], timeOff: [] },
    });
    expect(freeIntervals(r, '2026-06-07', TZ)).toEqual([[600, 660]]); // a Sunday
    expect(freeIntervals(r, '2026-06-08', TZ)).toEqual([]);
  });

  it('removes the missing hour on the spring-forward day', () => {
    const r = resource({ schedule: { weeklyHours: weekdays('00:00', '06:00'), exceptions: [], timeOff: [] } });
    expect(freeIntervals(r, '2026-10-04', TZ)).toEqual([
      [0, 120],
      [180, 360],
    ]);
    expect(freeIntervals(r, '2026-10-05', TZ)).toEqual([[0, 360]]);
  });

  it('maps appointments to wall-clock minutes across both daylight-saving transitions', () => {
    // 09:00 local on the day after each transition, booked as an instant.
    for (const date of ['2026-04-05', '2026-10-04']) {
      const r = resource({ busy: [{ start: at(date, '09:00'), end: at(date, '09:30') }] });
      expect(freeIntervals(r, date, TZ)).toEqual([[540 + 30, 1020]]);
      expect(toLocal(at(date, '09:00'), TZ)).toMatchObject({ date, minute: 540 });
    }
    // The repeated hour of the fall-back day: an appointment in its second occurrence blocks that wall-clock time.
    const secondTwoAm = localToUtc('2026-04-05', 120, TZ) + 3_600_000;
    expect(toLocal(secondTwoAm, TZ).minute).toBe(120);
    const r = resource({
      schedule: { weeklyHours: weekdays('00:00', '06:00'), exceptions: [], timeOff: [] },
      busy: [{ start: secondTwoAm, end: secondTwoAm + 1_800_000 }],
    });
    expect(freeIntervals(r, '2026-04-05', TZ)).toEqual([
      [0, 120],
      [150, 360],
    ]);
  });

  it('builds the window from the local date of now, capped at 90 days', () => {
    const now = Date.parse('2026-06-01T15:00:00Z'); // already 2 June in Sydney
    expect(windowDates(now, TZ, 3)).toEqual(['2026-06-02', '2026-06-03', '2026-06-04']);
    expect(windowDates(now, TZ, 500)).toHaveLength(90);
  });

  it('says 23:59 for a range that runs to midnight', () => {
    const r = resource({
      appointmentTypes: [],
      schedule: { weeklyHours: weekdays('22:00', '23:59'), exceptions: [], timeOff: [] },
    });
    expect(computeAvailability({ timeZone: TZ, dates: ['2026-06-01'], resources: [r] })[0]?.ranges).toEqual([
      { start: '22:00', end: '23:59', slotLength: 900 },
    ]);
  });
});
