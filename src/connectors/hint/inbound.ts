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
import { absorbPatient } from './inbound-patient.ts';
import { keyOf } from './inbound-patient-values.ts';
import { staffFacts } from './mapping.ts';
import { absorbPractitioner } from './outbound-practitioner.ts';
import { patientsOfInvoice, patientsOfMembership, refreshLinkedPatients } from './inbound-facts.ts';
import { forgetConnection, loadConnection, writeContext, type LoadedConnection, type HintDeps } from './connection.ts';
import {
  hintInvoiceSchema,
  hintMembershipSchema,
  hintPatientSchema,
  hintPractitionerSchema,
  type WebhookEnvelope,
} from './schemas.ts';
import { NotFoundError, unlessGone } from '../../core/errors.ts';

type Outcome = 'processed' | 'ignored';

export function processEvent(deps: HintDeps): TaskHandler<'hint:process-event'> {
  return async ({ practiceId, connectionId, inboxId }) => {
    const event = await getInbound(deps.db, practiceId, inboxId);
    if (!event || event.status !== 'pending') return;
    const envelope = event.payload as WebhookEnvelope;
    if (envelope.type.startsWith('integration.') || envelope.type.startsWith('installation.')) {
      await markInbound(deps.db, practiceId, inboxId, await integrationEvent(deps, practiceId, connectionId, envelope));
      return;
    }
    const loaded = await unlessGone(loadConnection(deps, practiceId, connectionId));
    // A deactivated connection takes no traffic: the event is kept, marked ignored.
    if (!loaded) {
      await markInbound(deps.db, practiceId, inboxId, 'ignored', 'connection not active');
      return;
    }
    await markInbound(deps.db, practiceId, inboxId, await dispatch(deps, loaded, envelope));
  };
}

async function dispatch(deps: HintDeps, loaded: LoadedConnection, e: WebhookEnvelope): Promise<Outcome> {
  const [resource, action] = e.type.split('.') as [string, string | undefined];
  switch (resource) {
    case 'patient':
      return patientEvent(deps, loaded, e, action ?? '');
    case 'practitioner': {
      const p = hintPractitionerSchema.safeParse(e.object);
      if (!p.success) return 'ignored';
      await absorbPractitioner(deps, loaded, p.data, action === 'destroyed');
      return 'processed';
    }
    case 'membership': {
      const m = hintMembershipSchema.safeParse(e.object);
      if (!m.success) return 'ignored';
      return (await refreshLinkedPatients(deps, loaded, patientsOfMembership(m.data))) > 0 ? 'processed' : 'ignored';
    }
    case 'customer_invoice': {
      const inv = hintInvoiceSchema.safeParse(e.object);
      if (!inv.success) return 'ignored';
      // An invoice billed through Tandem takes Hint's payment facts; any invoice may change the balance staff see.
      const linked =
        loaded.settings.billing === 'practice'
          ? await absorbInvoice(deps, loaded, inv.data, action === 'destroyed')
          : 'unlinked';
      const refreshed = await refreshLinkedPatients(deps, loaded, patientsOfInvoice(inv.data));
      return linked !== 'unlinked' || refreshed > 0 ? 'processed' : 'ignored';
    }
    default:
      return 'ignored'; // Hint adds event types without notice: unknown ones are fine
  }
}

async function patientEvent(
  deps: HintDeps,
  loaded: LoadedConnection,
  e: WebhookEnvelope,
  action: string,
): Promise<Outcome> {
  const parsed = hintPatientSchema.safeParse(e.object);
  if (!parsed.success) return 'ignored';
  const p = parsed.data;
  if (action === 'created' || action === 'updated') {
    await absorbPatient(deps, loaded, p, { source: 'webhook' });
    return 'processed';
  }
  if (action !== 'destroyed' && action !== 'inactive') return 'ignored';
  const link = await findLink(deps.db, loaded.connection.practiceId, loaded.connection.id, 'patient', {
    remoteId: p.id,
  });
  if (!link) return 'ignored';
  await upsertLink(deps.db, keyOf(loaded, link), { remoteState: action, remoteData: { ...staffFacts(p) } });
  if (action === 'destroyed' && loaded.settings.onHintDelete === 'delete') {
    // Already deleted in Tandem is fine; any other failure retries the event.
    await deleteRecord(deps.db, writeContext(loaded.connection), patients, link.localId).catch((error: unknown) => {
      if (!(error instanceof NotFoundError)) throw error;
    });
  }
  await writeLog(deps.db, loaded.connection.practiceId, {
    level: 'debug',
    message: `patient ${action} in Hint`,
    connectionId: loaded.connection.id,
    entityKind: 'patient',
    entityId: link.localId,
  });
  return 'processed';
}

async function integrationEvent(
  deps: HintDeps,
  practiceId: string,
  connectionId: string,
  e: WebhookEnvelope,
): Promise<Outcome> {
  const loaded = await unlessGone(loadConnection(deps, practiceId, connectionId, { anyStatus: true }));
  if (!loaded) return 'ignored';
  if (e.type.endsWith('.deactivated') && loaded.connection.status !== 'deactivated') {
    await deactivate(deps, loaded, 'deactivated in Hint', false);
    return 'processed';
  }
  if (e.type.endsWith('.activated') && loaded.connection.status === 'deactivated') {
    await updateConnection(deps.db, practiceId, connectionId, { status: 'active', statusMessage: null });
    forgetConnection(connectionId);
    return 'processed';
  }
  return 'ignored';
}
