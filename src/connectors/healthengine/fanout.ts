// Canonical changes that Healthengine must hear about: configuration (resources, appointment
// types, locations, practitioners' names), availability (schedules, appointments of any
// source) and cancellations / did-not-attend of its own bookings. Bursts coalesce by job key.
// The jobs are added outside the dispatcher's transaction, on purpose: two dispatchers adding
// the same job keys in different orders inside their transactions deadlock each other. A
// dispatch that rolls back afterwards re-dispatches, and the duplicate job is harmless
// (publication skips unchanged days; pushes are idempotent).
import type { Db } from '../../db/pool.ts';
import type { FanOutTarget } from '../../jobs/fanout.ts';
import { enqueue } from '../../jobs/queue.ts';

const publishQueue = (connectionId: string) => `healthengine-publish:${connectionId}`;

export function fanOutTargets(db: Db): FanOutTarget[] {
  return [
    {
      system: 'healthengine',
      entityKinds: ['resource', 'appointmentType', 'location', 'practitioner'],
      async enqueue(_tx, event, connection) {
        const payload = { practiceId: event.practiceId, connectionId: connection.id };
        await enqueue(db, 'healthengine:publish-config', payload, {
          queue: publishQueue(connection.id),
          jobKey: `healthengine-config:${connection.id}`,
        });
        await enqueue(db, 'healthengine:publish-availability', payload, {
          queue: publishQueue(connection.id),
          jobKey: `healthengine-avail:${connection.id}`,
        });
      },
    },
    {
      system: 'healthengine',
      entityKinds: ['schedule'],
      async enqueue(_tx, event, connection) {
        await enqueue(
          db,
          'healthengine:publish-availability',
          { practiceId: event.practiceId, connectionId: connection.id },
          { queue: publishQueue(connection.id), jobKey: `healthengine-avail:${connection.id}` },
        );
      },
    },
    {
      system: 'healthengine',
      entityKinds: ['appointment'],
      async enqueue(_tx, event, connection) {
        await enqueue(
          db,
          'healthengine:push-appointment',
          { practiceId: event.practiceId, connectionId: connection.id, appointmentId: event.entityId },
          { queue: `healthengine-requests:${connection.id}` },
        );
      },
    },
  ];
}
