// Wire shapes of what the emulator holds, as the spec's schemas describe them.
import { applyAutoConfirm } from './auto-confirm.ts';
import type { Booking, EmulatorState, PatientDetails, Practice, QueueItem, Subscription } from './state.ts';
import { formatUtc, hhmm } from './time.ts';

export function dobOut(state: EmulatorState, isoDate: string): string {
  if (state.config.dobFormat === 'YYYY-MM-DD') return isoDate;
  return `${isoDate.slice(8, 10)}-${isoDate.slice(5, 7)}-${isoDate.slice(0, 4)}`;
}

export function patientView(state: EmulatorState, p: PatientDetails): Record<string, unknown> {
  return { ...p, dob: dobOut(state, p.dob) };
}

export function appointmentTime(booking: Booking): string {
  return `${booking.date} ${hhmm(booking.startMinute)}:00`;
}

/**
 * bookingId, pmsAppointmentIds and pmsPatientId as request items carry them. Only Booking says
 * pmsPatientId "can be null"; elsewhere an unknown patient is left out rather than null.
 */
export function bookingRefs(booking: Booking): Record<string, unknown> {
  return {
    bookingId: booking.bookingId,
    pmsAppointmentIds: booking.pmsAppointmentIds,
    ...(booking.pmsPatientId === null ? {} : { pmsPatientId: booking.pmsPatientId }),
  };
}

export function bookingView(state: EmulatorState, booking: Booking): Record<string, unknown> {
  applyAutoConfirm(state, booking);
  return {
    bookingId: booking.bookingId,
    pmsResourceId: booking.pmsResourceId,
    pmsAppointmentTypeId: booking.pmsAppointmentTypeId,
    pmsAppointmentIds: booking.pmsAppointmentIds,
    pmsPatientId: booking.pmsPatientId,
    bookedTime: formatUtc(booking.bookedAt),
    bookingStatus: booking.status,
    pmsAppointmentTime: appointmentTime(booking),
    pmsAppointmentLength: booking.lengthSeconds,
    reason: booking.reason,
    comments: booking.comments,
    patient: patientView(state, booking.patient),
    ...(booking.telehealthUrl ? { telehealthUrl: booking.telehealthUrl } : {}),
    isNewPatient: booking.isNewPatient,
  };
}

/** A queue item as GET /requests/{type} lists it; bookings render live (status, resource). */
export function itemView(state: EmulatorState, practice: Practice, item: QueueItem): Record<string, unknown> {
  if (item.type === 'bookings') {
    const booking = item.bookingId === undefined ? undefined : practice.bookings.get(item.bookingId);
    return booking ? bookingView(state, booking) : { bookingId: item.bookingId };
  }
  if (item.type === 'bookingUpdates' || item.type === 'attachDocuments')
    return { requestId: item.requestId, ...item.body };
  return item.body;
}

export function subscriptionView(s: Subscription): Record<string, unknown> {
  return {
    id: s.id,
    clientId: s.clientId,
    topic: s.topic,
    callbackUrl: s.callbackUrl,
    startAt: formatUtc(s.startAt),
    expireAt: s.expireAt === null ? null : formatUtc(s.expireAt),
  };
}
