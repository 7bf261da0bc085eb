// A Healthengine booking into the appointment book: check it is usable, check the slot is
// still free, match (or create) the patient, write the appointment and its link in one
// transaction, then confirmInsert. Anything wrong → rejectInsert with a reason free of PHI,
// well inside the 20-second window. The link (booking id ↔ appointment) makes a retry after a
// crash confirm the same appointment instead of writing a second one.
import { addDays, isFree, localToUtc } from '../../core/availability/index.ts';
import { ConflictError, NotFoundError } from '../../core/errors.ts';
import { isUuid } from '../../core/ids.ts';
import { createMatchReview, matchPatient } from '../../db/patient-matching.ts';
import { findLink, upsertLink } from '../../db/links.ts';
import { writeLog } from '../../db/logs.ts';
import { inTransaction, type Db } from '../../db/pool.ts';
import { appointments, patients } from '../../db/records/kinds.ts';
import { createRecord, getRecord } from '../../db/records/repository.ts';
import type { MatchResult } from '../../core/matching/index.ts';
import { HealthengineError, type HealthengineClient } from './client.ts';
import { writeContext, type LoadedConnection } from './connection.ts';
import { engineResources, loadBusy, type PublishedConfig } from './outbound-data.ts';
import { hubTypeIdOf, incomingPatient, parseLocalDateTime, type IncomingPatient } from './mapping.ts';
import type { WireBooking } from './schemas.ts';

export const BOOKING_LINK = 'healthengine_booking';

export type BookingOutcome =
  | { kind: 'confirmed'; appointmentId: string; patientId: string; resourceId: string; date: string }
  | { kind: 'rejected'; reason: string; resourceId?: string; date?: string };

interface Usable {
  resourceId: string;
  date: string;
  start: number;
  end: number;
  appointmentTypeId: string | null;
  patient: IncomingPatient & { create: Record<string, unknown> };
}

/** Reasons are sent to Healthengine and logged: ids and rules only, never patient details. */
function usable(
  b: WireBooking,
  config: PublishedConfig,
): Usable | { reason: string; resourceId?: string; date?: string } {
  const resource = config.resources.find((r) => r.id === b.pmsResourceId);
  const when = parseLocalDateTime(b.pmsAppointmentTime);
  if (!resource) return { reason: 'The booked resource is no longer offered by the practice', date: when?.date };
  const seconds = Number(b.pmsAppointmentLength);
  if (!when || !Number.isFinite(seconds) || seconds < 60 || seconds > 86_400)
    return { reason: 'The booking time or length is unusable', resourceId: resource.id };
  const patient = incomingPatient(b.patient ?? {}, b.bookingId);
  if (!patient.create)
    return { reason: 'The booking has no usable patient name', resourceId: resource.id, date: when.date };
  const start = localToUtc(when.date, when.minute, config.timeZone);
  const typeId = hubTypeIdOf(b.pmsAppointmentTypeId);
  return {
    resourceId: resource.id,
    date: when.date,
    start,
    end: start + seconds * 1000,
    appointmentTypeId: typeId && config.types.some((t) => t.id === typeId) ? typeId : null,
    patient: { ...patient, create: patient.create },
  };
}

async function slotIsFree(db: Db, practiceId: string, config: PublishedConfig, u: Usable): Promise<boolean> {
  const from = localToUtc(u.date, 0, config.timeZone);
  const busy = await loadBusy(db, practiceId, [u.resourceId], from, localToUtc(addDays(u.date, 1), 0, config.timeZone));
  const [resource] = engineResources(config, busy, new Set([u.resourceId]));
  return resource !== undefined && isFree(resource, u.start, u.end, config.timeZone);
}

/** An existing hub patient named by Healthengine (from an earlier booking), else the matcher's decision. */
async function findPatient(db: Db, loaded: LoadedConnection, b: WireBooking, u: Usable): Promise<MatchResult> {
  if (b.pmsPatientId) {
    // Only "no such patient" (deleted, or an id that is not ours) falls through to the matcher; a
    // database failure is thrown (the request is retried), never read as "unknown" (a duplicate).
    const known = isUuid(b.pmsPatientId)
      ? await getRecord(db, loaded.connection.practiceId, patients, b.pmsPatientId).catch((error: unknown) => {
          if (error instanceof NotFoundError) return undefined;
          throw error;
        })
      : undefined;
    if (known)
      return {
        kind: 'match',
        id: String(known.id),
        score: Infinity,
        explanation: { score: Infinity, probability: 1, priorWeight: 0, fields: [], namesSwapped: false, guards: [] },
      };
  }
  return matchPatient(db, loaded.connection.practiceId, u.patient.match);
}

async function insert(
  db: Db,
  loaded: LoadedConnection,
  b: WireBooking,
  u: Usable,
  match: MatchResult,
): Promise<{ appointmentId: string; patientId: string }> {
  const ctx = writeContext(loaded.connection);
  return inTransaction(db, async (tx) => {
    let patientId: string;
    switch (match.kind) {
      case 'match':
        patientId = match.id;
        break;
      case 'review':
      case 'new': {
        const created = await createRecord(db, ctx, patients, u.patient.create, tx);
        patientId = String(created.id);
        // Ambiguous: a new patient now, and a review so staff can merge it into the right one.
        if (match.kind === 'review') {
          await createMatchReview(tx, {
            practiceId: ctx.practiceId,
            connectionId: loaded.connection.id,
            remoteId: `booking:${b.bookingId}`,
            localId: patientId,
            incoming: u.patient.match,
            candidates: match.candidates,
          });
        }
        break;
      }
      default: {
        const never: never = match;
        throw new Error(`unknown match result ${String(never)}`);
      }
    }
    const appointment = await createRecord(
      db,
      ctx,
      appointments,
      {
        resourceId: u.resourceId,
        appointmentTypeId: u.appointmentTypeId,
        patientId,
        status: 'booked',
        source: 'healthengine',
        start: new Date(u.start).toISOString(),
        end: new Date(u.end).toISOString(),
        reason: (b.reason ?? '').slice(0, 1000) || null,
        notes: b.reason || null,
        external: {
          healthengine: {
            connectionId: loaded.connection.id,
            practiceId: loaded.credentials.practiceId,
            bookingId: b.bookingId,
            telehealthUrl: b.telehealthUrl ?? null,
            comments: b.comments ?? null,
            isNewPatient: b.isNewPatient ?? null,
            bookedTime: b.bookedTime ?? null,
          },
        },
      },
      tx,
    );
    const appointmentId = String(appointment.id);
    await upsertLink(
      tx,
      {
        practiceId: ctx.practiceId,
        connectionId: loaded.connection.id,
        entityKind: BOOKING_LINK,
        localId: appointmentId,
        remoteId: String(b.bookingId),
      },
      { status: 'synced', remoteState: 'booked', synced: true, remoteData: { patientId } },
    );
    return { appointmentId, patientId };
  });
}

/** confirm/reject of a booking that a previous, interrupted run already answered is not an error. */
async function answered(call: Promise<unknown>): Promise<void> {
  await call.catch((e: unknown) => {
    if (e instanceof HealthengineError && e.status === 400 && /already/i.test(e.body)) return;
    throw e;
  });
}

export async function handleBooking(
  db: Db,
  client: HealthengineClient,
  loaded: LoadedConnection,
  config: PublishedConfig,
  b: WireBooking,
): Promise<BookingOutcome> {
  const { connection } = loaded;
  const linked = await findLink(db, connection.practiceId, connection.id, BOOKING_LINK, {
    remoteId: String(b.bookingId),
  });
  if (linked) {
    const patientId = String(linked.remoteData.patientId ?? '');
    await answered(client.confirmInsert(b.bookingId, { pmsAppointmentIds: [linked.localId], pmsPatientId: patientId }));
    return {
      kind: 'confirmed',
      appointmentId: linked.localId,
      patientId,
      resourceId: String(b.pmsResourceId),
      date: parseLocalDateTime(b.pmsAppointmentTime)?.date ?? '',
    };
  }
  const u = usable(b, config);
  if (!('start' in u)) return reject(db, client, loaded, b, u.reason, u.resourceId, u.date);
  if (!(await slotIsFree(db, connection.practiceId, config, u)))
    return reject(db, client, loaded, b, 'The slot is no longer free in the practice', u.resourceId, u.date);
  const match = await findPatient(db, loaded, b, u);
  if (match.kind === 'review' && loaded.settings.ambiguousPatients === 'reject-booking') {
    return reject(
      db,
      client,
      loaded,
      b,
      'The patient could not be identified unambiguously; the practice asks them to call',
      u.resourceId,
      u.date,
    );
  }
  let ids: { appointmentId: string; patientId: string };
  try {
    ids = await insert(db, loaded, b, u, match);
  } catch (e) {
    // The exclusion constraint: another appointment took the slot between the check and the write.
    if (e instanceof ConflictError)
      return reject(db, client, loaded, b, 'The slot is no longer free in the practice', u.resourceId, u.date);
    throw e;
  }
  await answered(
    client.confirmInsert(b.bookingId, { pmsAppointmentIds: [ids.appointmentId], pmsPatientId: ids.patientId }),
  );
  await writeLog(db, connection.practiceId, {
    level: 'debug',
    connectionId: connection.id,
    entityKind: 'appointment',
    entityId: ids.appointmentId,
    message: `Healthengine booking ${b.bookingId} confirmed as appointment ${ids.appointmentId} (patient ${match.kind === 'match' ? 'matched' : match.kind === 'review' ? 'created, flagged for review' : 'created'})`,
  });
  return { kind: 'confirmed', ...ids, resourceId: u.resourceId, date: u.date };
}

async function reject(
  db: Db,
  client: HealthengineClient,
  loaded: LoadedConnection,
  b: WireBooking,
  reason: string,
  resourceId?: string,
  date?: string,
): Promise<BookingOutcome> {
  await answered(client.rejectInsert(b.bookingId, reason));
  await writeLog(db, loaded.connection.practiceId, {
    level: 'error',
    connectionId: loaded.connection.id,
    message: `Healthengine booking ${b.bookingId} rejected: ${reason}`,
  });
  return { kind: 'rejected', reason, resourceId, date };
}
