// Conversions between stored values and the wire: Salesforce writes dateTimes as
// 2025-09-09T13:59:41.000+0000 and reads any ISO-8601 with an offset.
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** CDC bodies on CometD carry dateTimes as UTC strings with Z (examples/cdc-*.json). */
export function formatDateTimeZ(ms: number): string {
  return new Date(ms).toISOString();
}

export function isValidDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** Epoch ms of an ISO-8601 dateTime (offset optional, UTC assumed), or undefined. */
export function parseDateTime(value: string): number | undefined {
  const m = DATETIME.exec(value);
  if (!m) return undefined;
  if (!isValidDate(`${m[1]}-${m[2]}-${m[3]}`)) return undefined;
  let zone = m[8] ?? 'Z';
  if (zone !== 'Z' && !zone.includes(':')) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const ms = (m[7] ?? '0').padEnd(3, '0').slice(0, 3);
  const t = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}.${ms}${zone}`);
  return Number.isNaN(t) ? undefined : t;
}

/** RFC-ish address check (§15.14): local@domain.tld, no spaces, one @, no empty labels. */
export function isValidEmail(value: string): boolean {
  return (
    /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(
      value,
    ) && !value.includes('..')
  );
}
