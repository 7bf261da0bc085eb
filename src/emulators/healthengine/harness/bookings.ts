// Harness: a patient on the Healthengine website. Books a published free slot (201) or is
// refused (409), cancels, and sees what is published; tests read a booking's whole history
// and the practice's health.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { findBookableSlot, publishedSlots, slotTime } from '../availability.ts';
import { createBooking, patientCancel } from '../bookings.ts';
import type { EmulatorContext } from '../context.ts';
import { evaluateHealth } from '../health.ts';
import { isRealDate } from '../spec.ts';
import type { Booking } from '../state.ts';
import { formatUtc } from '../time.ts';
import { bookingView } from '../views.ts';
import { iso, parseBody, practiceParam } from './common.ts';

const dob = z.string().transform((v, ctx) => {
  const iso = /^\d{2}-\d{2}-\d{4}$/.test(v) ? `${v.slice(6)}-${v.slice(3, 5)}-${v.slice(0, 2)}` : v;
  if (!isRealDate(iso)) ctx.addIssue({ code: 'custom', message: 'must be a date YYYY-MM-DD or DD-MM-YYYY' });
  return iso;
});
const optionalText = z.string().max(500).default('');
const nullableText = z.string().max(100).nullable().default(null);

export const patientSchema = z
  .object({
    firstname: z.string().min(1).max(100),
    lastname: z.string().min(1).max(100),
    dob,
    phone: optionalText,
    email: optionalText,
    address: optionalText,
    suburb: optionalText,
    state: optionalText,
    postcode: optionalText,
    gender: z.enum(['Male', 'Female', 'Other']).nullable().default(null),
    medicareNumber: nullableText,
    medicareIrn: nullableText,
    medicareExpiry: nullableText,
  })
  .strict();

const bookingSchema = z
  .object({
    pmsResourceId: z.string().min(1),
    pmsAppointmentTypeId: z.string().min(1).optional(),
    start: z
      .string()
      .regex(
        /^\d{4}-\d{2}-\d{2} ([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/,
        'must be YYYY-MM-DD HH:MM:SS in practice local time',
      ),
    patient: patientSchema,
    reason: z.string().max(5000).default(''),
    isNewPatient: z.boolean().default(false),
    telehealthUrl: z.string().url().optional(),
  })
  .strict();

function bookingState(context: EmulatorContext, booking: Booking): Record<string, unknown> {
  return {
    ...bookingView(context.state, booking),
    insert: booking.insert,
    pending: booking.insert === 'pending',
    links: booking.links,
    bookedAt: iso(booking.bookedAt),
    autoConfirmedAt: iso(booking.autoConfirmedAt),
    confirmedAt: iso(booking.confirmedAt),
    rejectedAt: iso(booking.rejectedAt),
    rejectedLate: booking.rejectedLate ?? false,
    rejectReason: booking.rejectReason,
    cancelledAt: iso(booking.cancelledAt),
    cancelledBy: booking.cancelledBy,
    cancelReason: booking.cancelReason,
    didNotAttend: booking.didNotAttend ?? false,
    didNotAttendReason: booking.didNotAttendReason,
    history: booking.history,
  };
}

export function registerHarnessBookings(app: FastifyInstance, context: EmulatorContext): void {
  app.post('/_emulator/practices/:practiceId/bookings', async (request, reply) => {
    const practice = practiceParam(context, request, reply);
    if (!practice) return reply;
    const body = parseBody(bookingSchema, request, reply);
    if (!body) return reply;
    const [date = '', time = ''] = body.start.split(' ');
    if (!isRealDate(date)) return reply.code(400).send({ error: 'start: not a real date' });
    const [h = 0, m = 0, s = 0] = time.split(':').map(Number);
    if (body.pmsAppointmentTypeId && !practice.appointmentTypes.has(body.pmsAppointmentTypeId)) {
      return reply
        .code(400)
        .send({ error: `pmsAppointmentTypeId: ${body.pmsAppointmentTypeId} is not in the appointment-type snapshot` });
    }
    const slot = findBookableSlot(
      context.state,
      practice,
      body.pmsResourceId,
      date,
      h * 3600 + m * 60 + s,
      body.pmsAppointmentTypeId,
    );
    if (!slot) {
      const health = evaluateHealth(context.state, practice);
      const why = health.healthy
        ? 'that slot is not published or not free'
        : 'the practice is unhealthy: its availability is unpublished';
      return reply.code(409).send({ error: why });
    }
    const booking = createBooking(context.state, practice, {
      slot,
      pmsAppointmentTypeId: body.pmsAppointmentTypeId ?? slot.pmsAppointmentTypeIds?.[0] ?? null,
      patient: body.patient,
      reason: body.reason,
      isNewPatient: body.isNewPatient,
    });
    if (body.telehealthUrl) booking.telehealthUrl = body.telehealthUrl;
    return reply.code(201).send({ bookingId: booking.bookingId });
  });

  app.get('/_emulator/practices/:practiceId/bookings', async (request, reply) => {
    const practice = practiceParam(context, request, reply);
    if (!practice) return reply;
    return [...practice.bookings.values()].map((b) => bookingState(context, b));
  });

  app.get('/_emulator/practices/:practiceId/bookings/:bookingId', async (request, reply) => {
    const practice = practiceParam(context, request, reply);
    if (!practice) return reply;
    const booking = practice.bookings.get(Number((request.params as Record<string, string>).bookingId));
    return booking ? bookingState(context, booking) : reply.code(404).send({ error: 'booking not found' });
  });

  app.post('/_emulator/practices/:practiceId/bookings/:bookingId/cancel', async (request, reply) => {
    const practice = practiceParam(context, request, reply);
    if (!practice) return reply;
    const booking = practice.bookings.get(Number((request.params as Record<string, string>).bookingId));
    if (!booking) return reply.code(404).send({ error: 'booking not found' });
    if (booking.status === 'Cancelled') return reply.code(409).send({ error: 'booking is already cancelled' });
    return reply.code(201).send({ requestId: patientCancel(context.state, practice, booking) });
  });

  app.get('/_emulator/practices/:practiceId/availability', async (request, reply) => {
    const practice = practiceParam(context, request, reply);
    if (!practice) return reply;
    const date = (request.query as Record<string, string | undefined>).date ?? '';
    if (!isRealDate(date)) return reply.code(400).send({ error: 'date: must be YYYY-MM-DD' });
    const health = evaluateHealth(context.state, practice);
    const slots = publishedSlots(context.state, practice, date).map((s) => ({
      pmsResourceId: s.pmsResourceId,
      start: `${date} ${slotTime(s.startSecond)}`,
      end: `${date} ${slotTime(s.startSecond + s.lengthSeconds)}`,
      lengthSeconds: s.lengthSeconds,
      pmsAppointmentTypeIds: s.pmsAppointmentTypeIds,
    }));
    return { date, published: health.healthy, slots };
  });

  const trafficSchema = z
    .object({
      bookingsPerHour: z.number().min(0).max(36_000),
      cancellationsPerHour: z.number().min(0).max(36_000).default(0),
    })
    .strict();
  app.put('/_emulator/practices/:practiceId/traffic', async (request, reply) => {
    const practice = practiceParam(context, request, reply);
    const body = practice && parseBody(trafficSchema, request, reply);
    if (!practice || !body) return reply;
    context.traffic.start(practice, body);
    return context.traffic.status(practice.practiceId);
  });
  app.get('/_emulator/practices/:practiceId/traffic', async (request, reply) => {
    const practice = practiceParam(context, request, reply);
    return practice ? { traffic: context.traffic.status(practice.practiceId) } : reply;
  });
  app.delete('/_emulator/practices/:practiceId/traffic', async (request, reply) => {
    const practice = practiceParam(context, request, reply);
    if (!practice) return reply;
    context.traffic.stop(practice.practiceId);
    return reply.code(204).send();
  });

  app.get('/_emulator/practices/:practiceId/health', async (request, reply) => {
    const practice = practiceParam(context, request, reply);
    if (!practice) return reply;
    const health = evaluateHealth(context.state, practice);
    return {
      healthy: health.healthy,
      appointmentsHidden: !health.healthy,
      live: health.live,
      lastPolledAt: formatUtc(practice.lastPolledAt),
      reasons: health.reasons.map((r) => ({ ...r, since: formatUtc(r.since) })),
    };
  });
}
