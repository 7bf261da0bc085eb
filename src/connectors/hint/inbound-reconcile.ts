// Reconciliation: every few minutes (per connection, configurable) walk Hint's patients and
// practitioners by an updated_at cursor and absorb each, catching whatever webhooks missed
// (Hint mutes failing endpoints and never replays). Absorbing is idempotent: a version
// already seen costs a hash comparison, nothing more. Memberships and customer invoices are
// walked the same way: a change to one refreshes what staff see on the patients it concerns
// (and, when the practice bills through Tandem, the invoice's payment facts).
import { getConnection, listActiveConnections, updateConnection } from '../../db/connections.ts';
import { enqueue } from '../../jobs/queue.ts';
import { wakeDrainer } from './inbound-drain.ts';
import type { TaskHandler } from '../../jobs/types.ts';
import { listMemberships, listPatients, listPractitioners, type Page } from './client-endpoints.ts';
import { absorbInvoice } from './inbound-invoice.ts';
import { absorbPatient } from './inbound-patient.ts';
import { listInvoices } from './client-invoices.ts';
import { patientsOfInvoice, patientsOfMembership, refreshLinkedPatients } from './inbound-facts.ts';
import { absorbPractitioner } from './outbound-practitioner.ts';
import { loadConnection, type LoadedConnection, type HintDeps } from './connection.ts';
import { jobKeys, queues } from './queues.ts';
import { webhookDeliveries } from './webhook-deliveries.ts';

const PAGE = 100;
/** Re-read a little before the cursor: a record saved in the same instant as the last one seen is not missed. */
const OVERLAP_MS = 2000;

interface ReconcileHealth {
  patientsCursor?: string;
  practitionersCursor?: string;
  membershipsCursor?: string;
  invoicesCursor?: string;
  lastRunAt?: string;
  /** Records merged, plus patients re-read because a membership or invoice of theirs changed. */
  lastChanged?: number;
}

export function reconcileTask(deps: HintDeps): TaskHandler<'hint:reconcile'> {
  return async (payload) => {
    if (payload.practiceId && payload.connectionId) {
      await reconcileConnection(deps, await loadConnection(deps, payload.practiceId, payload.connectionId));
      return;
    }
    await enqueueDue(deps);
  };
}

/** The cron sweep: a reconcile job for every active Hint connection whose interval has passed. */
async function enqueueDue(deps: HintDeps): Promise<void> {
  for (const r of await listActiveConnections(deps.db, 'hint')) {
    // Any inbox row whose wake-up was lost (a process died in between) is picked up here.
    await wakeDrainer(deps.db, r.practiceId, r.id);
    const every = Number((r.settings as { reconcileEveryMinutes?: number }).reconcileEveryMinutes ?? 5);
    const last = Date.parse((r.health as { reconcile?: ReconcileHealth }).reconcile?.lastRunAt ?? '') || 0;
    if (Date.now() - last < every * 60_000 - 5_000) continue;
    await enqueue(
      deps.db,
      'hint:reconcile',
      { practiceId: r.practiceId, connectionId: r.id },
      { jobKey: jobKeys.reconcile(r.id), queue: queues.reconcile(r.id), maxAttempts: 3 },
    );
  }
}

export async function reconcileConnection(deps: HintDeps, loaded: LoadedConnection): Promise<{ changed: number }> {
  // The cursors as the last run left them: the cached connection may predate that run.
  const stored = await getConnection(deps.db, loaded.connection.practiceId, loaded.connection.id);
  const health = ((stored?.health ?? loaded.connection.health) as { reconcile?: ReconcileHealth }).reconcile ?? {};
  const since = health.patientsCursor ?? loaded.connection.createdAt;
  let changed = 0;
  const patients = await walkSince(
    since,
    (query) => listPatients(deps, loaded, query),
    async (p) => {
      const result = await absorbPatient(deps, loaded, p, { source: 'reconcile' });
      if (result === 'merged') changed += 1;
      return p.updated_at;
    },
  );
  const practitioners = await walkSince(
    health.practitionersCursor ?? loaded.connection.createdAt,
    (query) => listPractitioners(deps, loaded, query),
    async (p) => {
      const result = await absorbPractitioner(deps, loaded, p);
      if (result !== 'unchanged' && result !== 'stale') changed += 1;
      return p.updated_at;
    },
  );
  // After the patients: a refreshed patient read here is newer than any the walk above saw.
  const memberships = await walkSince(
    health.membershipsCursor ?? loaded.connection.createdAt,
    (query) => listMemberships(deps, loaded, query),
    async (m) => {
      changed += await refreshLinkedPatients(deps, loaded, patientsOfMembership(m));
      return m.updated_at ?? undefined;
    },
  );
  const invoices = await walkSince(
    health.invoicesCursor ?? loaded.connection.createdAt,
    (query) => listInvoices(deps, loaded, query),
    async (inv) => {
      if (loaded.settings.billing === 'practice' && (await absorbInvoice(deps, loaded, inv)) === 'merged') changed += 1;
      changed += await refreshLinkedPatients(deps, loaded, patientsOfInvoice(inv));
      return inv.updated_at ?? undefined;
    },
  );
  const reconcile: ReconcileHealth = {
    patientsCursor: patients,
    practitionersCursor: practitioners,
    membershipsCursor: memberships,
    invoicesCursor: invoices,
    lastRunAt: new Date().toISOString(),
    lastChanged: changed,
  };
  const deliveries = await webhookDeliveries(deps, loaded);
  await updateConnection(deps.db, loaded.connection.practiceId, loaded.connection.id, {
    health: { reconcile, ...(deliveries ? { webhookDeliveries: deliveries } : {}) },
  });
  return { changed };
}

type Query = Record<string, string | number | undefined>;

/** Walks records updated at or after `since`, oldest first; returns the newest updated_at seen. */
async function walkSince<T>(
  since: string,
  fetch: (q: Query) => Promise<Page<T>>,
  handle: (item: T) => Promise<string | undefined>,
): Promise<string> {
  let cursor = new Date(Date.parse(since) - OVERLAP_MS).toISOString();
  let newest = since;
  let offset = 0;
  for (;;) {
    const page = await fetch({ 'updated_at[gte]': cursor, sort: 'updated_at', limit: PAGE, offset });
    let last: string | undefined;
    for (const item of page.items) {
      const at = await handle(item);
      if (at) {
        last = at;
        if (Date.parse(at) > Date.parse(newest)) newest = at;
      }
    }
    if (page.items.length < PAGE) return newest;
    // Move the cursor to the last timestamp seen; when a whole page shares it, page by offset instead.
    if (last && Date.parse(last) > Date.parse(cursor)) {
      cursor = last;
      offset = 0;
    } else offset += PAGE;
  }
}
