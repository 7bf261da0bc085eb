// Resource and appointment-type snapshots replace the whole set: whatever is missing is
// deleted. A deleted resource leaves its pending bookings with pmsResourceId null (the PMS
// must then reject them) and takes its published availability with it.
import { dropAvailabilityOf } from './availability.ts';
import { note } from './bookings.ts';
import { resolveWhere } from './queue.ts';
import type { EmulatorState, PmsAppointmentType, PmsResource, Practice, Range } from './state.ts';
import { minutesOf } from './time.ts';

function firstDuplicate(values: string[]): string | undefined {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) return v;
    seen.add(v);
  }
  return undefined;
}

export function resourceSnapshotProblem(resources: PmsResource[]): string | undefined {
  const id = firstDuplicate(resources.map((r) => r.pmsResourceId));
  if (id !== undefined) return `pmsResourceId ${id} appears more than once (ids must be unique)`;
  const name = firstDuplicate(resources.map((r) => r.pmsResourceName));
  if (name !== undefined) return `pmsResourceName "${name}" appears more than once (names must be unique)`;
  return undefined;
}

export function appointmentTypeSnapshotProblem(types: PmsAppointmentType[]): string | undefined {
  const id = firstDuplicate(types.map((t) => t.pmsAppointmentTypeId));
  return id === undefined ? undefined : `pmsAppointmentTypeId ${id} appears more than once (ids must be unique)`;
}

export function replaceResources(state: EmulatorState, practice: Practice, resources: PmsResource[]): void {
  const removed = new Set(
    [...practice.resources.keys()].filter((id) => !resources.some((r) => r.pmsResourceId === id)),
  );
  practice.resources = new Map(resources.map((r) => [r.pmsResourceId, r]));
  for (const booking of practice.bookings.values()) {
    if (booking.insert !== 'pending' || booking.pmsResourceId === null || !removed.has(booking.pmsResourceId)) continue;
    note(state, booking, 'resource-deleted', { pmsResourceId: booking.pmsResourceId });
    booking.pmsResourceId = null;
  }
  dropAvailabilityOf(practice, removed);
  resolveWhere(state, practice, (i) => i.type === 'pmsResources', 'pmsResources snapshot');
}

export function replaceAppointmentTypes(state: EmulatorState, practice: Practice, types: PmsAppointmentType[]): void {
  practice.appointmentTypes = new Map(types.map((t) => [t.pmsAppointmentTypeId, t]));
  for (const booking of practice.bookings.values()) {
    if (
      booking.insert !== 'pending' ||
      booking.pmsAppointmentTypeId === null ||
      practice.appointmentTypes.has(booking.pmsAppointmentTypeId)
    )
      continue;
    note(state, booking, 'appointment-type-deleted', { pmsAppointmentTypeId: booking.pmsAppointmentTypeId });
    booking.pmsAppointmentTypeId = null;
  }
  resolveWhere(state, practice, (i) => i.type === 'pmsAppointmentTypes', 'pmsAppointmentTypes snapshot');
}

/** Ranges must end after they start (`23:59` counts as the end of the day). */
export function livenessProblem(liveHours: Record<string, Range[] | undefined>): string | undefined {
  for (const [day, ranges] of Object.entries(liveHours)) {
    for (const [i, r] of (ranges ?? []).entries()) {
      if (!r.start) return `liveHours.${day}[${i}].start is required`;
      if (!r.end) return `liveHours.${day}[${i}].end is required`;
      if (minutesOf(r.end, true) <= minutesOf(r.start)) return `liveHours.${day}[${i}].end must be after start`;
    }
  }
  return undefined;
}
