// Health as Healthengine judges it: inside the practice's liveness hours (its time zone,
// public holidays included), a critical request pending for 10 minutes, or no /requests poll
// for 10 minutes, makes the practice unhealthy, and an unhealthy practice's availability is
// unpublished until the cause is gone. Evaluated on demand from the clock, so it is exact
// under a fake clock and needs no timers.
import type { EmulatorConfig } from './config.ts';
import { CRITICAL_TYPES, featureOfType } from './queue.ts';
import type { EmulatorState, Practice, Range } from './state.ts';
import { addDays, localParts, localToUtc, minutesOf } from './time.ts';

const DAY_KEYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** Live minute ranges of a local date, merged: unsorted/overlapping ranges and `23:59` ends handled. */
export function liveRangesOn(practice: Practice, config: EmulatorConfig, date: string): Array<[number, number]> {
  if (!practice.liveness) return config.withoutLivenessContract === 'always-live' ? [[0, 1440]] : [];
  const hours = practice.liveness.liveHours ?? {};
  const weekday = DAY_KEYS[new Date(`${date}T00:00:00Z`).getUTCDay()] ?? 'monday';
  let ranges: Range[] | undefined = hours[weekday];
  if (practice.publicHolidays.has(date)) {
    if (hours.publicHolidays !== undefined) ranges = hours.publicHolidays;
    else if (config.holidayWithoutPublicHolidaysKey === 'not-live') ranges = [];
  }
  return mergeRanges((ranges ?? []).map((r) => [minutesOf(r.start), minutesOf(r.end, true)] as [number, number]));
}

function mergeRanges(ranges: Array<[number, number]>): Array<[number, number]> {
  const sorted = ranges.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [s, e] of sorted) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged;
}

export function isLiveAt(practice: Practice, config: EmulatorConfig, ms: number): boolean {
  const local = localParts(ms, practice.timezone);
  return liveRangesOn(practice, config, local.date).some(([s, e]) => local.minuteOfDay >= s && local.minuteOfDay < e);
}

/** How much of [from, to) fell inside live hours, counting at most `cap` ms. */
export function liveDurationMs(
  practice: Practice,
  config: EmulatorConfig,
  from: number,
  to: number,
  cap = Infinity,
): number {
  if (to <= from) return 0;
  if (!practice.liveness && config.withoutLivenessContract === 'always-live') return Math.min(to - from, cap);
  let total = 0;
  let date = localParts(from, practice.timezone).date;
  const lastDate = localParts(to, practice.timezone).date;
  for (let guard = 0; guard < 400 && date <= lastDate && total < cap; guard++) {
    for (const [s, e] of liveRangesOn(practice, config, date)) {
      const start = Math.max(from, localToUtc(date, s, practice.timezone));
      const end = Math.min(to, localToUtc(date, e, practice.timezone));
      if (end > start) total += end - start;
    }
    date = addDays(date, 1);
  }
  return Math.min(total, cap);
}

export interface HealthReason {
  rule: 'request-pending' | 'not-polled';
  type?: string;
  requestId?: number;
  since: number;
}
export interface Health {
  healthy: boolean;
  live: boolean;
  reasons: HealthReason[];
}

export function evaluateHealth(state: EmulatorState, practice: Practice): Health {
  const { config } = state;
  const now = state.clock.now();
  const reasons: HealthReason[] = [];
  const oldest = oldestCountedRequest(practice, config);
  if (
    oldest &&
    liveDurationMs(practice, config, oldest.createdAt, now, config.unhealthyAfterMs) >= config.unhealthyAfterMs
  ) {
    reasons.push({ rule: 'request-pending', type: oldest.type, requestId: oldest.requestId, since: oldest.createdAt });
  }
  if (
    config.pollGapRule &&
    liveDurationMs(practice, config, practice.lastPolledAt, now, config.pollGapMs) >= config.pollGapMs
  ) {
    reasons.push({ rule: 'not-polled', since: practice.lastPolledAt });
  }
  return { healthy: reasons.length === 0, live: isLiveAt(practice, config, now), reasons };
}

/** The queue is in creation order, so the first counted item is the one that matters. */
function oldestCountedRequest(practice: Practice, config: EmulatorConfig) {
  return practice.pending.find((item) => {
    if (CRITICAL_TYPES.includes(item.type)) return true;
    const feature = featureOfType(item.type);
    return config.featureRequestsAffectHealth && feature !== undefined && practice.features.get(feature) === true;
  });
}
