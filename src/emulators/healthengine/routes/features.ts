// Tag "features": documents, clientSnapshots, attachDocuments; all disabled by default.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { requestPractice } from '../auth.ts';
import type { EmulatorContext } from '../context.ts';
import { FEATURES, type FeatureId, type Practice } from '../state.ts';
import { stringParam } from './common.ts';

function featureView(practice: Practice, id: FeatureId) {
  const { name, description } = FEATURES[id];
  return { id, name, description, enabled: practice.features.get(id) === true };
}

function known(id: string): id is FeatureId {
  return Object.hasOwn(FEATURES, id);
}

function notFound(reply: FastifyReply, id: string): FastifyReply {
  return reply.code(404).send({ error: `feature ${id} not found` });
}

export function registerFeatureRoutes(app: FastifyInstance, context: EmulatorContext): void {
  void context;
  app.get('/features', async (request) => {
    const practice = requestPractice(request);
    return (Object.keys(FEATURES) as FeatureId[]).map((id) => featureView(practice, id));
  });
  app.get('/features/:id', async (request, reply) => {
    const id = stringParam(request, 'id');
    return known(id) ? featureView(requestPractice(request), id) : notFound(reply, id);
  });
  for (const action of ['enable', 'disable'] as const) {
    app.post(`/features/:id/${action}`, async (request, reply) => {
      const id = stringParam(request, 'id');
      if (!known(id)) return notFound(reply, id);
      requestPractice(request).features.set(id, action === 'enable');
      return reply.code(200).send();
    });
  }
}
