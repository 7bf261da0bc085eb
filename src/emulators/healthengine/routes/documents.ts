// Tags "documents" and "client snapshots": 403 while the feature is disabled.
import type { FastifyInstance } from 'fastify';
import { requestPractice } from '../auth.ts';
import type { EmulatorContext } from '../context.ts';
import {
  clientSnapshot,
  documentsAvailable,
  featureGate,
  rejectUpload,
  uploadDocument,
  type Result,
} from '../documents.ts';
import { bodyObject } from './common.ts';

function send(reply: import('fastify').FastifyReply, result: Result) {
  return result.status === 200 ? reply.code(200).send() : reply.code(result.status).send({ error: result.error });
}

export function registerDocumentRoutes(app: FastifyInstance, context: EmulatorContext): void {
  app.post('/documents/available', async (request, reply) => {
    const practice = requestPractice(request);
    const gate = featureGate(practice, 'documents');
    return send(
      reply,
      gate.status !== 200
        ? gate
        : documentsAvailable(context.state, practice, request.body as Array<Record<string, unknown>>),
    );
  });
  app.post('/documents/upload', async (request, reply) => {
    const practice = requestPractice(request);
    const gate = featureGate(practice, 'documents');
    return send(reply, gate.status !== 200 ? gate : uploadDocument(context.state, practice, bodyObject(request)));
  });
  app.post('/documents/rejectUpload', async (request, reply) => {
    return send(reply, rejectUpload(context.state, requestPractice(request), bodyObject(request)));
  });
  app.post('/clientSnapshot', async (request, reply) => {
    const practice = requestPractice(request);
    const gate = featureGate(practice, 'clientSnapshots');
    return send(reply, gate.status !== 200 ? gate : clientSnapshot(context.state, practice, bodyObject(request)));
  });
}
