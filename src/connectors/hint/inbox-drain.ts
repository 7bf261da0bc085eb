// From inbox to jobs. The webhook receiver only inserts the inbox row and wakes the drainer
// (debounced, in process); the drain job ('hint:drain-inbox', one at a time per connection)
// turns every inbox row not yet queued into a per-record processing job, a thousand per
// statement (graphile_worker.add_jobs: one NOTIFY per batch instead of one per event).
// The cron sweep also wakes every drainer, so a process dying between insert and wake-up
// delays an event by a minute at most; it is never lost.
import { inTransaction, type Db } from '../../db/pool.ts';
import { DEFAULT_MAX_ATTEMPTS, enqueue } from '../../jobs/queue.ts';
import type { TaskHandler } from '../../jobs/types.ts';

const BATCH = 1000;
const HANDLED = ['patient', 'practitioner', 'membership', 'customer_invoice', 'integration', 'installation'];

export function drainerWaker(db: Db, debounceMs = 10) {
  const timers = new Map<string, NodeJS.Timeout>();
  return (practiceId: string, connectionId: string) => {
    if (timers.has(connectionId)) return;
    timers.set(connectionId, setTimeout(() => {
      timers.delete(connectionId);
      void wakeDrainer(db, practiceId, connectionId).catch(() => {});
    }, debounceMs));
  };
}

export async function wakeDrainer(db: Db, practiceId: string, connectionId: string): Promise<void> {
  await enqueue(db, 'hint:drain-inbox', { practiceId, connectionId }, {
    queue: `hint:drain:${connectionId}`, jobKey: `hint:drain:${connectionId}`, jobKeyMode: 'preserve_run_at', maxAttempts: 25,
  });
}

export function drainInboxTask(db: Db): TaskHandler<'hint:drain-inbox'> {
  return async ({ practiceId, connectionId }) => {
    while ((await drainBatch(db, practiceId, connectionId)) === BATCH) { /* until drained */ }
  };
}

async function drainBatch(db: Db, practiceId: string, connectionId: string): Promise<number> {
  return inTransaction(db, async (tx) => {
    // Rows are taken by marking them (queued_at), never by an id cursor: a row whose insert
    // commits after a later id's would be stepped over by a cursor and lost.
    // Hint sends every event type to every endpoint; the ones this connector does not handle
    // are marked ignored here, without a job each.
    const { rows: [batch] } = await tx.query(
      `WITH next AS (
         SELECT id, split_part(event_type, '.', 1) = ANY($5::text[]) AS handled,
                left(coalesce(payload->'object'->>'id', 'none'), 100) AS object_id
         FROM inbox WHERE connection_id = $1 AND status = 'pending' AND queued_at IS NULL
         ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED),
       ignored AS (
         UPDATE inbox SET status = 'ignored', error = 'event type not handled', processed_at = now()
         WHERE id IN (SELECT id FROM next WHERE NOT handled) RETURNING id),
       queued AS (
         UPDATE inbox SET queued_at = now() WHERE id IN (SELECT id FROM next WHERE handled) RETURNING id),
       added AS (
         SELECT graphile_worker.add_jobs(array_agg(ROW('hint:process-event',
           json_build_object('practiceId', $2::text, 'connectionId', $1::text, 'inboxId', id),
           'hint:' || $1::text || ':' || object_id, NULL, $4::int, NULL, NULL, NULL)::graphile_worker.job_spec ORDER BY id)) AS jobs
         FROM next WHERE handled HAVING count(*) > 0)
       SELECT (SELECT count(*) FROM next)::int AS n,
              (SELECT count(*) FROM added) AS _added, (SELECT count(*) FROM ignored) AS _ignored, (SELECT count(*) FROM queued) AS _queued`,
      [connectionId, practiceId, BATCH, DEFAULT_MAX_ATTEMPTS, HANDLED]);
    return batch.n;
  });
}
