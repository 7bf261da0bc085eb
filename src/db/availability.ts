// The hub records availability is computed from, read for a set of locations: their time
// zones, their active resources, those resources' practitioners and schedules, the practice's
// active appointment types, and the appointments that occupy the resources. A connector that
// publishes availability (Healthengine) maps these into its platform's terms.
import type { Busy, ScheduleInput } from '../core/availability/index.ts';
import type { Queryable } from './pool.ts';

export interface BookableResource {
  id: string;
  name: string;
  kind: string;
  practitionerId: string | null;
  specialty: string | null;
  active: boolean;
  locationId: string;
}

export interface ActiveAppointmentType {
  id: string;
  name: string;
  durationMinutes: number;
  resourceIds: string[];
  active: boolean;
}

export interface PractitionerName {
  id: string;
  title: string | null;
  firstName: string;
  lastName: string;
}

/** The time zone of each live location among these, by id. */
export async function locationZones(
  db: Queryable,
  practiceId: string,
  locationIds: string[],
): Promise<Map<string, string>> {
  const { rows } = await db.query(
    `SELECT id, time_zone FROM locations WHERE practice_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL`,
    [practiceId, locationIds],
  );
  return new Map(rows.map((r) => [r.id as string, r.time_zone as string]));
}

/** The time zone of one location in each of many practices (a sweep across connections), keyed "<practiceId>:<locationId>". */
export async function locationZonesAcross(
  db: Queryable,
  locations: { practiceId: string; locationId: string }[],
): Promise<Map<string, string>> {
  if (locations.length === 0) return new Map();
  const { rows } = await db.query(
    `SELECT l.practice_id, l.id, l.time_zone FROM locations l
     JOIN unnest($1::uuid[], $2::text[]) AS w(practice_id, id) ON w.practice_id = l.practice_id AND w.id = l.id::text`,
    [locations.map((l) => l.practiceId), locations.map((l) => l.locationId)],
  );
  return new Map(rows.map((r) => [`${r.practice_id}:${r.id}`, r.time_zone as string]));
}

/** The active, live resources at these locations, oldest first. */
export async function bookableResources(
  db: Queryable,
  practiceId: string,
  locationIds: string[],
): Promise<BookableResource[]> {
  const { rows } = await db.query(
    `SELECT id, name, kind, practitioner_id, specialty, active, location_id FROM resources
     WHERE practice_id = $1 AND location_id = ANY($2::uuid[]) AND active AND deleted_at IS NULL ORDER BY created_at, id`,
    [practiceId, locationIds],
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    practitionerId: r.practitioner_id,
    specialty: r.specialty,
    active: r.active,
    locationId: r.location_id,
  }));
}

/** The practice's active, live appointment types, oldest first. */
export async function activeAppointmentTypes(db: Queryable, practiceId: string): Promise<ActiveAppointmentType[]> {
  const { rows } = await db.query(
    `SELECT id, name, duration_minutes, resource_ids, active FROM appointment_types
     WHERE practice_id = $1 AND active AND deleted_at IS NULL ORDER BY created_at, id`,
    [practiceId],
  );
  return rows.map((t) => ({
    id: t.id,
    name: t.name,
    durationMinutes: t.duration_minutes,
    resourceIds: t.resource_ids as string[],
    active: t.active,
  }));
}

/** These practitioners' names, by id. */
export async function practitionerNames(
  db: Queryable,
  practiceId: string,
  ids: string[],
): Promise<Map<string, PractitionerName>> {
  const { rows } = await db.query(
    `SELECT id, title, first_name, last_name FROM practitioners WHERE practice_id = $1 AND id = ANY($2::uuid[])`,
    [practiceId, ids],
  );
  return new Map(rows.map((p) => [p.id, { id: p.id, title: p.title, firstName: p.first_name, lastName: p.last_name }]));
}

/** The live schedule of each of these resources, by resource id. */
export async function resourceSchedules(
  db: Queryable,
  practiceId: string,
  resourceIds: string[],
): Promise<Map<string, ScheduleInput>> {
  const { rows } = await db.query(
    `SELECT resource_id, weekly_hours, exceptions, time_off FROM schedules
     WHERE practice_id = $1 AND resource_id = ANY($2::uuid[]) AND deleted_at IS NULL`,
    [practiceId, resourceIds],
  );
  return new Map(
    rows.map((s) => [s.resource_id, { weeklyHours: s.weekly_hours, exceptions: s.exceptions, timeOff: s.time_off }]),
  );
}

/** Live appointments (any source) of the resources overlapping [from, to), by resource id. */
export async function busyTimes(
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

/** The practice's live locations, oldest first. */
export async function liveLocations(db: Queryable, practiceId: string): Promise<{ id: string; name: string }[]> {
  const { rows } = await db.query(
    'SELECT id, name FROM locations WHERE practice_id = $1 AND deleted_at IS NULL ORDER BY created_at',
    [practiceId],
  );
  return rows.map((r) => ({ id: r.id, name: r.name }));
}
