// Polls /requests: every 5 s without a live webhook subscription, every 5 min with one (at
// least hourly, and inside Healthengine's 10-minute poll-gap rule), only within the liveness
// hours unless configured otherwise. A tick only enqueues the (deduplicated) processing job;
// while polls keep failing the gap doubles, up to 5 minutes, so an outage is not hammered.
import { locationZonesAcross } from '../../db/availability.ts';
import { listActiveConnections } from '../../db/connections.ts';
import type { Db } from '../../db/pool.ts';
import { enqueue } from '../../jobs/queue.ts';
import { settingsSchema } from './settings.ts';
import { processOptions } from './jobs.ts';
import { isLive } from './inbound-live-hours.ts';
import { pollStates } from './store.ts';

const TICK_MS = 1000;
const MAX_BACKOFF_MS = 300_000;

interface Tracked {
  enqueuedAt: number;
  misses: number;
}
interface Row {
  id: string;
  practice_id: string;
  settings: unknown;
  last_poll_at: Date | null;
  subscription_id: string | null;
  subscription_expires_at: Date | null;
  time_zone: string | null;
}

/** Every active connection with its poll state and its first location's time zone (three reads, any number of connections). */
async function pollTargets(db: Db): Promise<Row[]> {
  const connections = await listActiveConnections(db, 'healthengine');
  const firstLocation = (settings: unknown) => {
    const ids = (settings as { locationIds?: unknown } | null)?.locationIds;
    return Array.isArray(ids) && ids[0] !== undefined && ids[0] !== null ? String(ids[0]) : undefined;
  };
  const [states, zones] = await Promise.all([
    pollStates(
      db,
      connections.map((c) => c.id),
    ),
    locationZonesAcross(
      db,
      connections.flatMap((c) => {
        const locationId = firstLocation(c.settings);
        return locationId ? [{ practiceId: c.practiceId, locationId }] : [];
      }),
    ),
  ]);
  return connections.map((c) => {
    const state = states.get(c.id);
    return {
      id: c.id,
      practice_id: c.practiceId,
      settings: c.settings,
      last_poll_at: state?.lastPollAt ?? null,
      subscription_id: state?.subscriptionId ?? null,
      subscription_expires_at: state?.subscriptionExpiresAt ?? null,
      time_zone: zones.get(`${c.practiceId}:${firstLocation(c.settings)}`) ?? null,
    };
  });
}

export function startPoller(db: Db): { stop(): void } {
  const tracked = new Map<string, Tracked>();
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const rows = await pollTargets(db);
      const now = Date.now();
      for (const r of rows) await pollIfDue(db, tracked, r, now);
    } catch (e) {
      // The pool was closed (Tandem stopping): stop ticking. Anything else: the next tick tries again.
      if (e instanceof Error && /after calling end/i.test(e.message)) clearInterval(timer);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => {
    void tick();
  }, TICK_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

async function pollIfDue(db: Db, tracked: Map<string, Tracked>, r: Row, now: number): Promise<void> {
  const parsed = settingsSchema.safeParse(r.settings);
  if (!parsed.success) return;
  const settings = parsed.data;
  if (!settings.pollOutsideLiveHours && !isLive(settings, r.time_zone ?? 'Australia/Sydney', now)) return;
  const liveSubscription =
    settings.webhooks &&
    r.subscription_id !== null &&
    r.subscription_expires_at !== null &&
    r.subscription_expires_at.getTime() > now;
  const interval = 1000 * (liveSubscription ? settings.pollSecondsWithWebhook : settings.pollSecondsWithoutWebhook);
  const lastPoll = r.last_poll_at ? r.last_poll_at.getTime() : 0;
  const t = tracked.get(r.id) ?? { enqueuedAt: 0, misses: 0 };
  const failing = t.enqueuedAt > lastPoll;
  t.misses = failing ? t.misses : 0;
  const wait = failing ? Math.min(MAX_BACKOFF_MS, interval * 2 ** t.misses) : interval;
  if (now - Math.max(lastPoll, t.enqueuedAt) < wait) return;
  if (failing) t.misses += 1;
  t.enqueuedAt = now;
  tracked.set(r.id, t);
  await enqueue(
    db,
    'healthengine:process-requests',
    { practiceId: r.practice_id, connectionId: r.id },
    processOptions(r.id),
  );
}
