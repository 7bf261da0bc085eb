// The Hint connector's jobs and its fan-out: every canonical patient or practitioner change
// that did not come from this connection becomes a push job, ordered per record and coalesced
// (a burst of edits to one patient becomes one write of its latest state).
import type { TaskHandlers } from '../../jobs/types.ts';
import type { FanOutItem, FanOutTarget } from '../../jobs/fanout.ts';
import type { Tx } from '../../db/pool.ts';
import { enqueueMany, type JobToAdd } from '../../jobs/queue.ts';
import { getPatient } from './client-endpoints.ts';
import { findLink } from '../../db/links.ts';
import { createFromHint } from './inbound-patient-link.ts';
import { absorbPatient, pushJob } from './inbound-patient.ts';
import { processEvent } from './inbound.ts';
import { drainInboxTask } from './inbound-drain.ts';
import { initialSyncTask } from './initial-sync.ts';
import { pushPatient } from './outbound-patient.ts';
import { enqueueInvoicePush } from './fanout.ts';
import { pushInvoice } from './outbound-invoice.ts';
import { pushPractitioner } from './outbound-practitioner.ts';
import { interactionFanOut, pushInteraction } from './outbound-interaction.ts';
import { reconcileTask } from './inbound-reconcile.ts';
import { loadConn, type HintRuntime } from './connection.ts';

declare module '../../jobs/types.ts' {
  interface JobPayloads {
    'hint:process-event': { practiceId: string; connectionId: string; inboxId: number };
    'hint:drain-inbox': { practiceId: string; connectionId: string };
    'hint:push-patient': { practiceId: string; connectionId: string; patientId: string };
    'hint:push-practitioner': { practiceId: string; connectionId: string; practitionerId: string };
    'hint:push-invoice': { practiceId: string; connectionId: string; invoiceId: string };
    'hint:review-accepted': {
      practiceId: string;
      connectionId: string;
      reviewId: string;
      patientId: string;
      remoteId: string;
    };
    'hint:review-rejected': { practiceId: string; connectionId: string; reviewId: string; remoteId: string };
    'hint:reconcile': { practiceId?: string; connectionId?: string };
    'hint:initial-sync': { practiceId: string; connectionId: string; batchId: string };
  }
}

export function hintTasks(rt: HintRuntime): TaskHandlers {
  return {
    'hint:process-event': processEvent(rt),
    'hint:drain-inbox': drainInboxTask(rt),
    'hint:push-patient': async ({ practiceId, connectionId, patientId }) => {
      const hc = await loadConn(rt, practiceId, connectionId);
      if (hc) await pushPatient(rt, hc, patientId);
    },
    'hint:push-practitioner': async ({ practiceId, connectionId, practitionerId }) => {
      const hc = await loadConn(rt, practiceId, connectionId);
      if (hc) await pushPractitioner(rt, hc, practitionerId);
    },
    'hint:push-invoice': async ({ practiceId, connectionId, invoiceId }) => {
      const hc = await loadConn(rt, practiceId, connectionId);
      if (hc) await pushInvoice(rt, hc, invoiceId);
    },
    // A person chose the twin: merge the Hint record into it and write our ids back.
    'hint:review-accepted': async ({ practiceId, connectionId, remoteId }) => {
      const hc = await loadConn(rt, practiceId, connectionId);
      const p = hc ? await getPatient(rt, hc, remoteId) : undefined;
      if (hc && p) await absorbPatient(rt, hc, p, { source: 'review' });
    },
    // Different people: the Hint patient gets its own Tandem record, when the policy creates.
    'hint:review-rejected': async ({ practiceId, connectionId, remoteId }) => {
      const hc = await loadConn(rt, practiceId, connectionId);
      const p = hc?.settings.createInTandem ? await getPatient(rt, hc, remoteId) : undefined;
      if (hc && p && !(await findLink(rt.deps.db, practiceId, connectionId, 'patient', { remoteId })))
        await createFromHint(rt, hc, p);
    },
    'hint:push-interaction': async ({ practiceId, connectionId, appointmentId }) => {
      const hc = await loadConn(rt, practiceId, connectionId);
      if (hc) await pushInteraction(rt, hc, appointmentId);
    },
    'hint:reconcile': reconcileTask(rt),
    'hint:initial-sync': initialSyncTask(rt),
  };
}

export const hintFanOut: FanOutTarget[] = [
  {
    system: 'hint',
    entityKinds: ['patient', 'practitioner', 'invoice'],
    enqueue: (tx, event, connection) => hintFanOut[0]!.enqueueBatch!(tx, [{ event, connection }]),
    // One statement for the links and one for the jobs, however many changes the dispatch holds.
    async enqueueBatch(tx, items) {
      const remoteIds = await patientRemoteIds(
        tx,
        items.filter((i) => i.event.entityKind === 'patient'),
      );
      const jobs: JobToAdd[] = [];
      for (const { event, connection } of items) {
        if (event.entityKind === 'invoice') {
          await enqueueInvoicePush(tx, event, connection);
          continue;
        }
        // A record deleted in Tandem stays in Hint, which holds its memberships and billing.
        if (event.action === 'deleted') continue;
        const hc = { practiceId: event.practiceId, id: connection.id };
        if (event.entityKind === 'patient') {
          jobs.push(pushJob(hc, event.entityId, remoteIds.get(`${connection.id}:${event.entityId}`) ?? null));
          continue;
        }
        jobs.push({
          name: 'hint:push-practitioner',
          payload: { practiceId: event.practiceId, connectionId: connection.id, practitionerId: event.entityId },
          options: {
            queue: `hint:${connection.id}:${event.entityId}`,
            jobKey: `hint:push-practitioner:${connection.id}:${event.entityId}`,
          },
        });
      }
      await enqueueMany(tx, jobs);
    },
  },
  interactionFanOut,
];

/** "<connectionId>:<localId>" → the Hint id of each linked patient among these changes. */
async function patientRemoteIds(tx: Tx, items: FanOutItem[]): Promise<Map<string, string>> {
  if (items.length === 0) return new Map();
  const { rows } = await tx.query(
    `SELECT l.connection_id, l.local_id, l.remote_id FROM links l
     JOIN unnest($1::uuid[], $2::uuid[]) AS c(connection_id, local_id) USING (connection_id, local_id)
     WHERE l.entity_kind = 'patient' AND l.remote_id IS NOT NULL`,
    [items.map((i) => i.connection.id), items.map((i) => i.event.entityId)],
  );
  return new Map(rows.map((r) => [`${r.connection_id}:${r.local_id}`, r.remote_id as string]));
}
