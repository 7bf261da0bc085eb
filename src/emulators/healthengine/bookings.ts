// The booking state machine (§4, §8.6): Requested → confirmInsert → Confirmed; rejectInsert
// within 20 s → failed, slot freed, availability request raised; no answer within 20 s →
// optimistically Confirmed but still pending; a late reject is accepted and flagged.
import type { Slot } from './availability.ts';
import { pendingOf, raiseRequest, resolveWhere } from './queue.ts';
import type { Booking, EmulatorState, PatientDetails, Practice } from './state.ts';
import { applyAutoConfirm } from './auto-confirm.ts';
import { formatUtc } from './time.ts';
import { bookingRefs } from './views.ts';

export type Outcome = { status: 200 } | { status: 400 | 404; error: string };
const OK: Outcome = { status: 200 };

export interface NewBooking {
  slot: Slot;
  pmsAppointmentTypeId: string | null;
  patient: PatientDetails;
  reason: string;
  isNewPatient: boolean;
}

export function note(state: EmulatorState, booking: Booking, event: string, detail?: Record<string, unknown>): void {
  booking.history.push({ at: new Date(state.clock.now()).toISOString(), event, ...(detail ? { detail } : {}) });
}

/** A patient books a published slot on the website: the booking joins the bookings queue. */
export function createBooking(state: EmulatorState, practice: Practice, input: NewBooking): Booking {
  const type = input.pmsAppointmentTypeId ? practice.appointmentTypes.get(input.pmsAppointmentTypeId) : undefined;
  const booking: Booking = {
    bookingId: state.nextBookingId++,
    pmsResourceId: input.slot.pmsResourceId,
    pmsAppointmentTypeId: input.pmsAppointmentTypeId,
    date: input.slot.date,
    startMinute: Math.floor(input.slot.startSecond / 60),
    lengthSeconds: input.slot.lengthSeconds,
    bookedAt: state.clock.now(),
    status: 'Requested',
    insert: 'pending',
    pmsPatientId: null,
    pmsAppointmentIds: [],
    links: {},
    patient: input.patient,
    reason: input.reason,
    comments: type?.pmsAppointmentTypeName ?? 'Standard Consultation',
    isNewPatient: input.isNewPatient,
    history: [],
  };
  practice.bookings.set(booking.bookingId, booking);
  const dayKey = `${booking.pmsResourceId}|${booking.date}`;
  const day = practice.bookingsByDay.get(dayKey);
  if (day) day.push(booking);
  else practice.bookingsByDay.set(dayKey, [booking]);
  note(state, booking, 'requested');
  raiseRequest(state, practice, 'bookings', {}, booking.bookingId);
  state.hooks.bookingEvent(practice, 'booking-submitted', booking);
  return booking;
}

function isBooking(value: Booking | Outcome): value is Booking {
  return 'bookingId' in value;
}

function withinRejectWindow(booking: Booking): boolean {
  return booking.autoConfirmedAt === undefined;
}

function pendingInsert(state: EmulatorState, practice: Practice, bookingId: number): Booking | Outcome {
  const found = practice.bookings.get(bookingId);
  if (!found) return { status: 404, error: `booking ${bookingId} not found` };
  const booking = applyAutoConfirm(state, found);
  if (booking.insert !== 'pending') {
    return {
      status: state.config.alreadyResolvedStatus,
      error: `booking ${bookingId} has already been ${booking.insert === 'confirmed' ? 'confirmed' : 'rejected'}`,
    };
  }
  return booking;
}

export interface ConfirmInsertBody {
  pmsAppointmentIds: string[];
  pmsPatientId: string;
  patientAppointmentLink?: string;
  patientAppointmentDescription?: string;
  practitionerAppointmentLink?: string;
  practitionerAppointmentDescription?: string;
}

export function confirmInsert(
  state: EmulatorState,
  practice: Practice,
  bookingId: number,
  body: ConfirmInsertBody,
): Outcome {
  const found = pendingInsert(state, practice, bookingId);
  if (!isBooking(found)) return found;
  const { pmsAppointmentIds, pmsPatientId, ...links } = body;
  Object.assign(found, { insert: 'confirmed', pmsAppointmentIds, pmsPatientId, links, confirmedAt: state.clock.now() });
  if (found.status === 'Requested') found.status = 'Confirmed';
  resolveWhere(state, practice, (i) => i.type === 'bookings' && i.bookingId === bookingId, 'confirmInsert');
  note(state, found, 'insert-confirmed', { pmsPatientId, pmsAppointmentIds });
  return OK;
}

export function rejectInsert(
  state: EmulatorState,
  practice: Practice,
  bookingId: number,
  reason: string | null,
): Outcome {
  const found = pendingInsert(state, practice, bookingId);
  if (!isBooking(found)) return found;
  const late = !withinRejectWindow(found);
  Object.assign(found, { insert: 'rejected', rejectedAt: state.clock.now(), rejectedLate: late, rejectReason: reason });
  resolveWhere(state, practice, (i) => i.type === 'bookings' && i.bookingId === bookingId, 'rejectInsert');
  if (late && !state.config.lateRejectCancels) {
    note(state, found, 'insert-rejected-late', {
      reason,
      effect: 'booking stays Confirmed; the practice must cancel it manually',
    });
    return OK;
  }
  Object.assign(found, { status: 'Cancelled', cancelledAt: state.clock.now(), cancelledBy: 'rejected' });
  note(state, found, late ? 'insert-rejected-late' : 'insert-rejected', {
    reason,
    effect: 'patient offered other times',
  });
  if (state.config.availabilityRequestOnReject) {
    raiseRequest(
      state,
      practice,
      'availability',
      found.pmsResourceId === null
        ? { day: found.date }
        : { day: found.date, pmsResourceId: found.pmsResourceId, pms_resource_id: found.pmsResourceId },
    );
  }
  state.hooks.bookingEvent(practice, 'booking-cancelled', found);
  return OK;
}

/** The patient cancels on the website: HE raises a bookingUpdates request. */
export function patientCancel(state: EmulatorState, practice: Practice, booking: Booking): number {
  applyAutoConfirm(state, booking);
  Object.assign(booking, { status: 'Cancelled', cancelledAt: state.clock.now(), cancelledBy: 'patient' });
  const item = raiseRequest(
    state,
    practice,
    'bookingUpdates',
    {
      ...bookingRefs(booking),
      updatedAt: formatUtc(state.clock.now()),
      bookingStatus: 'Cancelled',
    },
    booking.bookingId,
  );
  note(state, booking, 'cancelled-by-patient', { requestId: item.requestId });
  state.hooks.bookingEvent(practice, 'booking-cancelled', booking);
  return item.requestId;
}

export function answerUpdate(
  state: EmulatorState,
  practice: Practice,
  bookingId: number,
  requestId: number,
  answer: 'confirmUpdate' | 'rejectUpdate',
  reason?: string | null,
): Outcome {
  const booking = practice.bookings.get(bookingId);
  if (!booking) return { status: 404, error: `booking ${bookingId} not found` };
  const item = pendingOf(practice, 'bookingUpdates').find((i) => i.requestId === requestId);
  if (!item || item.bookingId !== bookingId) {
    const done = practice.resolved.some((r) => r.item.requestId === requestId && r.item.bookingId === bookingId);
    return done
      ? { status: state.config.alreadyResolvedStatus, error: `request ${requestId} has already been answered` }
      : { status: 404, error: `no pending bookingUpdates request ${requestId} for booking ${bookingId}` };
  }
  resolveWhere(state, practice, (i) => i === item, answer);
  note(state, booking, answer === 'confirmUpdate' ? 'update-confirmed' : 'update-rejected', {
    requestId,
    ...(reason !== undefined ? { reason } : {}),
  });
  return OK;
}

function insertedBooking(state: EmulatorState, practice: Practice, bookingId: number): Booking | Outcome {
  const booking = practice.bookings.get(bookingId);
  if (!booking) return { status: 404, error: `booking ${bookingId} not found` };
  if (booking.insert === 'pending')
    return { status: 400, error: `booking ${bookingId} is still pending: confirm or reject its insert first` };
  if (booking.status === 'Cancelled') return { status: 400, error: `booking ${bookingId} is already cancelled` };
  return booking;
}

function resolveAppointmentChanges(state: EmulatorState, practice: Practice, bookingId: number, by: string): void {
  resolveWhere(state, practice, (i) => i.type === 'pmsAppointmentChanges' && i.bookingId === bookingId, by);
}

/** The PMS cancelled the appointment: the HE booking is cancelled too. */
export function pmsCancel(state: EmulatorState, practice: Practice, bookingId: number, reason: string | null): Outcome {
  const found = insertedBooking(state, practice, bookingId);
  if (!isBooking(found)) return found;
  Object.assign(found, {
    status: 'Cancelled',
    cancelledAt: state.clock.now(),
    cancelledBy: 'pms',
    cancelReason: reason,
  });
  resolveAppointmentChanges(state, practice, bookingId, 'cancel');
  note(state, found, 'cancelled-by-pms', { reason });
  state.hooks.bookingEvent(practice, 'booking-cancelled', found);
  return OK;
}

export function didNotAttend(
  state: EmulatorState,
  practice: Practice,
  bookingId: number,
  reason: string | null,
): Outcome {
  const found = insertedBooking(state, practice, bookingId);
  if (!isBooking(found)) return found;
  Object.assign(found, { didNotAttend: true, didNotAttendReason: reason });
  resolveAppointmentChanges(state, practice, bookingId, 'didNotAttend');
  note(state, found, 'did-not-attend', { reason });
  state.hooks.bookingEvent(practice, 'booking-marked-attended', found, { attended: false });
  return OK;
}

export function noPmsAppointmentChange(state: EmulatorState, practice: Practice, bookingId: number): Outcome {
  const booking = practice.bookings.get(bookingId);
  if (!booking) return { status: 404, error: `booking ${bookingId} not found` };
  if (!pendingOf(practice, 'pmsAppointmentChanges').some((i) => i.bookingId === bookingId)) {
    return { status: 400, error: `no pmsAppointmentChanges request is pending for booking ${bookingId}` };
  }
  resolveAppointmentChanges(state, practice, bookingId, 'noPmsAppointmentChange');
  note(state, booking, 'no-pms-appointment-change');
  return OK;
}
