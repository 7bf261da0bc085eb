// Canonical changes that Healthengine must hear about: configuration (resources, appointment
// types, locations, practitioners' names), availability (schedules, appointments of any
// source) and cancellations / did-not-attend of its own bookings. Bursts coalesce by job key.
import type { FanOutTarget } from '../../jobs/fanout.ts';
import { enqueue } from '../../jobs/queue.ts';

const publishQueue = (connectionId: string) => `healthengine-publish:${connectionId}`;

export const fanOutTargets: FanOutTarget[] = [
  {
    system: 'healthengine',
    entityKinds: ['resource', 'appointmentType', 'location', 'practitioner'],
    async enqueue(tx, event, connection) {
      const payload = { practiceId: event.practiceId, connectionId: connection.id };
      await enqueue(tx, 'healthengine:publish-config', payload, { queue: publishQueue(connection.id), jobKey: `healthengine-config:${connection.id}` });
      await enqueue(tx, 'healthengine:publish-availability', payload, { queue: publishQueue(connection.id), jobKey: `healthengine-avail:${connection.id}` });
    },
  },
  {
    system: 'healthengine',
    entityKinds: ['schedule'],
    async enqueue(tx, event, connection) {
      await enqueue(tx, 'healthengine:publish-availability', { practiceId: event.practiceId, connectionId: connection.id },
        { queue: publishQueue(connection.id), jobKey: `healthengine-avail:${connection.id}` });
    },
  },
  {
    system: 'healthengine',
    entityKinds: ['appointment'],
    async enqueue(tx, event, connection) {
      await enqueue(tx, 'healthengine:push-appointment', { practiceId: event.practiceId, connectionId: connection.id, appointmentId: event.entityId },
        { queue: `healthengine-requests:${connection.id}` });
    },
  },
];
