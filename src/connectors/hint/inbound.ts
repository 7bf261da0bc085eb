// Processes one stored webhook (job 'hint:process-event'): patient and practitioner changes
// merge into the hub; destroyed / inactive patients show on the link; membership and invoice
// events refresh what staff see (and, when the practice bills, invoices take Hint's payment
// facts); integration.* switch the connection on and off.
import { upsertLink, findLink } from '../../db/links.ts';
import { getInbound, markInbound } from '../../db/inbox.ts';
import { deleteRecord } from '../../db/records/repository.ts';
import { patients } from '../../db/records/kinds.ts';
import { updateConnection } from '../../db/connections.ts';
import { writeLog } from '../../db/logs.ts';
import type { TaskHandler } from '../../jobs/types.ts';
import { deactivate } from './activation.ts';
import { absorbInvoice } from './inbound-invoice.ts';
import { absorbPatient, keyOf } from './inbound-patient.ts';
import { staffFacts } from './mapping.ts';
import { absorbPractitioner } from './outbound-practitioner.ts';
import { patientsOfInvoice, patientsOfMembership, refreshLinkedPatients } from './inbound-facts.ts';
import { forgetConn, loadConn, writeContextOf, type HintConn, type HintRuntime } from './connection.ts';
import {
  hintInvoiceSchema,
  hintMembershipSchema,
  hintPatientSchema,
  hintPractitionerSchema,
  type WebhookEnvelope,
} from './schemas.ts';

type Outcome = 'processed' | 'ignored';

export function processEvent(rt: HintRuntime): TaskHandler<'hint:process-event'> {
  return async ({ practiceId, connectionId, inboxId }) => {
    const event = await getInbound(rt.deps.db, practiceId, inboxId);
    if (!event || event.status !== 'pending') return;
    const envelope = event.payload as WebhookEnvelope;
    if (envelope.type.startsWith('integration.') || envelope.type.startsWith('installation.')) {
      await markInbound(
        rt.deps.db,
        practiceId,
        inboxId,
        await integrationEvent(rt, practiceId, connectionId, envelope),
      );
      return;
    }
    const hc = await loadConn(rt, practiceId, connectionId);
    // A deactivated connection takes no traffic: the event is kept, marked ignored.
    if (!hc) {
      await markInbound(rt.deps.db, practiceId, inboxId, 'ignored', 'connection not active');
      return;
    }
    await markInbound(rt.deps.db, practiceId, inboxId, await dispatch(rt, hc, envelope));
  };
}

async function dispatch(rt: HintRuntime, hc: HintConn, e: WebhookEnvelope): Promise<Outcome> {
  const [resource, action] = e.type.split('.') as [string, string | undefined];
  switch (resource) {
    case 'patient':
      return patientEvent(rt, hc, e, action ?? '');
    case 'practitioner': {
      const p = hintPractitionerSchema.safeParse(e.object);
      if (!p.success) return 'ignored';
      await absorbPractitioner(rt, hc, p.data, action === 'destroyed');
      return 'processed';
    }
    case 'membership': {
      const m = hintMembershipSchema.safeParse(e.object);
      if (!m.success) return 'ignored';
      return (await refreshLinkedPatients(rt, hc, patientsOfMembership(m.data))) > 0 ? 'processed' : 'ignored';
    }
    case 'customer_invoice': {
      const inv = hintInvoiceSchema.safeParse(e.object);
      if (!inv.success) return 'ignored';
      // An invoice billed through Tandem takes Hint's payment facts; any invoice may change the balance staff see.
      const linked =
        hc.settings.billing === 'practice' ? await absorbInvoice(rt, hc, inv.data, action === 'destroyed') : 'unlinked';
      const refreshed = await refreshLinkedPatients(rt, hc, patientsOfInvoice(inv.data));
      return linked !== 'unlinked' || refreshed > 0 ? 'processed' : 'ignored';
    }
    default:
      return 'ignored'; // Hint adds event types without notice: unknown ones are fine
  }
}

async function patientEvent(rt: HintRuntime, hc: HintConn, e: WebhookEnvelope, action: string): Promise<Outcome> {
  const parsed = hintPatientSchema.safeParse(e.object);
  if (!parsed.success) return 'ignored';
  const p = parsed.data;
  if (action === 'created' || action === 'updated') {
    await absorbPatient(rt, hc, p, { source: 'webhook' });
    return 'processed';
  }
  if (action !== 'destroyed' && action !== 'inactive') return 'ignored';
  const link = await findLink(rt.deps.db, hc.practiceId, hc.id, 'patient', { remoteId: p.id });
  if (!link) return 'ignored';
  await upsertLink(rt.deps.db, keyOf(hc, link), { remoteState: action, remoteData: { ...staffFacts(p) } });
  if (action === 'destroyed' && hc.settings.onHintDelete === 'delete') {
    await deleteRecord(rt.deps.db, writeContextOf(hc), patients, link.localId).catch(() => {});
  }
  await writeLog(rt.deps.db, hc.practiceId, {
    level: 'debug',
    message: `patient ${action} in Hint`,
    connectionId: hc.id,
    entityKind: 'patient',
    entityId: link.localId,
  });
  return 'processed';
}

async function integrationEvent(
  rt: HintRuntime,
  practiceId: string,
  connectionId: string,
  e: WebhookEnvelope,
): Promise<Outcome> {
  const hc = await loadConn(rt, practiceId, connectionId, { anyStatus: true });
  if (!hc) return 'ignored';
  if (e.type.endsWith('.deactivated') && hc.connection.status !== 'deactivated') {
    await deactivate(rt, hc, 'deactivated in Hint', false);
    return 'processed';
  }
  if (e.type.endsWith('.activated') && hc.connection.status === 'deactivated') {
    await updateConnection(rt.deps.db, practiceId, connectionId, { status: 'active', statusMessage: null });
    forgetConn(connectionId);
    return 'processed';
  }
  return 'ignored';
}
