// Practice-scoped operations: failed jobs (list, retry one or all, audited) and the sync log
// (filtered by level, connection and record; `afterId` for live follow, `beforeId` for older).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NotFoundError } from '../../core/errors.ts';
import { writeAudit } from '../../db/events.ts';
import type { Db } from '../../db/pool.ts';
import { readLogs } from '../../db/logs.ts';
import { listFailedJobs, retryAllFailedJobs, retryFailedJob } from '../../jobs/failed.ts';
import { parseOrThrow } from '../errors.ts';

const logQuery = z
  .object({
    level: z.enum(['debug', 'error', 'exception']).optional(),
    afterId: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    beforeId: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    entityId: z.string().max(100).optional(),
    connectionId: z.uuid({ message: 'must be a connection id (UUID)' }).optional(),
  })
  .strict();

export async function adminRoutes(app: FastifyInstance, { db }: { db: Db }): Promise<void> {
  app.get('/jobs/failed', async (request) => ({ data: await listFailedJobs(db, request.auth.practiceId) }));

  // Registered before /jobs/:id/retry so "failed" is never read as a job id.
  app.post('/jobs/failed/retry', async (request, reply) => {
    const { practiceId, actor } = request.auth;
    const ids = await retryAllFailedJobs(db, practiceId);
    await writeAudit(db, { practiceId, actor, action: 'job.retried', entityKind: 'job', entityIds: ids });
    return reply.code(202).send({ retried: ids.length, ids });
  });

  app.post<{ Params: { id: string } }>('/jobs/:id/retry', async (request, reply) => {
    const { practiceId, actor } = request.auth;
    if (!(await retryFailedJob(db, request.params.id, practiceId))) throw new NotFoundError('failed job');
    await writeAudit(db, {
      practiceId,
      actor,
      action: 'job.retried',
      entityKind: 'job',
      entityIds: [request.params.id],
    });
    return reply.code(202).send({ id: request.params.id, status: 'queued' });
  });

  app.get('/logs', async (request) => {
    const q = parseOrThrow(logQuery, request.query);
    return { data: await readLogs(db, request.auth.practiceId, q) };
  });
}
