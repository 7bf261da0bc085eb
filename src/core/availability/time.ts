// Wall-clock time in an IANA time zone, with Intl only. Local dates are `YYYY-MM-DD`, local
// times minutes past midnight. Daylight saving: a local time that does not exist (spring
// forward) maps to the instant just after the gap; a repeated hour (fall back) maps to its
// first occurrence.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface LocalParts {
  date: string;
  minute: number;
  second: number;
}

/** The local calendar date and minute of an instant. */
export function toLocal(ms: number, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) parts[p.type] = p.value;
  const hour = Number(parts.hour) % 24;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minute: hour * 60 + Number(parts.minute),
    second: Number(parts.second),
  };
}

/** Offset of local time from UTC at an instant, in minutes (Sydney in winter: +600). */
export function offsetMinutes(ms: number, timeZone: string): number {
  const local = toLocal(ms, timeZone);
  const asUtc = Date.parse(`${local.date}T00:00:00Z`) + local.minute * 60_000 + local.second * 1000;
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** The instant of a local date + minute. */
export function localToUtc(date: string, minute: number, timeZone: string): number {
  const naive = Date.parse(`${date}T00:00:00Z`) + minute * 60_000;
  // The offsets a day either side cover both sides of any transition on this date.
  const candidates = [
    ...new Set([naive - 86_400_000, naive + 86_400_000].map((ms) => naive - offsetMinutes(ms, timeZone) * 60_000)),
  ];
  const roundTrips = candidates.filter((ms) => {
    const l = toLocal(ms, timeZone);
    return l.date === date && l.minute === minute;
  });
  return roundTrips.length > 0 ? Math.min(...roundTrips) : Math.max(...candidates);
}

/** Whether a local minute exists on that date (false inside a spring-forward gap). */
export function localMinuteExists(date: string, minute: number, timeZone: string): boolean {
  const l = toLocal(localToUtc(date, minute, timeZone), timeZone);
  return l.date === date && l.minute === minute;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** ISO day of week: Monday 1 … Sunday 7. */
export function isoDayOfWeek(date: string): number {
  const d = new Date(Date.parse(`${date}T00:00:00Z`)).getUTCDay();
  return d === 0 ? 7 : d;
}

export function parseHhmm(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

export function formatHhmm(minute: number): string {
  const m = Math.min(minute, 24 * 60 - 1); // HH:MM cannot say 24:00; 23:59 is the end of the day
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
