// Initial sync as a batch: page through Hint's practitioners and patients within the rate
// limit, link each to its canonical twin (integration_record_id, then the matcher), create on
// the missing side, send uncertain pairs to review, or skip — per the connection's policy —
// then create in Hint the Tandem patients still unlinked. Re-running links nothing twice.
// A dry run walks the same path and reports what would happen, writing nothing.
// Records run concurrently (LanePool), so the rate limiter, not Tandem's own per-record work,
// is what paces the sync.
import { ConflictError, unlessGone } from '../../core/errors.ts';
import {
  addToTotal,
  batchView,
  createBatch,
  finishBatch,
  recordItems,
  startBatch,
  type BatchItem,
} from '../../db/batches.ts';
import type { Connection } from '../../db/connections.ts';
import { findLink } from '../../db/links.ts';
import { candidatesUnderReview } from '../../db/match-reviews.ts';
import { patients } from '../../db/records/kinds.ts';
import { unlinkedIds } from '../../db/unlinked.ts';
import { writeLog } from '../../db/logs.ts';
import { enqueue } from '../../jobs/queue.ts';
import type { TaskHandler } from '../../jobs/types.ts';
import { listPatients, listPractitioners, type Page } from './client-endpoints.ts';
import { invoicesPhase } from './initial-sync-invoices.ts';
import { classifyPatient, laneKeysOf, syncOnePatient } from './initial-sync-patient.ts';
import { LanePool } from './initial-sync-lanes.ts';
import type { Run } from './initial-sync-run.ts';
import { pushPatient } from './outbound-patient.ts';
import { absorbPractitioner } from './outbound-practitioner.ts';
import { loadConnection, type HintDeps } from './connection.ts';
import { HintApiError } from './client.ts';
import { queues } from './queues.ts';

const PAGE = 100;
const TANDEM_PAGE = 500;

/**
 * Records in flight at once. Each costs about one request plus its own database work, so
 * a fifth of the per-second limit in flight keeps ~200 ms of that work hidden behind the
 * limiter; bounded below for slow links and above for the database pool.
 */
export function concurrencyFor(rateLimitPerSecond: number): number {
  return Math.min(32, Math.max(4, Math.ceil(rateLimitPerSecond / 5)));
}

export async function startInitialSync(deps: HintDeps, connection: Connection, dryRun: boolean) {
  if (connection.status !== 'active')
    throw new ConflictError('the Hint connection is not active', [
      { field: 'status', message: `is ${connection.status}` },
    ]);
  const batch = await createBatch(deps.db, {
    practiceId: connection.practiceId,
    connectionId: connection.id,
    kind: 'hint:initial-sync',
    dryRun,
  });
  await enqueue(
    deps.db,
    'hint:initial-sync',
    { practiceId: connection.practiceId, connectionId: connection.id, batchId: batch.id },
    { queue: queues.initialSync(connection.id), maxAttempts: 5 },
  );
  return batchView(batch);
}

export function initialSyncTask(deps: HintDeps): TaskHandler<'hint:initial-sync'> {
  return async (payload, ctx) => runInitialSync(deps, payload, ctx.attempt >= ctx.maxAttempts);
}

/** The shared state of one run: what it has seen and how it reports. */
/** The phases, in order; each returns true when an abort was asked for. Invoices come last: they go through patients' links. */
const PHASES: ((run: Run) => Promise<boolean>)[] = [
  practitionersPhase,
  patientsPhase,
  unlinkedTandemPhase,
  invoicesPhase,
];

export async function runInitialSync(
  deps: HintDeps,
  p: { practiceId: string; connectionId: string; batchId: string },
  lastAttempt = true,
): Promise<void> {
  const { db } = deps;
  const loaded = await unlessGone(loadConnection(deps, p.practiceId, p.connectionId));
  if (!loaded) {
    await finishBatch(db, p.practiceId, p.batchId, 'failed', 'the Hint connection is not active');
    return;
  }
  const batch = await startBatch(db, p.practiceId, p.batchId);
  if (!batch) return; // aborted before it started
  const run: Run = {
    deps,
    loaded,
    batchId: batch.id,
    dryRun: batch.dryRun,
    concurrency: concurrencyFor(loaded.settings.rateLimitPerSecond),
    claimed: new Set(),
    inReview: new Set(),
  };
  try {
    let aborted = false;
    for (const phase of PHASES) if ((aborted = await phase(run))) break;
    await finishBatch(db, p.practiceId, p.batchId, aborted ? 'aborted' : 'completed');
    await writeLog(db, p.practiceId, {
      level: 'debug',
      message: `Hint initial sync ${aborted ? 'aborted' : 'completed'}`,
      connectionId: loaded.connection.id,
      context: { batchId: batch.id, dryRun: batch.dryRun },
    });
  } catch (error) {
    // A retried attempt starts over; re-running is idempotent. The last one marks the batch failed.
    await writeLog(db, p.practiceId, {
      level: 'exception',
      message: `Hint initial sync attempt failed: ${error instanceof Error ? error.message.split('\n')[0]!.slice(0, 200) : 'failed'}`,
      connectionId: loaded.connection.id,
      context: { batchId: batch.id },
    });
    if (lastAttempt)
      await finishBatch(
        db,
        p.practiceId,
        p.batchId,
        'failed',
        error instanceof Error ? error.message.slice(0, 300) : 'failed',
      );
    throw error;
  }
}

/** A unique link key taken meanwhile (a concurrent record or webhook linked that side first). */
const isUniqueViolation = (error: unknown) => (error as { code?: string } | null)?.code === '23505';

/**
 * One record's failure is one report line, not the end of the batch; Hint being unreachable
 * (after the client's retries) ends the attempt instead, and the job's retry starts it over.
 */
async function oneRecord(
  id: { remoteId?: string; localId?: string },
  work: () => Promise<BatchItem>,
): Promise<BatchItem> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HintApiError && error.retryable) throw error;
    const line = { entityKind: 'patient', remoteId: id.remoteId ?? null, localId: id.localId ?? null };
    if (isUniqueViolation(error)) return { ...line, action: 'skip', message: 'linked meanwhile by another record' };
    const reason =
      error instanceof HintApiError
        ? `Hint ${error.status}`
        : error instanceof Error
          ? error.message.split('\n')[0]!.slice(0, 200)
          : 'failed';
    return { ...line, action: 'error', message: reason };
  }
}

const record = (run: Run, items: BatchItem[]) =>
  recordItems(run.deps.db, run.loaded.connection.practiceId, run.batchId, items);

/**
 * Marks a promise handled now (it is awaited later): a failure meanwhile must not crash the
 * process as an unhandled rejection. Nothing is swallowed: the same promise is returned and its
 * rejection reaches whoever awaits it; the no-op handler is attached to a branch that is dropped.
 */
function later<T>(promise: Promise<T>): Promise<T> {
  void promise.then(undefined, () => undefined);
  return promise;
}

/** Pages of a Hint list (offset paging, sorted by creation), the next page fetched while this one is worked on. */
async function* hintPages<T>(run: Run, fetchPage: (offset: number) => Promise<Page<T>>): AsyncGenerator<T[]> {
  let next = later(fetchPage(0));
  for (let offset = 0; ; offset += PAGE) {
    const page = await next;
    if (offset === 0)
      await addToTotal(run.deps.db, run.loaded.connection.practiceId, run.batchId, page.total ?? page.items.length);
    if (page.items.length === PAGE) next = later(fetchPage(offset + PAGE));
    if (page.items.length > 0) yield page.items;
    if (page.items.length < PAGE) return;
  }
}

/**
 * Works through pages with bounded concurrency: a page's records go into the pool while the
 * previous page is still finishing, so the pool never drains between pages; each page is
 * recorded whole, in order, one line per record. At most two pages are held, whatever the size
 * of the practice. An abort is seen when a page is recorded; the page in flight then finishes.
 */
async function throughPool<T>(
  run: Run,
  pages: AsyncIterable<T[]>,
  keysOf: (item: T) => string[],
  work: (item: T) => Promise<BatchItem>,
): Promise<boolean> {
  const pool = new LanePool(run.concurrency ?? concurrencyFor(run.loaded.settings.rateLimitPerSecond));
  let previous: Promise<BatchItem[]> | undefined;
  try {
    for await (const items of pages) {
      const current = later(Promise.all(items.map((item) => pool.run(keysOf(item), () => work(item)))));
      if (previous && (await record(run, await previous))) {
        await record(run, await current);
        return true;
      }
      previous = current;
    }
    return previous ? await record(run, await previous) : false;
  } catch (error) {
    pool.cancelWaiting(error instanceof Error ? error : new Error('initial sync attempt failed'));
    throw error;
  } finally {
    await pool.idle(); // nothing of this attempt keeps writing once it has ended
  }
}

async function practitionersPhase(run: Run): Promise<boolean> {
  const { deps, loaded } = run;
  // Few, and a practitioner may be created on either side: one at a time.
  for await (const items of hintPages(run, (offset) =>
    listPractitioners(deps, loaded, { limit: PAGE, offset, sort: 'created_at' }),
  )) {
    const results: BatchItem[] = [];
    for (const p of items) {
      const linked = await findLink(deps.db, loaded.connection.practiceId, loaded.connection.id, 'practitioner', {
        remoteId: p.id,
      });
      const action =
        run.dryRun || linked
          ? 'link_or_create'
          : await absorbPractitioner(deps, loaded, p).catch((error: unknown) => {
              // Linked meanwhile (a webhook, another run): its transaction rolled back, nothing was made twice.
              if (isUniqueViolation(error)) return 'already_linked';
              throw error;
            });
      results.push({
        entityKind: 'practitioner',
        remoteId: p.id,
        localId: linked?.localId ?? null,
        action: linked ? 'already_linked' : action,
      });
    }
    if (await record(run, results)) return true;
  }
  return false;
}

async function patientsPhase(run: Run): Promise<boolean> {
  const { deps, loaded } = run;
  return throughPool(
    run,
    hintPages(run, (offset) => listPatients(deps, loaded, { limit: PAGE, offset, sort: 'created_at' })),
    laneKeysOf,
    (p) => oneRecord({ remoteId: p.id }, () => (run.dryRun ? classifyPatient(run, p) : syncOnePatient(run, p))),
  );
}

/** Pages of Tandem patients no Hint patient matched (keyset paging by id: memory stays bounded). */
async function* unlinkedTandemPages(run: Run): AsyncGenerator<string[]> {
  const { deps, loaded } = run;
  let after: string | undefined;
  for (;;) {
    const rows = await unlinkedIds(deps.db, patients, loaded.connection.practiceId, loaded.connection.id, {
      after,
      limit: TANDEM_PAGE,
    });
    // A patient a pending review offers as a candidate is left to the person deciding it.
    const candidates = await candidatesUnderReview(deps.db, loaded.connection.id, rows);
    const ids = rows.filter((id) => !run.claimed.has(id) && !run.inReview.has(id) && !candidates.has(id));
    if (ids.length > 0) {
      await addToTotal(deps.db, loaded.connection.practiceId, run.batchId, ids.length);
      yield ids;
    }
    if (rows.length < TANDEM_PAGE) return;
    after = rows.at(-1)!;
  }
}

/** Tandem patients no Hint patient matched: created in Hint, or skipped, per policy. */
async function unlinkedTandemPhase(run: Run): Promise<boolean> {
  const { deps, loaded } = run;
  const create = loaded.settings.initialSync.unmatchedTandem === 'create' && loaded.settings.createInHint;
  return throughPool(
    run,
    unlinkedTandemPages(run),
    () => [],
    async (id): Promise<BatchItem> => {
      if (!create)
        return { entityKind: 'patient', localId: id, action: 'skip', message: 'no match in Hint; policy: skip' };
      if (run.dryRun) return { entityKind: 'patient', localId: id, action: 'create_remote' };
      return oneRecord({ localId: id }, async () => {
        const outcome = await pushPatient(deps, loaded, id);
        const link = await findLink(deps.db, loaded.connection.practiceId, loaded.connection.id, 'patient', {
          localId: id,
        });
        return {
          entityKind: 'patient',
          localId: id,
          remoteId: link?.remoteId ?? null,
          action: outcome === 'created' ? 'create_remote' : outcome === 'errored' ? 'error' : outcome,
          message: outcome === 'errored' ? (link?.errorMessage ?? 'see the log') : null,
        };
      });
    },
  );
}
