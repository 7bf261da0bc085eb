// After a pass has answered requests, Healthengine's queues are read again: a request is
// resolved only when Healthengine no longer lists it. An answer it ignored (an `existing`
// snapshot) or refused (400) leaves the request open, so health shows it instead of hiding it.
import type { z } from 'zod';
import type { Queryable } from '../../db/pool.ts';
import type { HealthengineClient } from './client.ts';
import {
  appointmentChangesRequestSchema,
  availabilityRequestSchema,
  bookingSchema,
  bookingUpdateSchema,
  type WireAvailabilityRequest,
} from './schemas.ts';
import { markGone } from './store.ts';

interface Queue<T extends z.ZodType> {
  schema: T;
  key(item: z.infer<T>): string;
}
const queue = <T extends z.ZodType>(schema: T, key: (item: z.infer<T>) => string): Queue<T> => ({ schema, key });

export const availabilityKey = (r: WireAvailabilityRequest) =>
  `availability:${r.day}:${r.pmsResourceId ?? r.pms_resource_id ?? '*'}`;

/** The queues with a detail list, and how each item is keyed in healthengine_requests. */
export const QUEUES = {
  bookings: queue(bookingSchema, (b) => `booking:${b.bookingId}`),
  bookingUpdates: queue(bookingUpdateSchema, (u) => `request:${u.requestId}`),
  pmsAppointmentChanges: queue(appointmentChangesRequestSchema, (r) => `changes:${r.bookingId}`),
  availability: queue(availabilityRequestSchema, availabilityKey),
};
type QueueType = keyof typeof QUEUES;
const isQueue = (type: string): type is QueueType => type in QUEUES;

/** `answeredTypes`: the types that had pending items at the start of the pass. */
export async function verifyAnswered(
  db: Queryable,
  client: HealthengineClient,
  connectionId: string,
  answeredTypes: Set<string>,
): Promise<void> {
  if (answeredTypes.size === 0) return;
  const listed = new Set(await client.requestTypes());
  for (const type of answeredTypes) {
    if (!listed.has(type)) await markGone(db, connectionId, type, []);
    else if (isQueue(type)) {
      const { schema, key } = QUEUES[type] as Queue<z.ZodType>;
      const items = await client.allPending(type, schema);
      await markGone(db, connectionId, type, items.map(key));
    }
    // A configuration type still listed has no items to compare: it stays open until unlisted.
  }
}
