// One pass over Healthengine's request queue for a connection: GET /requests, then every
// pending booking first (always), then booking updates, appointment-change questions,
// availability requests and configuration requests. Every item is fetched through the API
// (webhooks only say "look"), answered, and tracked for the health figures.
import { markPendingProcessed } from '../../db/inbox.ts';
import type { TaskContext } from '../../jobs/types.ts';
import type { ConnectorDeps } from '../types.ts';
import { clientFor, type LoadedConnection } from './connection.ts';
import { publishAvailability } from './outbound-availability.ts';
import { handleAppointmentChanges, handleBookingUpdate } from './inbound-booking-changes.ts';
import { handleBooking } from './inbound-booking.ts';
import { publishConfiguration } from './outbound-config.ts';
import { loadPublishedConfig } from './outbound-data.ts';
import { refreshHealth } from './health.ts';
import {
  appointmentChangesRequestSchema,
  availabilityRequestSchema,
  bookingSchema,
  bookingUpdateSchema,
} from './schemas.ts';
import { markAnswered, markGone, markSeen, setState } from './store.ts';
import { availabilityKey, verifyAnswered } from './inbound-verify.ts';
import { HealthengineConsentError, type HealthengineClient } from './client.ts';
import { queues } from './queues.ts';

type Enqueue = TaskContext['enqueue'];

export function republish(
  enqueue: Enqueue,
  loaded: LoadedConnection,
  resourceId: string | undefined,
  date: string | undefined,
): Promise<void> {
  const { connection } = loaded;
  return enqueue(
    'healthengine:publish-availability',
    {
      practiceId: connection.practiceId,
      connectionId: connection.id,
      ...(resourceId ? { resourceIds: [resourceId] } : {}),
      ...(date ? { dates: [date] } : {}),
    },
    { queue: queues.publish(connection.id) },
  );
}

async function track<T>(
  deps: ConnectorDeps,
  loaded: LoadedConnection,
  type: string,
  items: T[],
  keyOf: (item: T) => string,
): Promise<void> {
  const keys = items.map(keyOf);
  await markSeen(deps.db, loaded.connection.id, type, keys);
  await markGone(deps.db, loaded.connection.id, type, keys);
}

export async function processBookings(
  deps: ConnectorDeps,
  client: HealthengineClient,
  loaded: LoadedConnection,
  enqueue: Enqueue,
): Promise<number> {
  const bookings = await client.allPending('bookings', bookingSchema);
  await track(deps, loaded, 'bookings', bookings, (b) => `booking:${b.bookingId}`);
  if (bookings.length === 0) return 0;
  const config = await loadPublishedConfig(deps.db, loaded.connection.practiceId, loaded.settings.locationIds);
  // Oldest first: a patient who booked earlier gets the slot.
  // One booking failing (Healthengine down mid-confirm) does not hold up the others; the pass fails afterwards and is retried.
  let failure: unknown;
  for (const b of bookings.sort(
    (x, y) => String(x.bookedTime ?? '').localeCompare(String(y.bookedTime ?? '')) || x.bookingId - y.bookingId,
  )) {
    try {
      const outcome = await handleBooking(deps.db, client, loaded, config, b);
      await markAnswered(deps.db, loaded.connection.id, `booking:${b.bookingId}`, outcome.kind);
      await republish(enqueue, loaded, outcome.resourceId, outcome.date || undefined);
    } catch (e) {
      if (e instanceof HealthengineConsentError) throw e;
      failure ??= e;
    }
  }
  if (failure) throw failure;
  return bookings.length;
}

async function processBookingUpdates(
  deps: ConnectorDeps,
  client: HealthengineClient,
  loaded: LoadedConnection,
  enqueue: Enqueue,
): Promise<void> {
  const updates = await client.allPending('bookingUpdates', bookingUpdateSchema);
  await track(deps, loaded, 'bookingUpdates', updates, (u) => `request:${u.requestId}`);
  for (const u of updates.sort((a, b) => a.requestId - b.requestId)) {
    const outcome = await handleBookingUpdate(deps.db, client, loaded, u);
    await markAnswered(deps.db, loaded.connection.id, `request:${u.requestId}`, outcome.kind);
    if (outcome.resourceId) await republish(enqueue, loaded, outcome.resourceId, undefined);
  }
}

async function processAppointmentChanges(
  deps: ConnectorDeps,
  client: HealthengineClient,
  loaded: LoadedConnection,
): Promise<void> {
  const requests = await client.allPending('pmsAppointmentChanges', appointmentChangesRequestSchema);
  await track(deps, loaded, 'pmsAppointmentChanges', requests, (r) => `changes:${r.bookingId}`);
  for (const r of requests) {
    const outcome = await handleAppointmentChanges(deps.db, client, loaded, r);
    await markAnswered(deps.db, loaded.connection.id, `changes:${r.bookingId}`, outcome.kind, outcome.refusal ?? null);
  }
}

/** Answered with a fresh snapshot of the day (sent even when unchanged). */
async function processAvailabilityRequests(
  deps: ConnectorDeps,
  client: HealthengineClient,
  loaded: LoadedConnection,
): Promise<void> {
  const requests = await client.allPending('availability', availabilityRequestSchema);
  await track(deps, loaded, 'availability', requests, availabilityKey);
  for (const r of requests) {
    const resourceId = r.pmsResourceId ?? r.pms_resource_id ?? undefined;
    await publishAvailability(deps.db, client, loaded, {
      dates: [r.day],
      ...(resourceId ? { resourceIds: [resourceId] } : {}),
      force: true,
      answer: true,
    });
    await markAnswered(deps.db, loaded.connection.id, availabilityKey(r), 'snapshot');
  }
}

async function processConfigRequests(
  deps: ConnectorDeps,
  client: HealthengineClient,
  loaded: LoadedConnection,
  types: string[],
): Promise<void> {
  const config = await loadPublishedConfig(deps.db, loaded.connection.practiceId, loaded.settings.locationIds);
  await publishConfiguration(
    deps.db,
    client,
    { connectionId: loaded.connection.id, settings: loaded.settings },
    config,
  );
  for (const type of types) {
    await markSeen(deps.db, loaded.connection.id, type, [type]);
    await markAnswered(deps.db, loaded.connection.id, type, 'snapshot');
  }
}

const CONFIG_TYPES = ['pmsResources', 'pmsAppointmentTypes'];

export async function processRequests(deps: ConnectorDeps, loaded: LoadedConnection, enqueue: Enqueue): Promise<void> {
  try {
    await processPass(deps, loaded, enqueue);
  } finally {
    // Even when Healthengine or a write fails half-way, the figures (and the alert) stay current.
    // A failure here is logged (database errors by code only, see logger.ts) and not rethrown: it must not mask the pass's own error,
    // and the next pass refreshes the figures again.
    await refreshHealth(deps, loaded).catch((e: unknown) => {
      deps.logger.warn({ connectionId: loaded.connection.id, err: e }, 'healthengine health figures not refreshed');
    });
  }
}

async function processPass(deps: ConnectorDeps, loaded: LoadedConnection, enqueue: Enqueue): Promise<void> {
  const client = clientFor(deps, loaded.credentials);
  const startedAt = new Date();
  const types = new Set(await client.requestTypes());
  await setState(deps.db, loaded.connection.practiceId, loaded.connection.id, { lastPollAt: new Date().toISOString() });
  if (types.has('bookings')) await processBookings(deps, client, loaded, enqueue);
  else await track(deps, loaded, 'bookings', [], String);
  // Booking-related requests only after every pending booking is in: a booking that arrived
  // meanwhile is inserted first, so its update is not rejected as unknown.
  if (types.has('bookingUpdates') || types.has('pmsAppointmentChanges')) {
    await processBookings(deps, client, loaded, enqueue);
    if (types.has('bookingUpdates')) await processBookingUpdates(deps, client, loaded, enqueue);
    if (types.has('pmsAppointmentChanges')) await processAppointmentChanges(deps, client, loaded);
  }
  if (types.has('availability')) await processAvailabilityRequests(deps, client, loaded);
  const configTypes = ['pmsResources', 'pmsAppointmentTypes'].filter((t) => types.has(t));
  if (configTypes.length > 0) await processConfigRequests(deps, client, loaded, configTypes);
  for (const type of ['bookingUpdates', 'pmsAppointmentChanges', 'availability', ...CONFIG_TYPES])
    if (!types.has(type)) await markGone(deps.db, loaded.connection.id, type, []);
  // Answered is not resolved: read the queues again, so what Healthengine ignored or refused stays open.
  await verifyAnswered(deps.db, client, loaded.connection.id, types);
  await markPendingProcessed(deps.db, loaded.connection.practiceId, loaded.connection.id, startedAt);
}
