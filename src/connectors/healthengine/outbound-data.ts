// The hub records a connection publishes (read through src/db/availability.ts): its locations' active resources, their
// practitioners, schedules and appointments, and the appointment types they offer.
import type { Queryable } from '../../db/pool.ts';
import type { Busy, ResourceInput, ScheduleInput } from '../../core/availability/index.ts';
import {
  activeAppointmentTypes,
  bookableResources,
  busyTimes,
  locationZones,
  practitionerNames,
  resourceSchedules,
} from '../../db/availability.ts';
import { offeredTypes, type HubAppointmentType, type HubPractitioner, type HubResource } from './mapping.ts';

export interface PublishedConfig {
  timeZone: string;
  resources: HubResource[];
  practitioners: Map<string, HubPractitioner>;
  types: HubAppointmentType[];
  schedules: Map<string, ScheduleInput>;
}

export async function loadPublishedConfig(
  db: Queryable,
  practiceId: string,
  locationIds: string[],
): Promise<PublishedConfig> {
  const [zoneOf, hubResources, types] = await Promise.all([
    locationZones(db, practiceId, locationIds),
    bookableResources(db, practiceId, locationIds),
    activeAppointmentTypes(db, practiceId),
  ]);
  // Locations keep their order as configured: the first one's time zone is the practice's on Healthengine.
  const timeZone = locationIds.map((id) => zoneOf.get(id)).find((z) => z !== undefined) ?? 'Australia/Sydney';
  const resourceIds = hubResources.map((r) => r.id);
  const practitionerIds = [...new Set(hubResources.map((r) => r.practitionerId).filter((id): id is string => !!id))];
  const [practitioners, schedules] = await Promise.all([
    practitionerNames(db, practiceId, practitionerIds),
    resourceSchedules(db, practiceId, resourceIds),
  ]);
  const resourceSet = new Set(resourceIds);
  return {
    timeZone,
    resources: hubResources,
    practitioners,
    // A type limited to resources elsewhere is not offered here; its resource list is narrowed to ours.
    types: types
      .filter((t) => t.resourceIds.length === 0 || t.resourceIds.some((id) => resourceSet.has(id)))
      .map((t) => ({ ...t, resourceIds: t.resourceIds.filter((id) => resourceSet.has(id)) })),
    schedules,
  };
}

/** Live appointments (any source) of the resources overlapping [from, to). */
export const loadBusy = busyTimes;

export function engineResources(
  config: PublishedConfig,
  busy: Map<string, Busy[]>,
  only?: Set<string>,
): ResourceInput[] {
  return config.resources
    .filter((r) => !only || only.has(r.id))
    .map((r) => ({
      id: r.id,
      schedule: config.schedules.get(r.id) ?? null,
      busy: busy.get(r.id) ?? [],
      appointmentTypes: offeredTypes(r.id, config.types),
    }));
}
