// From inbox to jobs. The webhook receiver only inserts the inbox row and wakes the drainer
// (debounced, in process); the drain job ('hint:drain-inbox', one at a time per connection)
// turns every inbox row not yet queued into a per-record processing job, a thousand per
// statement (graphile_worker.add_jobs: one NOTIFY per batch instead of one per event), and
// settles at once the patient events that would change nothing (our own writes coming back).
// The cron sweep also wakes every drainer, so a process dying between insert and wake-up
// delays an event by a minute at most; it is never lost.
import { findLinksByRemoteId } from '../../db/links.ts';
import { inTransaction, type Db, type Queryable } from '../../db/pool.ts';
import { DEFAULT_MAX_ATTEMPTS, enqueue } from '../../jobs/queue.ts';
import type { TaskHandler } from '../../jobs/types.ts';
import { changesNothing } from './inbound-patient.ts';
import { loadConn, type HintRuntime } from './runtime.ts';
import { hintPatientSchema } from './schemas.ts';

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

export function drainInboxTask(rt: HintRuntime): TaskHandler<'hint:drain-inbox'> {
  return async ({ practiceId, connectionId }) => {
    while ((await drainBatch(rt, practiceId, connectionId)) === BATCH) { /* until drained */ }
  };
}

interface PendingRow { id: number; event_type: string; object: unknown }

async function drainBatch(rt: HintRuntime, practiceId: string, connectionId: string): Promise<number> {
  return inTransaction(rt.deps.db, async (tx) => {
    // Rows are taken by marking them (queued_at), never by an id cursor: a row whose insert
    // commits after a later id's would be stepped over by a cursor and lost.
    const { rows } = await tx.query<PendingRow>(
      `SELECT id, event_type, payload->'object' AS object FROM inbox
       WHERE connection_id = $1 AND status = 'pending' AND queued_at IS NULL
       ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`, [connectionId, BATCH]);
    if (rows.length === 0) return 0;
    const settled = await settledEchoes(rt, tx, practiceId, connectionId, rows);
    // Hint sends every event type to every endpoint; the ones this connector does not handle
    // are marked ignored here, without a job each.
    await tx.query(
      `WITH next AS (
         SELECT id, split_part(event_type, '.', 1) = ANY($5::text[]) AS handled, id = ANY($6::bigint[]) AS settled,
                left(coalesce(payload->'object'->>'id', 'none'), 100) AS object_id
         FROM inbox WHERE id = ANY($3::bigint[])),
       ignored AS (
         UPDATE inbox SET status = 'ignored', error = 'event type not handled', processed_at = now()
         WHERE id IN (SELECT id FROM next WHERE NOT handled) RETURNING id),
       echoes AS (
         UPDATE inbox SET status = 'processed', error = 'already known (our own write, or an older version)', processed_at = now()
         WHERE id IN (SELECT id FROM next WHERE handled AND settled) RETURNING id),
       queued AS (
         UPDATE inbox SET queued_at = now() WHERE id IN (SELECT id FROM next WHERE handled AND NOT settled) RETURNING id),
       added AS (
         SELECT graphile_worker.add_jobs(array_agg(ROW('hint:process-event',
           json_build_object('practiceId', $2::text, 'connectionId', $1::text, 'inboxId', id),
           'hint:' || $1::text || ':' || object_id, NULL, $4::int, NULL, NULL, NULL)::graphile_worker.job_spec ORDER BY id)) AS jobs
         FROM next WHERE handled AND NOT settled HAVING count(*) > 0)
       SELECT (SELECT count(*) FROM added) AS _added, (SELECT count(*) FROM ignored) AS _ignored,
              (SELECT count(*) FROM echoes) AS _echoes, (SELECT count(*) FROM queued) AS _queued`,
      [connectionId, practiceId, rows.map((r) => r.id), DEFAULT_MAX_ATTEMPTS, HANDLED, settled]);
    return rows.length;
  });
}

/**
 * Patient events that would change nothing — above all, the webhook Hint sends back for each
 * of our own writes — are settled here, so an outbound change costs no processing job on its
 * way back. Anything in doubt (no link yet, a value we did not write) goes to a job as before.
 */
async function settledEchoes(rt: HintRuntime, tx: Queryable, practiceId: string, connectionId: string, rows: PendingRow[]): Promise<number[]> {
  const candidates = rows.flatMap((r) => {
    if (r.event_type !== 'patient.created' && r.event_type !== 'patient.updated') return [];
    const parsed = hintPatientSchema.safeParse(r.object);
    return parsed.success ? [{ id: r.id, patient: parsed.data }] : [];
  });
  if (candidates.length === 0) return [];
  const hc = await loadConn(rt, practiceId, connectionId);
  if (!hc) return [];
  const links = await findLinksByRemoteId(tx, practiceId, connectionId, 'patient', candidates.map((c) => c.patient.id));
  return candidates.filter((c) => {
    const link = links.get(c.patient.id);
    return link !== undefined && changesNothing(rt, hc, link, c.patient);
  }).map((c) => c.id);
}
