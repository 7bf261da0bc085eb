// Practice-scoped operations: failed jobs (list, retry) and the sync log.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NotFoundError } from '../../core/errors.ts';
import type { Db } from '../../db/pool.ts';
import { readLogs } from '../../db/logs.ts';
import { listFailedJobs, retryFailedJob } from '../../jobs/failed.ts';
import { parseOrThrow } from '../errors.ts';

const logQuery = z
  .object({
    level: z.enum(['debug', 'error', 'exception']).optional(),
    afterId: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    entityId: z.string().max(100).optional(),
  })
  .strict();

export async function adminRoutes(app: FastifyInstance, { db }: { db: Db }): Promise<void> {
  app.get('/jobs/failed', async (request) => ({ data: await listFailedJobs(db, request.auth.practiceId) }));

  app.post<{ Params: { id: string } }>('/jobs/:id/retry', async (request, reply) => {
    if (!(await retryFailedJob(db, request.params.id, request.auth.practiceId))) throw new NotFoundError('failed job');
    return reply.code(202).send({ id: request.params.id, status: 'queued' });
  });

  app.get('/logs', async (request) => {
    const q = parseOrThrow(logQuery, request.query);
    return { data: await readLogs(db, request.auth.practiceId, q) };
  });
}
