// Harness: Healthengine's side raising requests of any type, HE-admin settings (appointment
// lengths, public holidays), and both webhook products (logs, booking-webhook subscription).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { patientCancel } from '../bookings.ts';
import type { EmulatorContext } from '../context.ts';
import { raiseAttachDocument } from '../documents.ts';
import { featureOfType, raiseRequest } from '../queue.ts';
import { isRealDate } from '../spec.ts';
import { formatUtc } from '../time.ts';
import type { Practice, RequestType } from '../state.ts';
import { bookingRefs } from '../views.ts';
import { iso, parseBody, practiceParam } from './common.ts';

const date = z.string().refine(isRealDate, 'must be a date YYYY-MM-DD');
const raiseSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('bookingUpdates'),
      bookingId: z.number().int(),
      bookingStatus: z.enum(['Requested', 'Confirmed', 'Cancelled']).default('Cancelled'),
    })
    .strict(),
  z.object({ type: z.literal('availability'), day: date, pmsResourceId: z.string().min(1).optional() }).strict(),
  z.object({ type: z.literal('pmsAppointmentChanges'), bookingId: z.number().int() }).strict(),
  z.object({ type: z.literal('pmsResources') }).strict(),
  z.object({ type: z.literal('pmsAppointmentTypes') }).strict(),
  z.object({ type: z.literal('availableDocuments'), bookingId: z.number().int() }).strict(),
  z
    .object({ type: z.literal('uploadDocuments'), bookingId: z.number().int(), pmsDocumentId: z.string().min(1) })
    .strict(),
  z
    .object({
      type: z.literal('clientSnapshots'),
      date,
      dateType: z.enum(['appt_datetime', 'appt_creation_datetime']).default('appt_datetime'),
    })
    .strict(),
  z
    .object({
      type: z.literal('attachDocuments'),
      pmsPatientId: z.string().min(1),
      pmsAppointmentId: z.string().optional(),
      bookingId: z.number().int().optional(),
      documentType: z.string().optional(),
      documentName: z.string().optional(),
      documentFormat: z.string().optional(),
      content: z.string().optional(),
    })
    .strict(),
]);
type RaiseInput = z.infer<typeof raiseSchema>;

const bookingEventSchema = z
  .object({
    type: z.enum([
      'booking-updated',
      'booking-pre-screening-submitted',
      'booking-document-attached',
      'booking-marked-attended',
    ]),
    bookingId: z.number().int(),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

function refsOf(practice: Practice, bookingId: number) {
  const b = practice.bookings.get(bookingId);
  return b ? bookingRefs(b) : { bookingId };
}

/** Raises one request as HE would; returns an error text when it cannot exist. */
function raise(
  context: EmulatorContext,
  practice: Practice,
  input: RaiseInput,
): { requestId: number } | { error: string; status: number } {
  const { state } = context;
  const feature = featureOfType(input.type as RequestType);
  if (feature && !practice.features.get(feature))
    return { status: 409, error: `feature ${feature} is disabled: Healthengine generates no ${input.type} requests` };
  if ('bookingId' in input && input.bookingId !== undefined && !practice.bookings.has(input.bookingId))
    return { status: 404, error: `booking ${input.bookingId} not found` };
  switch (input.type) {
    case 'bookingUpdates': {
      const booking = practice.bookings.get(input.bookingId);
      if (booking && input.bookingStatus === 'Cancelled' && booking.status !== 'Cancelled')
        return { requestId: patientCancel(state, practice, booking) };
      const body = {
        ...refsOf(practice, input.bookingId),
        updatedAt: formatUtc(state.clock.now()),
        bookingStatus: input.bookingStatus,
      };
      return { requestId: raiseRequest(state, practice, 'bookingUpdates', body, input.bookingId).requestId };
    }
    case 'availability':
      return {
        requestId: raiseRequest(
          state,
          practice,
          'availability',
          input.pmsResourceId
            ? { day: input.day, pmsResourceId: input.pmsResourceId, pms_resource_id: input.pmsResourceId }
            : { day: input.day },
        ).requestId,
      };
    case 'pmsAppointmentChanges':
    case 'availableDocuments':
      return {
        requestId: raiseRequest(state, practice, input.type, { ...refsOf(practice, input.bookingId) }, input.bookingId)
          .requestId,
      };
    case 'uploadDocuments':
      return {
        requestId: raiseRequest(
          state,
          practice,
          'uploadDocuments',
          { ...refsOf(practice, input.bookingId), pmsDocumentId: input.pmsDocumentId },
          input.bookingId,
        ).requestId,
      };
    case 'clientSnapshots':
      return {
        requestId: raiseRequest(state, practice, 'clientSnapshots', { date: input.date, dateType: input.dateType })
          .requestId,
      };
    case 'attachDocuments':
      return { requestId: raiseAttachDocument(state, practice, input).requestId };
    default:
      return { requestId: raiseRequest(state, practice, input.type, {}).requestId };
  }
}

export function registerHarnessRequests(app: FastifyInstance, context: EmulatorContext): void {
  app.post('/_emulator/practices/:practiceId/requests', async (request, reply) => {
    const practice = practiceParam(context, request, reply);
    if (!practice) return reply;
    const input = parseBody(raiseSchema, request, reply);
    if (!input) return reply;
    const result = raise(context, practice, input);
    return 'error' in result
      ? reply.code(result.status).send({ error: result.error })
      : reply.code(201).send({ ...result, type: input.type });
  });

  app.get('/_emulator/practices/:practiceId/requests', async (request, reply) => {
    const practice = practiceParam(context, request, reply);
    if (!practice) return reply;
    const view = (i: { requestId: number; type: string; createdAt: number; bookingId?: number; body: unknown }) => ({
      requestId: i.requestId,
      type: i.type,
      createdAt: iso(i.createdAt),
      bookingId: i.bookingId,
      body: i.body,
    });
    return {
      pending: practice.pending.map(view),
      resolved: practice.resolved.map((r) => ({
        ...view(r.item),
        resolvedAt: iso(r.resolvedAt),
        resolvedBy: r.resolvedBy,
      })),
    };
  });

  app.get('/_emulator/practices/:practiceId', async (request, reply) => {
    const practice = practiceParam(context, request, reply);
    if (!practice) return reply;
    return {
      practiceId: practice.practiceId,
      timezone: practice.timezone,
      name: practice.name,
      consentActive: practice.consentActive,
      consentHistory: practice.consentHistory,
      resources: [...practice.resources.values()],
      appointmentTypes: [...practice.appointmentTypes.values()],
      heAppointmentLengths: Object.fromEntries(practice.heAppointmentLengths),
      livenessContract: practice.liveness,
      publicHolidays: [...practice.publicHolidays].sort(),
      features: Object.fromEntries(practice.features),
      availability: [...practice.availability.values()].map(({ hash: _h, ...s }) => ({
        ...s,
        receivedAt: iso(s.receivedAt),
      })),
      documentsAvailable: practice.documentsAvailable,
      documentsUploaded: practice.documentsUploaded,
      documentUploadsRejected: practice.documentUploadsRejected,
      clientSnapshots: practice.clientSnapshots,
      attachDocuments: [...practice.attachDocuments.values()].map(({ content: _c, ...r }) => r),
    };
  });

  app.put('/_emulator/practices/:practiceId/appointment-lengths', async (request, reply) => {
    const practice = practiceParam(context, request, reply);
    const body = practice && parseBody(z.record(z.string(), z.number().int().min(60)), request, reply);
    if (!practice || !body) return reply;
    practice.heAppointmentLengths = new Map(Object.entries(body));
    return Object.fromEntries(practice.heAppointmentLengths);
  });

  app.put('/_emulator/practices/:practiceId/public-holidays', async (request, reply) => {
    const practice = practiceParam(context, request, reply);
    const body = practice && parseBody(z.object({ dates: z.array(date) }).strict(), request, reply);
    if (!practice || !body) return reply;
    practice.publicHolidays = new Set(body.dates);
    return { dates: [...practice.publicHolidays].sort() };
  });

  app.get('/_emulator/webhooks', async (request) => {
    const practiceId = (request.query as Record<string, string | undefined>).practiceId;
    return context.webhooks.deliveries.filter((d) => !practiceId || d.practiceId === practiceId);
  });

  registerBookingWebhookHarness(app, context);
}

function registerBookingWebhookHarness(app: FastifyInstance, context: EmulatorContext): void {
  app.put('/_emulator/practices/:practiceId/booking-webhook', async (request, reply) => {
    const practice = practiceParam(context, request, reply);
    const body = practice && parseBody(z.object({ url: z.string().url() }).strict(), request, reply);
    if (!practice || !body) return reply;
    const loopback = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(body.url);
    if (!body.url.startsWith('https://') && !loopback)
      return reply
        .code(400)
        .send({ error: 'url: booking webhooks are HTTPS only (http allowed for loopback testing)' });
    const host = request.headers.host;
    const sub = context.bookingWebhooks.configure(
      practice,
      body.url,
      host ? `${request.protocol}://${host}` : undefined,
    );
    return { url: sub.url, confirmed: sub.confirmed };
  });
  app.get('/_emulator/practices/:practiceId/booking-webhook', async (request, reply) => {
    const practice = practiceParam(context, request, reply);
    if (!practice) return reply;
    const sub = context.bookingWebhooks.subscriptions.get(practice.practiceId);
    return {
      subscription: sub
        ? { url: sub.url, confirmed: sub.confirmed, createdAt: iso(sub.createdAt), confirmedAt: iso(sub.confirmedAt) }
        : null,
      deliveries: context.bookingWebhooks.deliveries.get(practice.practiceId) ?? [],
    };
  });
  app.delete('/_emulator/practices/:practiceId/booking-webhook', async (request, reply) => {
    const practice = practiceParam(context, request, reply);
    if (!practice) return reply;
    context.bookingWebhooks.unsubscribe(practice.practiceId);
    return reply.code(204).send();
  });
  app.get('/_emulator/booking-webhooks/confirm', async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const result = context.bookingWebhooks.confirm(q.id ?? '', q.signature ?? '', request.headers.accept);
    return reply.code(result.status).send(result.body);
  });
  app.post('/_emulator/practices/:practiceId/booking-events', async (request, reply) => {
    const practice = practiceParam(context, request, reply);
    const body = practice && parseBody(bookingEventSchema, request, reply);
    if (!practice || !body) return reply;
    const booking = practice.bookings.get(body.bookingId);
    if (!booking) return reply.code(404).send({ error: `booking ${body.bookingId} not found` });
    if (!context.bookingWebhooks.subscriptions.get(practice.practiceId)?.confirmed)
      return reply.code(409).send({ error: 'no confirmed booking-webhook subscription' });
    context.bookingWebhooks.bookingEvent(practice, body.type, booking, body.data);
    return reply.code(202).send({ queued: body.type });
  });
}
