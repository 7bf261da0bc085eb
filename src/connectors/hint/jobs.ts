// The Hint connector's jobs: their payloads (declared into the hub's JobPayloads) and handlers.
// Every handler loads its connection; one that is gone ends the job quietly (ConnectionGone).
import type { TaskHandlers } from '../../jobs/types.ts';
import { getPatient } from './client-endpoints.ts';
import { findLink } from '../../db/links.ts';
import { createFromHint } from './inbound-patient-link.ts';
import { absorbPatient } from './inbound-patient.ts';
import { processEvent } from './inbound.ts';
import { drainInboxTask } from './inbound-drain.ts';
import { initialSyncTask } from './initial-sync.ts';
import { pushPatient } from './outbound-patient.ts';
import { pushInvoice } from './outbound-invoice.ts';
import { pushPractitioner } from './outbound-practitioner.ts';
import { pushInteraction } from './outbound-interaction.ts';
import { reconcileTask } from './inbound-reconcile.ts';
import { loadConnection, type HintDeps } from './connection.ts';

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

export function connectorTasks(deps: HintDeps): TaskHandlers {
  return {
    'hint:process-event': processEvent(deps),
    'hint:drain-inbox': drainInboxTask(deps),
    'hint:push-patient': async ({ practiceId, connectionId, patientId }) => {
      // pushPatient reads the practice's state beside the patient (readPushState).
      const loaded = await loadConnection(deps, practiceId, connectionId, { practiceCheckedByCaller: true });
      await pushPatient(deps, loaded, patientId);
    },
    'hint:push-practitioner': async ({ practiceId, connectionId, practitionerId }) => {
      await pushPractitioner(deps, await loadConnection(deps, practiceId, connectionId), practitionerId);
    },
    'hint:push-invoice': async ({ practiceId, connectionId, invoiceId }) => {
      await pushInvoice(deps, await loadConnection(deps, practiceId, connectionId), invoiceId);
    },
    // A person chose the twin: merge the Hint record into it and write our ids back.
    'hint:review-accepted': async ({ practiceId, connectionId, remoteId }) => {
      const loaded = await loadConnection(deps, practiceId, connectionId);
      const p = await getPatient(deps, loaded, remoteId);
      if (p) await absorbPatient(deps, loaded, p, { source: 'review' });
    },
    // Different people: the Hint patient gets its own Tandem record, when the policy creates.
    'hint:review-rejected': async ({ practiceId, connectionId, remoteId }) => {
      const loaded = await loadConnection(deps, practiceId, connectionId);
      const p = loaded.settings.createInTandem ? await getPatient(deps, loaded, remoteId) : undefined;
      if (p && !(await findLink(deps.db, practiceId, connectionId, 'patient', { remoteId })))
        await createFromHint(deps, loaded, p);
    },
    'hint:push-interaction': async ({ practiceId, connectionId, appointmentId }) => {
      await pushInteraction(deps, await loadConnection(deps, practiceId, connectionId), appointmentId);
    },
    'hint:reconcile': reconcileTask(deps),
    'hint:initial-sync': initialSyncTask(deps),
  };
}
