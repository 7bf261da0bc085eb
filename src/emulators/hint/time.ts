// Hint renders timestamps in the practice's local offset with microseconds,
// e.g. 2017-02-05T06:23:00.000000-08:00; dates are YYYY-MM-DD.

function pad(n: number, width = 2): string {
  return String(Math.trunc(Math.abs(n))).padStart(width, '0');
}

export function formatTimestamp(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const offset = `${sign}${pad(offsetMinutes / 60)}:${pad(offsetMinutes % 60)}`;
  const date = local.toISOString().slice(0, 19);
  return `${date}.${pad(local.getUTCMilliseconds(), 3)}000${offset}`;
}

export function formatNullableTimestamp(ms: number | null, offsetMinutes: number): string | null {
  return ms === null ? null : formatTimestamp(ms, offsetMinutes);
}

export function formatDate(ms: number, offsetMinutes: number): string {
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** Whole years between a YYYY-MM-DD birth date and a moment. */
export function ageOn(dob: string | null, ms: number): number | null {
  if (!dob) return null;
  const birth = new Date(`${dob}T00:00:00Z`);
  const now = new Date(ms);
  let age = now.getUTCFullYear() - birth.getUTCFullYear();
  const beforeBirthday =
    now.getUTCMonth() < birth.getUTCMonth() ||
    (now.getUTCMonth() === birth.getUTCMonth() && now.getUTCDate() < birth.getUTCDate());
  if (beforeBirthday) age -= 1;
  return age;
}
