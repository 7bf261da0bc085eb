// Booking-related requests after insertion, and changes made in Tandem pushed to Healthengine:
// a patient's cancellation on Healthengine cancels the appointment (confirmUpdate); an unknown
// booking id is rejected; pmsAppointmentChanges is answered from the appointment's state; a
// cancellation or did-not-attend recorded in Tandem is pushed at once.
import { NotFoundError } from '../../core/errors.ts';
import { findLink, upsertLink } from '../../db/links.ts';
import { writeLog } from '../../db/logs.ts';
import type { Db } from '../../db/pool.ts';
import { appointments } from '../../db/records/kinds.ts';
import { getRecord, updateRecord } from '../../db/records/repository.ts';
import { HealthengineConsentError, HealthengineError, type HealthengineClient } from './client.ts';
import { writeContext, type LoadedConnection } from './connection.ts';
import { BOOKING_LINK } from './inbound-booking.ts';
import type { WireAppointmentChangesRequest, WireBookingUpdate } from './schemas.ts';

export type ChangeOutcome = {
  kind: 'confirmed' | 'rejected' | 'cancel' | 'didNotAttend' | 'noPmsAppointmentChange';
  appointmentId?: string;
  resourceId?: string;
  /** Healthengine refused the answer (4xx): the request cannot be resolved by Tandem; health shows it. */
  refusal?: string;
};

/**
 * The appointment, or undefined when it no longer exists (deleted in Tandem). Only NotFound
 * means gone: any other failure (the database unreachable, a permission, a broken row) is
 * thrown, so the job retries instead of acting on a guess — a guess here cancels a booking.
 */
async function appointmentOrGone(db: Db, practiceId: string, id: string) {
  try {
    return await getRecord(db, practiceId, appointments, id);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

async function linkedAppointment(db: Db, loaded: LoadedConnection, bookingId: number) {
  const link = await findLink(db, loaded.connection.practiceId, loaded.connection.id, BOOKING_LINK, {
    remoteId: String(bookingId),
  });
  if (!link) return undefined;
  const appointment = await appointmentOrGone(db, loaded.connection.practiceId, link.localId);
  return appointment ? { link, appointment } : undefined;
}

/** A repeated answer (an earlier run answered, then died) is not an error. */
async function tolerateAnswered(call: Promise<unknown>): Promise<void> {
  await call.catch((e: unknown) => {
    if (e instanceof HealthengineError && e.status === 400 && /already/i.test(e.body)) return;
    throw e;
  });
}

export async function handleBookingUpdate(
  db: Db,
  client: HealthengineClient,
  loaded: LoadedConnection,
  u: WireBookingUpdate,
): Promise<ChangeOutcome> {
  const found = await linkedAppointment(db, loaded, u.bookingId);
  if (!found) {
    await tolerateAnswered(
      client.rejectUpdate(
        u.bookingId,
        u.requestId,
        'Unknown booking: this booking was never inserted into this practice',
      ),
    );
    await writeLog(db, loaded.connection.practiceId, {
      level: 'error',
      connectionId: loaded.connection.id,
      message: `Healthengine update ${u.requestId} for unknown booking ${u.bookingId} rejected`,
    });
    return { kind: 'rejected' };
  }
  const { link, appointment } = found;
  const appointmentId = String(appointment.id);
  if (u.bookingStatus === 'Cancelled' && appointment.status !== 'cancelled') {
    await updateRecord(db, writeContext(loaded.connection), appointments, appointmentId, { status: 'cancelled' });
    await upsertLink(
      db,
      { ...linkKey(loaded, link.localId, link.remoteId) },
      { remoteState: 'cancelled', synced: true },
    );
    await writeLog(db, loaded.connection.practiceId, {
      level: 'debug',
      connectionId: loaded.connection.id,
      entityKind: 'appointment',
      entityId: appointmentId,
      message: `Healthengine booking ${u.bookingId} cancelled on Healthengine: appointment cancelled`,
    });
  }
  await tolerateAnswered(client.confirmUpdate(u.bookingId, u.requestId));
  return { kind: 'confirmed', appointmentId, resourceId: String(appointment.resourceId) };
}

/** The answer was taken (true), or Healthengine says it already has it (false: answer something else). */
async function takenUnlessAlready(call: Promise<unknown>): Promise<boolean> {
  try {
    await call;
    return true;
  } catch (e) {
    if (e instanceof HealthengineError && e.status === 400 && /already/i.test(e.body)) return false;
    throw e;
  }
}

/**
 * Healthengine asks whether the appointment changed. A cancellation or did-not-attend it has
 * not been told of is sent; one it already has (pushed earlier: answering `cancel` again gets
 * 400 "already cancelled" and leaves the request queued forever) is no further change. A
 * refusal of that last answer is kept on the request (its 4xx words) for health to show.
 */
export async function handleAppointmentChanges(
  db: Db,
  client: HealthengineClient,
  loaded: LoadedConnection,
  r: WireAppointmentChangesRequest,
): Promise<ChangeOutcome> {
  const found = await linkedAppointment(db, loaded, r.bookingId);
  const status = found?.appointment.status;
  const told = found?.link.remoteState;
  if (status === 'cancelled' && told !== 'cancelled') {
    if (await takenUnlessAlready(client.cancel(r.bookingId, 'Cancelled in the practice'))) return { kind: 'cancel' };
  } else if (status === 'did_not_attend' && told !== 'did_not_attend') {
    if (await takenUnlessAlready(client.didNotAttend(r.bookingId, 'Did not attend'))) return { kind: 'didNotAttend' };
  }
  // No reject call exists for this type (§9.12): an unknown booking has, as far as Tandem knows, no change.
  const refusal = await answerNoChange(client, r.bookingId);
  if (refusal || !found)
    await writeLog(db, loaded.connection.practiceId, {
      level: 'error',
      connectionId: loaded.connection.id,
      message: refusal
        ? `Healthengine refused noPmsAppointmentChange for booking ${r.bookingId}: ${refusal}`
        : `Healthengine asked about unknown booking ${r.bookingId}: answered noPmsAppointmentChange`,
    });
  return { kind: 'noPmsAppointmentChange', ...(refusal ? { refusal } : {}) };
}

/** Undefined when taken; Healthengine's words when it refused for good (a 4xx other than consent). */
async function answerNoChange(client: HealthengineClient, bookingId: number): Promise<string | undefined> {
  try {
    await client.noPmsAppointmentChange(bookingId);
    return undefined;
  } catch (e) {
    if (e instanceof HealthengineError && !e.retryable && !(e instanceof HealthengineConsentError))
      return e.detail ?? `status ${e.status}`;
    throw e;
  }
}

/** A change made in Tandem to an appointment that came from Healthengine: push cancel / DNA once. */
export async function pushAppointmentChange(
  db: Db,
  client: HealthengineClient,
  loaded: LoadedConnection,
  appointmentId: string,
): Promise<ChangeOutcome | undefined> {
  const link = await findLink(db, loaded.connection.practiceId, loaded.connection.id, BOOKING_LINK, {
    localId: appointmentId,
  });
  if (!link) return undefined;
  // A deleted appointment is a cancelled booking; an appointment we could not read is not.
  const appointment = await appointmentOrGone(db, loaded.connection.practiceId, appointmentId);
  const status = appointment ? String(appointment.status) : 'cancelled';
  const bookingId = Number(link.remoteId);
  if (status === link.remoteState) return undefined;
  if (status === 'cancelled') await tolerateAnswered(client.cancel(bookingId, 'Cancelled in the practice'));
  else if (status === 'did_not_attend') await tolerateAnswered(client.didNotAttend(bookingId, 'Did not attend'));
  else return undefined;
  await upsertLink(db, linkKey(loaded, link.localId, link.remoteId), { remoteState: status, synced: true });
  await writeLog(db, loaded.connection.practiceId, {
    level: 'debug',
    connectionId: loaded.connection.id,
    entityKind: 'appointment',
    entityId: appointmentId,
    message: `Appointment ${status === 'cancelled' ? 'cancellation' : 'did-not-attend'} pushed to Healthengine booking ${bookingId}`,
  });
  return { kind: status === 'cancelled' ? 'cancel' : 'didNotAttend' };
}

function linkKey(loaded: LoadedConnection, localId: string, remoteId: string) {
  return {
    practiceId: loaded.connection.practiceId,
    connectionId: loaded.connection.id,
    entityKind: BOOKING_LINK,
    localId,
    remoteId,
  };
}
