// Batches over HTTP: GET /api/v1/batches (newest first), GET /api/v1/batches/:id (live
// progress), POST /api/v1/batches/:id/abort, GET /api/v1/batches/:id/items (the report a page
// at a time, for the console's table), GET /api/v1/batches/:id/report.csv (streamed).
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { dateTime } from '../../core/records/fields.ts';
import { NotFoundError } from '../../core/errors.ts';
import { batchItems, batchItemsPage, getBatch, listBatches, batchView, requestAbort } from '../../db/batches.ts';
import type { Db } from '../../db/pool.ts';
import { parseOrThrow } from '../errors.ts';

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) || /^[=+\-@]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

const listQuery = z
  .object({
    connectionId: z.uuid({ message: 'must be a connection id (UUID)' }).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    before: dateTime('must be a createdAt from the previous page').optional(),
  })
  .strict();

const itemsQuery = z
  .object({
    afterId: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    action: z
      .string()
      .regex(/^[a-z_]{1,40}$/, 'must be an action such as link, create_local, review, skip or error')
      .optional(),
  })
  .strict();

export async function batchRoutes(app: FastifyInstance, { db }: { db: Db }): Promise<void> {
  const find = async (practiceId: string, id: string) => {
    const batch = await getBatch(db, practiceId, id);
    if (!batch) throw new NotFoundError('batch');
    return batch;
  };

  app.get('/batches', async (request) => {
    const q = parseOrThrow(listQuery, request.query);
    const batches = await listBatches(db, request.auth.practiceId, q);
    const last = batches.at(-1);
    return { data: batches.map(batchView), nextBefore: batches.length === q.limit && last ? last.createdAt : null };
  });

  app.get<{ Params: { id: string } }>('/batches/:id/items', async (request) => {
    const batch = await find(request.auth.practiceId, request.params.id);
    const q = parseOrThrow(itemsQuery, request.query);
    const items = await batchItemsPage(db, batch.practiceId, batch.id, q);
    return { data: items, nextAfterId: items.length === q.limit ? items.at(-1)!.id : null };
  });

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
