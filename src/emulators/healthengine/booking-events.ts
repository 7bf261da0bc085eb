// Payloads of the booking-webhooks product (§6): unix-second times, string ids, YYYY-MM-DD dob.
import type { Booking, EmulatorState, Practice } from './state.ts';
import { localToUtc } from './time.ts';

function unix(ms: number): number {
  return Math.floor(ms / 1000);
}

function patientData(booking: Booking, withGender: boolean): Record<string, unknown> {
  const p = booking.patient;
  return {
    address: { postcode: p.postcode, state: p.state, street: p.address, suburb: p.suburb },
    dob: p.dob,
    email: p.email || null,
    firstname: p.firstname,
    lastname: p.lastname,
    ...(withGender ? { gender: p.gender } : {}),
    medicare: p.medicareNumber
      ? { expiry: p.medicareExpiry, number: p.medicareNumber, reference: p.medicareIrn }
      : null,
    mobile_phone: p.phone || null,
  };
}

function appointmentStart(practice: Practice, booking: Booking): number {
  return unix(localToUtc(booking.date, booking.startMinute, practice.timezone));
}

export function bookingEventData(
  state: EmulatorState,
  practice: Practice,
  type: string,
  booking: Booking,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const now = unix(state.clock.now());
  const practiceRef = { id: practice.practiceId };
  const bookingId = String(booking.bookingId);
  switch (type) {
    case 'booking-cancelled':
      return {
        booking_id: bookingId,
        practice: practiceRef,
        patient: withoutGender(patientData(booking, false)),
        cancelled_time: now,
        ...extra,
      };
    case 'booking-marked-attended':
      return {
        appointment: { datetime: appointmentStart(practice, booking) },
        booking_id: bookingId,
        practice: { id: practice.practiceId, name: practice.name },
        patient: patientData(booking, false),
        attended: extra.attended ?? true,
        attended_changed_at: now,
      };
    case 'booking-pre-screening-submitted':
      return {
        booking_id: bookingId,
        pre_screening_form: { question_answers: extra.question_answers ?? [] },
        practice: practiceRef,
        submitted_at: now,
      };
    case 'booking-document-attached':
      return {
        booking_id: bookingId,
        document_type: 'custom-form',
        file_name: extra.file_name ?? 'new-patient-form.pdf',
        document_name: extra.document_name ?? 'New Patient Form',
        download_url: `${state.baseUrl}/_emulator/documents/${bookingId}.pdf`,
        download_expiry: now + 3600,
        created_at: now,
        practice: practiceRef,
      };
    default: {
      const submitted = {
        appointment: {
          datetime: appointmentStart(practice, booking),
          type: booking.comments,
          specialty: 'General Practitioner',
        },
        booking_id: bookingId,
        booker: null,
        manage_booking_url: `https://healthengine.com.au/manage-booking/${bookingId}`,
        practice: {
          id: practice.practiceId,
          timezone: practice.timezone,
          name: practice.name,
          address: { postcode: booking.patient.postcode },
        },
        patient: patientData(booking, type === 'booking-submitted'),
        external_user: null,
        voucher_code: null,
        additional_patient_questions: null,
        external_payments: null,
        exclusive_scheduling: null,
        ...extra,
      };
      return type === 'booking-submitted' ? { ...submitted, selected_medication: null } : submitted;
    }
  }
}

function withoutGender(patient: Record<string, unknown>): Record<string, unknown> {
  const { address, dob, email, firstname, lastname, mobile_phone: mobile } = patient;
  return { address, dob, email, firstname, lastname, mobile_phone: mobile };
}
