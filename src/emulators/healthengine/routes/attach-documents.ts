// Tag "attach documents": read a pending document's content, then confirm or reject its insert.
import type { FastifyInstance } from 'fastify';
import { requestPractice } from '../auth.ts';
import type { EmulatorContext } from '../context.ts';
import { answerAttachDocument, liveAttachDocument } from '../documents.ts';
import { bodyObject, intParam } from './common.ts';

export function registerAttachDocumentRoutes(app: FastifyInstance, context: EmulatorContext): void {
  app.get('/attachDocuments/:requestId', async (request, reply) => {
    const record = liveAttachDocument(context.state, requestPractice(request), intParam(request, 'requestId'));
    if ('status' in record) return reply.code(record.status).send({ error: 'error' in record ? record.error : '' });
    return { ...record.metadata, documentContent: record.content };
  });
  for (const [path, answer] of [
    ['confirmInsert', 'confirmed'],
    ['rejectInsert', 'rejected'],
  ] as const) {
    app.post(`/attachDocuments/:requestId/${path}`, async (request, reply) => {
      const result = answerAttachDocument(
        context.state,
        requestPractice(request),
        intParam(request, 'requestId'),
        answer,
        bodyObject(request),
      );
      return result.status === 200 ? reply.code(200).send() : reply.code(result.status).send({ error: result.error });
    });
  }
}
