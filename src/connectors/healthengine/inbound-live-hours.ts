// Whether an instant falls inside the connection's liveness hours (practice time zone,
// public holidays), for polling only within live hours. Pure.
import { isoDayOfWeek, parseHhmm, toLocal } from '../../core/availability/index.ts';
import type { HealthengineSettings } from './settings.ts';

const DAY_KEYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

export function isLive(
  settings: Pick<HealthengineSettings, 'liveHours' | 'publicHolidays'>,
  timeZone: string,
  now: number,
): boolean {
  const local = toLocal(now, timeZone);
  const key = settings.publicHolidays.includes(local.date)
    ? 'publicHolidays'
    : (DAY_KEYS[isoDayOfWeek(local.date) - 1] ?? 'monday');
  return settings.liveHours[key].some((r) => {
    const end = r.end === '23:59' ? 24 * 60 : parseHhmm(r.end);
    return local.minute >= parseHhmm(r.start) && local.minute < end;
  });
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, Healthengine's timestamp form. */
export function heTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
