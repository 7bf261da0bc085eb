// The Hint connector's jobs and its fan-out: every canonical patient or practitioner change
// that did not come from this connection becomes a push job, ordered per record and coalesced
// (a burst of edits to one patient becomes one write of its latest state).
import type { TaskHandlers } from '../../jobs/types.ts';
import type { FanOutTarget } from '../../jobs/fanout.ts';
import { enqueue } from '../../jobs/queue.ts';
import { getPatient } from './api.ts';
import { findLink } from '../../db/links.ts';
import { createFromHint } from './link-patient.ts';
import { absorbPatient, enqueuePush } from './inbound-patient.ts';
import { processEvent } from './inbound.ts';
import { drainInboxTask } from './inbox-drain.ts';
import { initialSyncTask } from './initial-sync.ts';
import { pushPatient } from './outbound-patient.ts';
import { enqueueInvoicePush } from './invoice-fanout.ts';
import { pushInvoice } from './outbound-invoice.ts';
import { pushPractitioner } from './practitioners.ts';
import { reconcileTask } from './reconcile.ts';
import { loadConn, type HintRuntime } from './runtime.ts';

declare module '../../jobs/types.ts' {
  interface JobPayloads {
    'hint:process-event': { practiceId: string; connectionId: string; inboxId: number };
    'hint:drain-inbox': { practiceId: string; connectionId: string };
    'hint:push-patient': { practiceId: string; connectionId: string; patientId: string };
    'hint:push-practitioner': { practiceId: string; connectionId: string; practitionerId: string };
    'hint:push-invoice': { practiceId: string; connectionId: string; invoiceId: string };
    'hint:review-accepted': { practiceId: string; connectionId: string; reviewId: string; patientId: string; remoteId: string };
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
      if (hc && p && !(await findLink(rt.deps.db, practiceId, connectionId, 'patient', { remoteId }))) await createFromHint(rt, hc, p);
    },
    'hint:reconcile': reconcileTask(rt),
    'hint:initial-sync': initialSyncTask(rt),
  };
}

export const hintFanOut: FanOutTarget[] = [{
  system: 'hint',
  entityKinds: ['patient', 'practitioner', 'invoice'],
  async enqueue(tx, event, connection) {
    if (event.entityKind === 'invoice') return enqueueInvoicePush(tx, event, connection);
    // A record deleted in Tandem stays in Hint, which holds its memberships and billing.
    if (event.action === 'deleted') return;
    const hc = { practiceId: event.practiceId, id: connection.id };
    if (event.entityKind === 'patient') {
      const { rows } = await tx.query(`SELECT remote_id FROM links WHERE connection_id = $1 AND entity_kind = 'patient' AND local_id = $2`, [connection.id, event.entityId]);
      await enqueuePush(tx, hc, event.entityId, rows[0]?.remote_id ?? null);
      return;
    }
    await enqueue(tx, 'hint:push-practitioner', { practiceId: event.practiceId, connectionId: connection.id, practitionerId: event.entityId },
      { queue: `hint:${connection.id}:${event.entityId}`, jobKey: `hint:push-practitioner:${connection.id}:${event.entityId}` });
  },
}];
