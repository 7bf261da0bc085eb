// Availability snapshots and the slots they publish. A snapshot replaces one resource's day;
// ranges are cut into slots of slotLength seconds (below 60: the linked appointment type's
// length); slots already booked, in the past, or of an unhealthy practice are not published.
import { createHash } from 'node:crypto';
import { evaluateHealth } from './health.ts';
import { resolveAvailability } from './queue.ts';
import type { EmulatorState, Practice, SnapshotRange, StoredSnapshot } from './state.ts';
import { hhmm, localToUtc, minutesOf } from './time.ts';

export interface SnapshotInput {
  id?: string;
  date: string;
  pmsResourceId: string;
  availability: SnapshotRange[];
}
export interface Slot {
  pmsResourceId: string;
  date: string;
  startSecond: number;
  lengthSeconds: number;
  pmsAppointmentTypeIds: string[] | null;
}

/** Rules beyond the schema; returns the reason a valid-looking snapshot is refused. */
export function snapshotProblem(state: EmulatorState, practice: Practice, s: SnapshotInput): string | undefined {
  if (state.config.requireKnownResource && !practice.resources.has(s.pmsResourceId)) {
    return `pmsResourceId ${s.pmsResourceId} is not in the resource snapshot`;
  }
  for (const [i, range] of s.availability.entries()) {
    if (minutesOf(range.end, true) <= minutesOf(range.start)) return `availability[${i}].end must be after start`;
  }
  return undefined;
}

function hashOf(s: SnapshotInput): string {
  return createHash('sha1')
    .update(JSON.stringify([s.pmsResourceId, s.date, s.availability]))
    .digest('hex');
}

/**
 * Stores a snapshot; 'existing' when the same content for that resource/day came in recently.
 * Only the bulk call deduplicates (`dedupe`): the spec gives the single call no `existing`
 * answer, so a snapshot sent on its own is always taken.
 */
export function applySnapshot(
  state: EmulatorState,
  practice: Practice,
  s: SnapshotInput,
  dedupe = true,
): 'created' | 'existing' {
  const key = `${s.pmsResourceId}|${s.date}`;
  const hash = hashOf(s);
  const now = state.clock.now();
  const recent = practice.recentSnapshotHashes.get(key);
  const existing =
    dedupe && recent !== undefined && recent.hash === hash && now - recent.at < state.config.existingWindowMs;
  if (!existing) {
    const stored: StoredSnapshot = {
      pmsResourceId: s.pmsResourceId,
      date: s.date,
      availability: s.availability,
      hash,
      receivedAt: now,
    };
    practice.availability.set(key, stored);
    practice.recentSnapshotHashes.set(key, { hash, at: now });
  }
  if (!existing || state.config.existingResolvesAvailabilityRequest)
    resolveAvailability(state, practice, s.pmsResourceId, s.date);
  return existing ? 'existing' : 'created';
}

/** The appointment length HE would use for a range whose slotLength is below 60 seconds. */
export function linkedLengthSeconds(
  state: EmulatorState,
  practice: Practice,
  pmsResourceId: string,
  range: SnapshotRange,
): number {
  const candidates =
    range.pmsAppointmentTypeIds ??
    [...practice.appointmentTypes.values()]
      .filter((t) => !t.pmsResourceId || t.pmsResourceId === pmsResourceId)
      .map((t) => t.pmsAppointmentTypeId);
  for (const id of candidates) {
    const configured = practice.heAppointmentLengths.get(id);
    if (configured) return configured;
    const minutes = practice.appointmentTypes.get(id)?.pmsAppointmentLength;
    if (minutes && minutes > 0) return minutes * 60;
  }
  return state.config.defaultAppointmentLengthSeconds;
}

export function cutSlots(state: EmulatorState, practice: Practice, snapshot: StoredSnapshot): Slot[] {
  const slots: Slot[] = [];
  for (const range of snapshot.availability) {
    const length =
      range.slotLength >= 60 ? range.slotLength : linkedLengthSeconds(state, practice, snapshot.pmsResourceId, range);
    const end = minutesOf(range.end, true) * 60;
    for (let t = minutesOf(range.start) * 60; t + length <= end && slots.length < 5000; t += length) {
      slots.push({
        pmsResourceId: snapshot.pmsResourceId,
        date: snapshot.date,
        startSecond: t,
        lengthSeconds: length,
        pmsAppointmentTypeIds: range.pmsAppointmentTypeIds ?? null,
      });
    }
  }
  return slots;
}

function overlapsBooking(practice: Practice, slot: Slot): boolean {
  for (const b of practice.bookingsByDay.get(`${slot.pmsResourceId}|${slot.date}`) ?? []) {
    if (b.status === 'Cancelled' || b.insert === 'rejected' || b.pmsResourceId !== slot.pmsResourceId) continue;
    const start = b.startMinute * 60;
    if (start < slot.startSecond + slot.lengthSeconds && slot.startSecond < start + b.lengthSeconds) return true;
  }
  return false;
}

/** What patients can book on a date: nothing at all while the practice is unhealthy. */
export function publishedSlots(state: EmulatorState, practice: Practice, date: string): Slot[] {
  if (!evaluateHealth(state, practice).healthy) return [];
  const now = state.clock.now();
  const slots: Slot[] = [];
  for (const resourceId of practice.resources.keys()) {
    const snapshot = practice.availability.get(`${resourceId}|${date}`);
    if (!snapshot) continue;
    for (const slot of cutSlots(state, practice, snapshot)) {
      if (bookable(practice, slot, now)) slots.push(slot);
    }
  }
  return slots;
}

function bookable(practice: Practice, slot: Slot, now: number): boolean {
  const startsAt =
    localToUtc(slot.date, Math.floor(slot.startSecond / 60), practice.timezone) + (slot.startSecond % 60) * 1000;
  return startsAt > now && !overlapsBooking(practice, slot);
}

/** The published slot a patient asks for, if it is published and free (one resource-day only, for speed). */
export function findBookableSlot(
  state: EmulatorState,
  practice: Practice,
  pmsResourceId: string,
  date: string,
  startSecond: number,
  pmsAppointmentTypeId?: string,
): Slot | undefined {
  const snapshot = practice.resources.has(pmsResourceId)
    ? practice.availability.get(`${pmsResourceId}|${date}`)
    : undefined;
  if (!snapshot || !evaluateHealth(state, practice).healthy) return undefined;
  const slot = cutSlots(state, practice, snapshot).find(
    (s) =>
      s.startSecond === startSecond &&
      (!pmsAppointmentTypeId || !s.pmsAppointmentTypeIds || s.pmsAppointmentTypeIds.includes(pmsAppointmentTypeId)),
  );
  return slot && bookable(practice, slot, state.clock.now()) ? slot : undefined;
}

export function slotTime(startSecond: number): string {
  return `${hhmm(Math.floor(startSecond / 60))}:${String(startSecond % 60).padStart(2, '0')}`;
}

/** Drops availability of resources no longer in the resource snapshot. */
export function dropAvailabilityOf(practice: Practice, removedResourceIds: Set<string>): void {
  for (const [key, snapshot] of practice.availability) {
    if (removedResourceIds.has(snapshot.pmsResourceId)) practice.availability.delete(key);
  }
}
