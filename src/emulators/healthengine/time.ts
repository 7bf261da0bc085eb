// Practice-local time with Intl only (no tz library): the spec mixes UTC timestamps with
// practice-local dates and times, so every conversion goes through these few functions.
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
      weekday: 'long',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface LocalParts {
  date: string;
  time: string;
  seconds: number;
  weekday: string;
  minuteOfDay: number;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock reading at `ms` in `timeZone`. */
export function localParts(ms: number, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) parts[p.type] = p.value;
  const hour = Number(parts.hour) % 24;
  const minute = Number(parts.minute);
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${String(hour).padStart(2, '0')}:${parts.minute}`,
    seconds: Number(parts.second),
    weekday: String(parts.weekday).toLowerCase(),
    minuteOfDay: hour * 60 + minute,
  };
}

function offsetAt(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const asUtc = Date.parse(`${p.date}T${p.time}:${String(p.seconds).padStart(2, '0')}Z`);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant at which the wall clock in `timeZone` reads `date` + `minutes` past midnight. */
export function localToUtc(date: string, minutes: number, timeZone: string): number {
  const naive = Date.parse(`${date}T00:00:00Z`) + minutes * 60_000;
  const first = naive - offsetAt(naive, timeZone);
  return naive - offsetAt(first, timeZone);
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, the spec's timestamp form. */
export function formatUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** `YYYY-MM-DD HH:MM:SS` in the practice's time zone. */
export function formatLocal(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${p.date} ${p.time}:${String(p.seconds).padStart(2, '0')}`;
}

/** Parses `YYYY-MM-DD HH:MM:SS` as UTC; undefined when malformed. */
export function parseUtc(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text)) return undefined;
  const ms = Date.parse(`${text.replace(' ', 'T')}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `HH:MM` → minutes past midnight; `23:59` as an end means the end of the day. */
export function minutesOf(time: string, asEnd = false): number {
  const [h, m] = time.split(':').map(Number);
  const minutes = (h ?? 0) * 60 + (m ?? 0);
  return asEnd && minutes === 23 * 60 + 59 ? 24 * 60 : minutes;
}

export function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
