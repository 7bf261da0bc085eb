// The Hint connector's fan-out: every canonical patient or practitioner change that did not
// come from this connection becomes a push job, ordered per record and coalesced (a burst of
// edits to one patient becomes one write of its latest state). Invoices go to Hint only when
// the practice's system bills (billing: 'practice'); with Hint billing, Hint's invoices are its
// own. Invoice deletes are sent too (a draft is deleted in Hint, an issued invoice voided).
// Jobs are added with the dispatcher's transaction, as the contract says (FanOutTarget).
import type { ConnectionRef, DomainEvent, FanOutItem, FanOutTarget } from '../../jobs/fanout.ts';
import { enqueue, enqueueMany, type JobToAdd } from '../../jobs/queue.ts';
import { findLink, remoteIdsByConnection } from '../../db/links.ts';
import type { Tx } from '../../db/pool.ts';
import { pushJob } from './inbound-patient.ts';
import { readSettings } from './settings.ts';
import { jobKeys, queues } from './queues.ts';
import { interactionFanOut } from './outbound-interaction.ts';

/** One job per invoice, coalesced, on the same queue as the invoice's inbound events once it is linked. */
async function enqueueInvoicePush(tx: Tx, event: DomainEvent, connection: ConnectionRef): Promise<void> {
  if (readSettings(connection.settings).billing !== 'practice') return;
  const link = await findLink(tx, event.practiceId, connection.id, 'invoice', { localId: event.entityId });
  const key = link?.remoteId ?? event.entityId;
  await enqueue(
    tx,
    'hint:push-invoice',
    { practiceId: event.practiceId, connectionId: connection.id, invoiceId: event.entityId },
    { queue: queues.record(connection.id, key), jobKey: jobKeys.pushInvoice(connection.id, event.entityId) },
  );
}

export function fanOutTargets(): FanOutTarget[] {
  const target: FanOutTarget = {
    system: 'hint',
    entityKinds: ['patient', 'practitioner', 'invoice'],
    enqueue: (tx, event, connection) => target.enqueueBatch!(tx, [{ event, connection }]),
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
        if (event.entityKind === 'patient') {
          jobs.push(pushJob(connection, event.entityId, remoteIds.get(`${connection.id}:${event.entityId}`) ?? null));
          continue;
        }
        jobs.push({
          name: 'hint:push-practitioner',
          payload: { practiceId: event.practiceId, connectionId: connection.id, practitionerId: event.entityId },
          options: {
            queue: queues.record(connection.id, event.entityId),
            jobKey: jobKeys.pushPractitioner(connection.id, event.entityId),
          },
        });
      }
      await enqueueMany(tx, jobs);
    },
  };
  return [target, interactionFanOut];
}

/** "<connectionId>:<localId>" → the Hint id of each linked patient among these changes. */
const patientRemoteIds = (tx: Tx, items: FanOutItem[]) =>
  remoteIdsByConnection(
    tx,
    'patient',
    items.map((i) => ({ connectionId: i.connection.id, localId: i.event.entityId })),
  );
