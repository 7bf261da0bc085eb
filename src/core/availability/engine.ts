// The availability engine: from a resource's schedule (weekly hours, dated exceptions, time
// off) and everything already booked on it, the free ranges of each local day, grouped by
// appointment-type length so Healthengine cuts them into bookable slots. Pure: the time zone,
// "now" and all records come in as arguments.
import { normalize, subtract, type Interval } from './ranges.ts';
import {
  addDays,
  formatHhmm,
  isoDayOfWeek,
  localMinuteExists,
  localToUtc,
  offsetMinutes,
  parseHhmm,
  toLocal,
} from './time.ts';

export interface HoursRange {
  start: string;
  end: string;
}
export interface ScheduleInput {
  weeklyHours: Array<HoursRange & { dayOfWeek: number }>;
  exceptions: Array<{ date: string; hours: HoursRange[] }>;
  timeOff: Array<{ start: string; end: string }>;
}
/** Something that occupies the resource, as instants (ms since epoch): an appointment of any source. */
export interface Busy {
  start: number;
  end: number;
}
export interface OfferedType {
  id: string;
  durationMinutes: number;
}
export interface ResourceInput {
  id: string;
  schedule: ScheduleInput | null;
  busy: Busy[];
  appointmentTypes: OfferedType[];
}

export interface AvailabilityRange {
  start: string;
  end: string;
  slotLength: number;
  pmsAppointmentTypeIds?: string[];
}
export interface DayAvailability {
  resourceId: string;
  date: string;
  ranges: AvailabilityRange[];
}

export const DEFAULT_WINDOW_DAYS = 30;
export const MAX_WINDOW_DAYS = 90;
const DAY = 24 * 60;

/** The first local date and the number of days of a publication window starting today. */
export function windowDates(now: number, timeZone: string, days: number): string[] {
  const count = Math.max(1, Math.min(MAX_WINDOW_DAYS, Math.floor(days)));
  const today = toLocal(now, timeZone).date;
  return Array.from({ length: count }, (_, i) => addDays(today, i));
}

/** Working hours of a date: a dated exception replaces the weekly hours (empty = closed). */
function workingHours(schedule: ScheduleInput, date: string): Interval[] {
  const exception = schedule.exceptions.find((e) => e.date === date);
  const hours = exception ? exception.hours : schedule.weeklyHours.filter((h) => h.dayOfWeek === isoDayOfWeek(date));
  return normalize(hours.map((h) => [parseHhmm(h.start), h.end === '23:59' ? DAY : parseHhmm(h.end)] as Interval));
}

/** Local minutes of `date` covered by an instant range; wall-clock, so a repeated hour blocks both occurrences. */
function busyMinutes(
  busy: Busy,
  date: string,
  dayStart: number,
  dayEnd: number,
  timeZone: string,
): Interval | undefined {
  if (busy.end <= dayStart || busy.start >= dayEnd) return undefined;
  const start = busy.start <= dayStart ? 0 : toLocal(busy.start, timeZone).minute;
  const end =
    busy.end >= dayEnd ? DAY : Math.ceil(toLocal(busy.end, timeZone).minute + toLocal(busy.end, timeZone).second / 60);
  // Crossing a fall-back transition, the wall clock runs backwards: block the whole hour around it.
  return end > start ? [start, end] : [Math.min(start, end), Math.min(DAY, start + 60)];
}

/** Local minutes that do not exist on a spring-forward day. */
function gapMinutes(date: string, dayStart: number, dayEnd: number, timeZone: string): Interval[] {
  if (offsetMinutes(dayStart, timeZone) === offsetMinutes(dayEnd - 1, timeZone)) return [];
  const gaps: Interval[] = [];
  for (let m = 0; m < DAY; m += 15) if (!localMinuteExists(date, m, timeZone)) gaps.push([m, m + 15]);
  return normalize(gaps);
}

/** Free local minute intervals of one resource on one date. */
export function freeIntervals(resource: ResourceInput, date: string, timeZone: string): Interval[] {
  if (!resource.schedule) return [];
  const dayStart = localToUtc(date, 0, timeZone);
  const dayEnd = localToUtc(addDays(date, 1), 0, timeZone);
  const timeOff: Busy[] = resource.schedule.timeOff.map((t) => ({
    start: Date.parse(t.start),
    end: Date.parse(t.end),
  }));
  const blocked = [...resource.busy, ...timeOff]
    .map((b) => busyMinutes(b, date, dayStart, dayEnd, timeZone))
    .filter((i): i is Interval => i !== undefined);
  return subtract(workingHours(resource.schedule, date), [...blocked, ...gapMinutes(date, dayStart, dayEnd, timeZone)]);
}

/** Appointment types grouped by length: one range per free interval per length. */
function lengthGroups(types: OfferedType[]): Array<{ minutes: number; ids: string[] }> {
  const byLength = new Map<number, string[]>();
  for (const t of types) byLength.set(t.durationMinutes, [...(byLength.get(t.durationMinutes) ?? []), t.id]);
  return [...byLength.entries()].sort((a, b) => a[0] - b[0]).map(([minutes, ids]) => ({ minutes, ids: ids.sort() }));
}

export function rangesFor(free: Interval[], types: OfferedType[], defaultSlotMinutes: number): AvailabilityRange[] {
  const groups = lengthGroups(types);
  const ranges: AvailabilityRange[] = [];
  for (const [s, e] of free) {
    if (groups.length === 0) {
      if (e - s >= defaultSlotMinutes)
        ranges.push({ start: formatHhmm(s), end: formatHhmm(e), slotLength: defaultSlotMinutes * 60 });
      continue;
    }
    for (const g of groups) {
      if (e - s >= g.minutes)
        ranges.push({
          start: formatHhmm(s),
          end: formatHhmm(e),
          slotLength: g.minutes * 60,
          pmsAppointmentTypeIds: g.ids,
        });
    }
  }
  return ranges;
}

export interface AvailabilityQuery {
  timeZone: string;
  dates: string[];
  resources: ResourceInput[];
  defaultSlotMinutes?: number;
}

/** Every (resource, date) of the query, including days with no free time (an empty snapshot closes the day). */
export function computeAvailability(q: AvailabilityQuery): DayAvailability[] {
  const out: DayAvailability[] = [];
  for (const resource of q.resources) {
    for (const date of q.dates) {
      out.push({
        resourceId: resource.id,
        date,
        ranges: rangesFor(
          freeIntervals(resource, date, q.timeZone),
          resource.appointmentTypes,
          q.defaultSlotMinutes ?? 15,
        ),
      });
    }
  }
  return out;
}

/** Whether [start, end) (instants) lies inside the resource's free time on its local date. */
export function isFree(resource: ResourceInput, start: number, end: number, timeZone: string): boolean {
  const local = toLocal(start, timeZone);
  const endLocal = toLocal(end, timeZone);
  const endMinute = endLocal.date === local.date ? endLocal.minute : DAY;
  if (endLocal.date !== local.date && !(endLocal.date === addDays(local.date, 1) && endLocal.minute === 0))
    return false;
  return freeIntervals(resource, local.date, timeZone).some(([s, e]) => s <= local.minute && endMinute <= e);
}
