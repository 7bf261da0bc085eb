// The Salesforce connector's fan-out: a canonical patient change that did not come from this
// connection becomes a push job for its linked contact, in the contact's queue (ordered with
// the contact's own changes) and coalesced per patient. A new patient with no contact yet is
// offered to automatic contact creation (matching on demographics first). Jobs are added with
// the dispatcher's transaction, as the contract says (FanOutTarget).
import type { FanOutTarget } from '../../jobs/fanout.ts';
import { enqueueMany, type JobToAdd } from '../../jobs/queue.ts';
import { findLinksByLocalId } from '../../db/links.ts';
import { jobKeys, queues } from './queues.ts';

export function fanOutTargets(): FanOutTarget[] {
  const target: FanOutTarget = {
    system: 'salesforce',
    entityKinds: ['patient'],
    enqueue: (tx, event, connection) => target.enqueueBatch!(tx, [{ event, connection }]),
    async enqueueBatch(tx, items) {
      const jobs: JobToAdd[] = [];
      const byConnection = new Map<string, typeof items>();
      for (const item of items) {
        // A record deleted in Tandem stays in Salesforce; our own writes never come back.
        if (item.event.action === 'deleted' || item.event.origin === `connection:${item.connection.id}`) continue;
        byConnection.set(item.connection.id, [...(byConnection.get(item.connection.id) ?? []), item]);
      }
      for (const [connectionId, list] of byConnection) {
        const { practiceId } = list[0]!.connection;
        const links = await findLinksByLocalId(
          tx,
          practiceId,
          connectionId,
          'patient',
          list.map((i) => i.event.entityId),
        );
        for (const { event } of list) {
          const payload = { practiceId, connectionId, patientId: event.entityId };
          const link = links.get(event.entityId);
          if (link)
            jobs.push({
              name: 'salesforce:push-contact',
              payload,
              options: {
                queue: queues.record(connectionId, link.remoteId),
                jobKey: jobKeys.push(connectionId, event.entityId),
              },
            });
          else if (event.action === 'created' && event.origin.startsWith('connection:'))
            jobs.push({
              name: 'salesforce:new-patient',
              payload,
              // Later than the Hint connector's own work on it, so the patient's Hint id is known.
              options: {
                queue: queues.batch(connectionId),
                jobKey: jobKeys.newPatient(connectionId, event.entityId),
                runAt: new Date(Date.now() + 2000),
              },
            });
        }
      }
      if (jobs.length) await enqueueMany(tx, jobs);
    },
  };
  return [target];
}
