// Tag "bookings": the PMS resolves booking requests and reports appointment changes.
import type { FastifyInstance } from 'fastify';
import { requestPractice } from '../auth.ts';
import {
  answerUpdate,
  confirmInsert,
  didNotAttend,
  noPmsAppointmentChange,
  pmsCancel,
  rejectInsert,
  type ConfirmInsertBody,
} from '../bookings.ts';
import type { EmulatorContext } from '../context.ts';
import { bodyObject, intParam, nullableString, sendOutcome } from './common.ts';

export function registerBookingRoutes(app: FastifyInstance, context: EmulatorContext): void {
  app.post('/bookings/:bookingId/confirmInsert', async (request, reply) => {
    const outcome = confirmInsert(
      context.state,
      requestPractice(request),
      intParam(request, 'bookingId'),
      request.body as ConfirmInsertBody,
    );
    return sendOutcome(reply, outcome);
  });
  app.post('/bookings/:bookingId/rejectInsert', async (request, reply) => {
    const reason = nullableString(bodyObject(request).reason);
    return sendOutcome(
      reply,
      rejectInsert(context.state, requestPractice(request), intParam(request, 'bookingId'), reason),
    );
  });
  app.post('/bookings/:bookingId/confirmUpdate/:requestId', async (request, reply) => {
    const outcome = answerUpdate(
      context.state,
      requestPractice(request),
      intParam(request, 'bookingId'),
      intParam(request, 'requestId'),
      'confirmUpdate',
    );
    return sendOutcome(reply, outcome);
  });
  app.post('/bookings/:bookingId/rejectUpdate/:requestId', async (request, reply) => {
    const reason = nullableString(bodyObject(request).reason);
    const outcome = answerUpdate(
      context.state,
      requestPractice(request),
      intParam(request, 'bookingId'),
      intParam(request, 'requestId'),
      'rejectUpdate',
      reason,
    );
    return sendOutcome(reply, outcome);
  });
  app.post('/bookings/:bookingId/cancel', async (request, reply) => {
    const reason = nullableString(bodyObject(request).reason);
    return sendOutcome(
      reply,
      pmsCancel(context.state, requestPractice(request), intParam(request, 'bookingId'), reason),
    );
  });
  app.post('/bookings/:bookingId/didNotAttend', async (request, reply) => {
    const reason = nullableString(bodyObject(request).reason);
    return sendOutcome(
      reply,
      didNotAttend(context.state, requestPractice(request), intParam(request, 'bookingId'), reason),
    );
  });
  app.post('/bookings/:bookingId/noPmsAppointmentChange', async (request, reply) => {
    return sendOutcome(
      reply,
      noPmsAppointmentChange(context.state, requestPractice(request), intParam(request, 'bookingId')),
    );
  });
}
