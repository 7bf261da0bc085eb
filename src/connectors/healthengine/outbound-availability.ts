// Availability publication: compute every (resource, day) of the window with the pure engine,
// hash each day's content, and send only the days whose hash changed since the last accepted
// send, in bulk calls of at most 100. Each accepted chunk is remembered at once, so a failure
// half-way (Healthengine down, 429) loses nothing and repeats nothing on the retry.
import { createHash } from 'node:crypto';
import {
  addDays,
  computeAvailability,
  localToUtc,
  windowDates,
  MAX_WINDOW_DAYS,
} from '../../core/availability/index.ts';
import type { Db } from '../../db/pool.ts';
import { writeLog } from '../../db/logs.ts';
import type { HealthengineClient } from './client.ts';
import type { LoadedConnection } from './connection.ts';
import { engineResources, loadBusy, loadPublishedConfig } from './outbound-data.ts';
import { toSnapshot } from './mapping.ts';
import { publishedHashes, savePublished } from './store.ts';

export const BULK_LIMIT = 100;

export interface PublishScope {
  resourceIds?: string[];
  dates?: string[];
  force?: boolean;
  /**
   * Answering an availability request: a day Healthengine calls `existing` (ignored: same
   * content sent recently) does not resolve the request, so it is sent again on its own.
   */
  answer?: boolean;
}
export interface PublishResult {
  computed: number;
  sent: number;
  unchanged: number;
  failed: number;
}

const hashOf = (value: unknown) => createHash('sha1').update(JSON.stringify(value)).digest('hex');

/** The dates to publish: the window, or the requested dates that are not in the past (≤ 90 days ahead). */
function datesFor(scope: PublishScope, now: number, timeZone: string, windowDays: number): string[] {
  const window = windowDates(now, timeZone, windowDays);
  if (!scope.dates) return window;
  const today = window[0]!;
  const last = addDays(today, MAX_WINDOW_DAYS - 1);
  return [...new Set(scope.dates)].filter((d) => d >= today && d <= last).sort();
}

/**
 * `existing` means Healthengine ignored the day as sent recently. That is wrong for a day Tandem
 * has no record of publishing (a resource that left the snapshot, whose availability Healthengine
 * dropped, and came back; a re-link) and it does not resolve an availability request (`answer`):
 * those days are sent again on their own, through the call that has no `existing` answer.
 */
async function resendIgnored(
  client: HealthengineClient,
  chunk: Array<{ day: Parameters<typeof toSnapshot>[0]; known: boolean }>,
  ignored: string[],
  answering: boolean,
): Promise<void> {
  const again = new Set(ignored);
  for (const { day, known } of chunk) {
    const snapshot = toSnapshot(day);
    if (again.has(snapshot.id!) && (answering || !known)) await client.sendSnapshot(snapshot);
  }
}

export async function publishAvailability(
  db: Db,
  client: HealthengineClient,
  loaded: LoadedConnection,
  scope: PublishScope,
  now = Date.now(),
): Promise<PublishResult> {
  const { connection, settings } = loaded;
  const config = await loadPublishedConfig(db, connection.practiceId, settings.locationIds);
  const dates = datesFor(scope, now, config.timeZone, settings.windowDays);
  const only = scope.resourceIds ? new Set(scope.resourceIds) : undefined;
  const resourceIds = config.resources.map((r) => r.id).filter((id) => !only || only.has(id));
  if (dates.length === 0 || resourceIds.length === 0) return { computed: 0, sent: 0, unchanged: 0, failed: 0 };
  const from = localToUtc(dates[0]!, 0, config.timeZone);
  const to = localToUtc(addDays(dates.at(-1)!, 1), 0, config.timeZone);
  const busy = await loadBusy(db, connection.practiceId, resourceIds, from, to);
  const days = computeAvailability({
    timeZone: config.timeZone,
    dates,
    resources: engineResources(config, busy, new Set(resourceIds)),
  });
  const previous = await publishedHashes(db, connection.id, resourceIds, dates);
  const changed = days
    .map((day) => ({ day, hash: hashOf(day.ranges), known: previous.has(`${day.resourceId}|${day.date}`) }))
    .filter(({ day, hash }) => scope.force || previous.get(`${day.resourceId}|${day.date}`) !== hash);
  let failed = 0;
  for (let i = 0; i < changed.length; i += BULK_LIMIT) {
    const chunk = changed.slice(i, i + BULK_LIMIT);
    const result = await client.sendSnapshots(chunk.map(({ day }) => toSnapshot(day)));
    const refused = new Set(result.failed.map(String));
    failed += refused.size;
    await resendIgnored(client, chunk, result.existing.map(String), scope.answer === true);
    await savePublished(
      db,
      connection.id,
      chunk
        .filter(({ day }) => !refused.has(toSnapshot(day).id!))
        .map(({ day, hash }) => ({ resourceId: day.resourceId, date: day.date, hash })),
    );
    for (const e of result.errors ?? []) {
      await writeLog(db, connection.practiceId, {
        level: 'error',
        message: `Healthengine refused the availability snapshot ${e.snapshot}: ${e.error}`,
        connectionId: connection.id,
      });
    }
  }
  return { computed: days.length, sent: changed.length - failed, unchanged: days.length - changed.length, failed };
}
