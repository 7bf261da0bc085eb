// Batches over HTTP: GET /api/v1/batches/:id (live progress), POST /api/v1/batches/:id/abort,
// GET /api/v1/batches/:id/report.csv (one line per record, streamed).
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../core/errors.ts';
import { batchItems, getBatch, progressOf, requestAbort, type Batch } from '../../db/batches.ts';
import type { Db } from '../../db/pool.ts';

export const batchView = (b: Batch) => ({ ...b, progress: progressOf(b) });

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) || /^[=+\-@]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export async function batchRoutes(app: FastifyInstance, { db }: { db: Db }): Promise<void> {
  const find = async (practiceId: string, id: string) => {
    const batch = await getBatch(db, practiceId, id);
    if (!batch) throw new NotFoundError('batch');
    return batch;
  };

  app.get<{ Params: { id: string } }>('/batches/:id', async (request) =>
    batchView(await find(request.auth.practiceId, request.params.id)),
  );

  app.post<{ Params: { id: string } }>('/batches/:id/abort', async (request) => {
    await find(request.auth.practiceId, request.params.id);
    return batchView((await requestAbort(db, request.auth.practiceId, request.params.id))!);
  });

  app.get<{ Params: { id: string } }>('/batches/:id/report.csv', async (request, reply) => {
    const batch = await find(request.auth.practiceId, request.params.id);
    async function* lines() {
      yield 'entity_kind,remote_id,local_id,action,message,at\n';
      for await (const i of batchItems(db, batch.practiceId, batch.id)) {
        yield [i.entityKind, i.remoteId, i.localId, i.action, i.message, i.createdAt].map(csvCell).join(',') + '\n';
      }
    }
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="batch-${batch.id}.csv"`)
      .send(Readable.from(lines()));
  });
}
