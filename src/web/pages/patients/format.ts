// Small formatting helpers shared by the record pages (overview, patients, reviews).
import type { LinkSummary } from '../../../http/schemas/records.ts';

export const systemNames: Record<string, string> = {
  hint: 'Hint',
  healthengine: 'Healthengine',
  salesforce: 'Salesforce',
  tandem: 'Tandem',
};

export const systemName = (system: string): string => systemNames[system] ?? system;

export const linkStatuses = ['synced', 'unsynced', 'errored', 'enabled'] as const;
export type LinkStatus = (typeof linkStatuses)[number];

export const statusColor: Record<string, string> = {
  synced: 'teal',
  unsynced: 'yellow',
  errored: 'red',
  enabled: 'blue',
  active: 'teal',
  pending: 'yellow',
  consent_needed: 'orange',
  error: 'red',
  disabled: 'gray',
  deactivated: 'gray',
};

/** "12 Mar 2026, 14:05" in the browser's time zone; "—" for nothing. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "3 minutes ago", "2 days ago": for "last synced" figures. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (seconds < 60) return 'just now';
  const units: [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, unit] of units) {
    const n = Math.floor(seconds / size);
    if (n >= 1) return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
  }
  return 'just now';
}

export function money(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) return '—';
  return (cents / 100).toLocaleString(undefined, { style: 'currency', currency: 'USD' });
}

export function fullName(p: { firstName: string; lastName: string; preferredName?: string | null }): string {
  return `${p.firstName} ${p.lastName}${p.preferredName ? ` (${p.preferredName})` : ''}`;
}

/** The link of a patient on one system, if any. */
export function linkOn(links: LinkSummary[], system: string): LinkSummary | undefined {
  return links.find((l) => l.system === system);
}
