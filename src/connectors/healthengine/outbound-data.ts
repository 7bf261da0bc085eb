// Reads the hub records a connection publishes: its locations' active resources, their
// practitioners, schedules and appointments, and the appointment types they offer.
import type { Queryable } from '../../db/pool.ts';
import type { Busy, ResourceInput, ScheduleInput } from '../../core/availability/index.ts';
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
  const [locations, resources, types] = await Promise.all([
    db.query(
      `SELECT id, time_zone FROM locations WHERE practice_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL`,
      [practiceId, locationIds],
    ),
    db.query(
      `SELECT id, name, kind, practitioner_id, specialty, active, location_id FROM resources
              WHERE practice_id = $1 AND location_id = ANY($2::uuid[]) AND active AND deleted_at IS NULL ORDER BY created_at, id`,
      [practiceId, locationIds],
    ),
    db.query(
      `SELECT id, name, duration_minutes, resource_ids, active FROM appointment_types
              WHERE practice_id = $1 AND active AND deleted_at IS NULL ORDER BY created_at, id`,
      [practiceId],
    ),
  ]);
  // Locations keep their order as configured: the first one's time zone is the practice's on Healthengine.
  const zoneOf = new Map(locations.rows.map((r) => [r.id as string, r.time_zone as string]));
  const timeZone = locationIds.map((id) => zoneOf.get(id)).find((z) => z !== undefined) ?? 'Australia/Sydney';
  const hubResources: HubResource[] = resources.rows.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    practitionerId: r.practitioner_id,
    specialty: r.specialty,
    active: r.active,
    locationId: r.location_id,
  }));
  const resourceIds = hubResources.map((r) => r.id);
  const practitionerIds = [...new Set(hubResources.map((r) => r.practitionerId).filter((id): id is string => !!id))];
  const [practitioners, schedules] = await Promise.all([
    db.query(
      `SELECT id, title, first_name, last_name FROM practitioners WHERE practice_id = $1 AND id = ANY($2::uuid[])`,
      [practiceId, practitionerIds],
    ),
    db.query(
      `SELECT resource_id, weekly_hours, exceptions, time_off FROM schedules
              WHERE practice_id = $1 AND resource_id = ANY($2::uuid[]) AND deleted_at IS NULL`,
      [practiceId, resourceIds],
    ),
  ]);
  const resourceSet = new Set(resourceIds);
  return {
    timeZone,
    resources: hubResources,
    practitioners: new Map(
      practitioners.rows.map((p) => [
        p.id,
        { id: p.id, title: p.title, firstName: p.first_name, lastName: p.last_name },
      ]),
    ),
    // A type limited to resources elsewhere is not offered here; its resource list is narrowed to ours.
    types: types.rows
      .map((t) => ({
        id: t.id,
        name: t.name,
        durationMinutes: t.duration_minutes,
        resourceIds: t.resource_ids as string[],
        active: t.active,
      }))
      .filter((t) => t.resourceIds.length === 0 || t.resourceIds.some((id) => resourceSet.has(id)))
      .map((t) => ({ ...t, resourceIds: t.resourceIds.filter((id) => resourceSet.has(id)) })),
    schedules: new Map(
      schedules.rows.map((s) => [
        s.resource_id,
        { weeklyHours: s.weekly_hours, exceptions: s.exceptions, timeOff: s.time_off },
      ]),
    ),
  };
}

/** Live appointments (any source) of the resources overlapping [from, to). */
export async function loadBusy(
  db: Queryable,
  practiceId: string,
  resourceIds: string[],
  from: number,
  to: number,
): Promise<Map<string, Busy[]>> {
  const { rows } = await db.query(
    `SELECT resource_id, starts_at, ends_at FROM appointments
     WHERE practice_id = $1 AND resource_id = ANY($2::uuid[]) AND status <> 'cancelled' AND deleted_at IS NULL
       AND starts_at < $4 AND ends_at > $3`,
    [practiceId, resourceIds, new Date(from), new Date(to)],
  );
  const out = new Map<string, Busy[]>();
  for (const r of rows) {
    const list = out.get(r.resource_id) ?? [];
    list.push({ start: (r.starts_at as Date).getTime(), end: (r.ends_at as Date).getTime() });
    out.set(r.resource_id, list);
  }
  return out;
}

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
