// Canonical changes that Healthengine must hear about: configuration (resources, appointment
// types, locations, practitioners' names), availability (schedules, appointments of any
// source) and cancellations / did-not-attend of its own bookings. Bursts coalesce by job key.
// Jobs are added with the dispatcher's transaction, as the contract says (FanOutTarget).
import type { FanOutTarget } from '../../jobs/fanout.ts';
import { enqueue } from '../../jobs/queue.ts';
import { jobKeys, queues } from './queues.ts';

export function fanOutTargets(): FanOutTarget[] {
  return [
    {
      system: 'healthengine',
      entityKinds: ['resource', 'appointmentType', 'location', 'practitioner'],
      async enqueue(tx, event, connection) {
        const payload = { practiceId: event.practiceId, connectionId: connection.id };
        await enqueue(tx, 'healthengine:publish-config', payload, {
          queue: queues.publish(connection.id),
          jobKey: jobKeys.config(connection.id),
        });
        await enqueue(tx, 'healthengine:publish-availability', payload, {
          queue: queues.publish(connection.id),
          jobKey: jobKeys.availability(connection.id),
        });
      },
    },
    {
      system: 'healthengine',
      entityKinds: ['schedule'],
      async enqueue(tx, event, connection) {
        await enqueue(
          tx,
          'healthengine:publish-availability',
          { practiceId: event.practiceId, connectionId: connection.id },
          { queue: queues.publish(connection.id), jobKey: jobKeys.availability(connection.id) },
        );
      },
    },
    {
      system: 'healthengine',
      entityKinds: ['appointment'],
      async enqueue(tx, event, connection) {
        await enqueue(
          tx,
          'healthengine:push-appointment',
          { practiceId: event.practiceId, connectionId: connection.id, appointmentId: event.entityId },
          { queue: queues.requests(connection.id) },
        );
      },
    },
  ];
}
