// From inbox to jobs. The webhook receiver only inserts the inbox row and wakes the drainer
// (debounced, in process); the drain job ('hint:drain-inbox', one at a time per connection)
// turns every inbox row not yet queued into a per-record processing job, many per statement
// (enqueueMany over graphile_worker.add_jobs: one NOTIFY per batch instead of one per event), and
// settles at once the patient events that would change nothing (our own writes coming back).
// The cron sweep also wakes every drainer, so a process dying between insert and wake-up
// delays an event by a minute at most; it is never lost.
import { settleTaken, takeUnqueued, type UnqueuedEvent } from '../../db/inbox.ts';
import { findLinksByRemoteId } from '../../db/links.ts';
import { inTransaction, type Db, type Queryable } from '../../db/pool.ts';
import type { Logger } from '../../logger.ts';
import { DEFAULT_MAX_ATTEMPTS, enqueue, enqueueMany } from '../../jobs/queue.ts';
import type { TaskHandler } from '../../jobs/types.ts';
import { changesNothing } from './inbound-patient.ts';
import { loadConnection, type HintDeps } from './connection.ts';
import { hintPatientSchema } from './schemas.ts';
import { jobKeys, queues } from './queues.ts';
import { readNameEchoes } from './store.ts';
import { unlessGone } from '../../core/errors.ts';

const BATCH = 1000;
const HANDLED = ['patient', 'practitioner', 'membership', 'customer_invoice', 'integration', 'installation'];

/**
 * The receiver's wake-up of a connection's drainer, debounced in process. The wait grows with
 * the rate of events (10 ms when quiet, up to 100 ms past 2,000 events/s in this process): each
 * wake-up rewrites the drain job's row and wakes every worker through NOTIFY, which at thousands
 * of events a second on several api processes cost more than the drain itself, while the
 * drainer takes up to a thousand rows a turn however late it is woken.
 */
export function drainerWaker(db: Db, logger: Pick<Logger, 'warn'>, minMs = 10, maxMs = 100) {
  const timers = new Map<string, NodeJS.Timeout>();
  const rate = new Map<string, { second: number; events: number; lastSecond: number }>();
  const waitFor = (connectionId: string) => {
    const second = Math.floor(Date.now() / 1000);
    const r = rate.get(connectionId) ?? { second, events: 0, lastSecond: 0 };
    if (r.second !== second)
      Object.assign(r, { lastSecond: r.second === second - 1 ? r.events : 0, second, events: 0 });
    r.events += 1;
    rate.set(connectionId, r);
    return Math.min(maxMs, Math.max(minMs, Math.round(Math.max(r.events, r.lastSecond) / 20)));
  };
  return (practiceId: string, connectionId: string) => {
    const wait = waitFor(connectionId);
    if (timers.has(connectionId)) return;
    timers.set(
      connectionId,
      setTimeout(() => {
        timers.delete(connectionId);
        // Swallowed on purpose (logged, database errors by code only): the webhook is already
        // stored, and the one-minute reconcile sweep wakes any connection whose wake-up was lost.
        void wakeDrainer(db, practiceId, connectionId).catch((err: unknown) => {
          logger.warn({ connectionId, err }, 'hint inbox drainer not woken; the minute sweep will');
        });
      }, wait),
    );
  };
}

export async function wakeDrainer(db: Db, practiceId: string, connectionId: string): Promise<void> {
  await enqueue(
    db,
    'hint:drain-inbox',
    { practiceId, connectionId },
    {
      queue: queues.drain(connectionId),
      jobKey: jobKeys.drain(connectionId),
      jobKeyMode: 'preserve_run_at',
      maxAttempts: 25,
    },
  );
}

export function drainInboxTask(deps: HintDeps): TaskHandler<'hint:drain-inbox'> {
  return async ({ practiceId, connectionId }) => {
    while ((await drainBatch(deps, practiceId, connectionId)) === BATCH) {
      /* until drained */
    }
  };
}

const objectIdOf = (r: UnqueuedEvent) => String(r.object?.id ?? 'none').slice(0, 100);

async function drainBatch(deps: HintDeps, practiceId: string, connectionId: string): Promise<number> {
  return inTransaction(deps.db, async (tx) => {
    const rows = await takeUnqueued(tx, connectionId, BATCH);
    if (rows.length === 0) return 0;
    // Hint sends every event type to every endpoint; the ones this connector does not handle
    // are marked ignored here, without a job each.
    const isHandled = (r: UnqueuedEvent) => HANDLED.includes(r.eventType.split('.')[0]!);
    const handled = rows.filter(isHandled);
    const ignored = rows.filter((r) => !isHandled(r));
    const settled = new Set(await settledEchoes(deps, tx, practiceId, connectionId, handled));
    const toQueue = handled.filter((r) => !settled.has(r.id));
    await settleTaken(tx, {
      ignored: { ids: ignored.map((r) => r.id), reason: 'event type not handled' },
      processed: { ids: [...settled], reason: 'already known (our own write, or an older version)' },
      queued: toQueue.map((r) => r.id),
    });
    // One job per event, in order per Hint record (its queue), many per statement.
    await enqueueMany(
      tx,
      toQueue.map((r) => ({
        name: 'hint:process-event' as const,
        payload: { practiceId, connectionId, inboxId: Number(r.id) },
        options: { queue: queues.record(connectionId, objectIdOf(r)), maxAttempts: DEFAULT_MAX_ATTEMPTS },
      })),
    );
    return rows.length;
  });
}

/**
 * Patient events that would change nothing — above all, the webhook Hint sends back for each
 * of our own writes — are settled here, so an outbound change costs no processing job on its
 * way back. Anything in doubt (no link yet, a value we did not write) goes to a job as before.
 */
async function settledEchoes(
  deps: HintDeps,
  tx: Queryable,
  practiceId: string,
  connectionId: string,
  rows: UnqueuedEvent[],
): Promise<string[]> {
  const candidates = rows.flatMap((r) => {
    if (r.eventType !== 'patient.created' && r.eventType !== 'patient.updated') return [];
    const parsed = hintPatientSchema.safeParse(r.object);
    return parsed.success ? [{ id: r.id, patient: parsed.data }] : [];
  });
  if (candidates.length === 0) return [];
  const loaded = await unlessGone(loadConnection(deps, practiceId, connectionId));
  if (!loaded) return [];
  const links = await findLinksByRemoteId(
    tx,
    practiceId,
    connectionId,
    'patient',
    candidates.map((c) => c.patient.id),
  );
  const echoes = await readNameEchoes(
    tx,
    [...links.values()].map((l) => l.id),
  );
  return candidates
    .filter((c) => {
      const link = links.get(c.patient.id);
      return link !== undefined && changesNothing(deps, loaded, link, c.patient, echoes.get(link.id));
    })
    .map((c) => c.id);
}
