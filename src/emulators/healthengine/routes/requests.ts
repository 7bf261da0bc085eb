// Tag "requests": what the PMS has to do. GET /requests is the poll that keeps a practice
// healthy; GET /requests/{type} pages through one queue.
import type { FastifyInstance } from 'fastify';
import { requestPractice } from '../auth.ts';
import type { EmulatorContext } from '../context.ts';
import { expireAttachDocuments } from '../documents.ts';
import { outstandingTypes, paginate, pendingOf, typeVisible } from '../queue.ts';
import { REQUEST_TYPES } from '../state.ts';
import { itemView } from '../views.ts';
import { pageOf } from './common.ts';

export function registerRequestRoutes(app: FastifyInstance, context: EmulatorContext): void {
  app.get('/requests', async (request) => {
    const practice = requestPractice(request);
    practice.lastPolledAt = context.state.clock.now();
    expireAttachDocuments(context.state, practice);
    return outstandingTypes(practice);
  });
  for (const type of REQUEST_TYPES) {
    if (type === 'pmsResources' || type === 'pmsAppointmentTypes') continue; // no detail endpoint in the spec
    app.get(`/requests/${type}`, async (request, reply) => {
      const practice = requestPractice(request);
      const page = pageOf(request, reply);
      if (page === undefined) return reply;
      if (type === 'attachDocuments') expireAttachDocuments(context.state, practice);
      const items = typeVisible(practice, type) ? pendingOf(practice, type) : [];
      const { state } = context;
      return paginate(
        items.map((item) => itemView(state, practice, item)),
        page,
        state.config.perPage,
      );
    });
  }
}
