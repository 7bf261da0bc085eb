// The inbox over HTTP: GET /api/v1/inbox lists the practice's stored inbound events (what
// arrived and what became of it, never the payload); POST /api/v1/inbox/:id/replay puts one
// back to pending, audited, and wakes its connector, which processes it again as if new.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NotFoundError } from '../../core/errors.ts';
import { getConnection, type Connection } from '../../db/connections.ts';
import { listInbound, requeueInbound } from '../../db/inbox.ts';
import type { Db } from '../../db/pool.ts';
import { parseOrThrow } from '../errors.ts';

const listQuery = z
  .object({
    connectionId: z.uuid({ message: 'must be a connection id (UUID)' }).optional(),
    status: z.enum(['pending', 'processed', 'ignored', 'failed']).optional(),
    beforeId: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

const idParams = z.object({ id: z.coerce.number().int().min(1, 'must be an inbox event id') }).strict();

export interface InboxRouteOptions {
  db: Db;
  /** Tells the connection's connector that its inbox has work (the Hint drain, Healthengine's request pass). */
  wake(connection: Connection): Promise<void>;
}

export async function inboxRoutes(app: FastifyInstance, { db, wake }: InboxRouteOptions): Promise<void> {
  app.get('/inbox', async (request) => {
    const q = parseOrThrow(listQuery, request.query);
    const events = await listInbound(db, request.auth.practiceId, q);
    return { data: events, nextBeforeId: events.length === q.limit ? events.at(-1)!.id : null };
  });

  app.post<{ Params: { id: string } }>('/inbox/:id/replay', async (request, reply) => {
    const { id } = parseOrThrow(idParams, request.params);
    const { practiceId, actor } = request.auth;
    const event = await requeueInbound(db, practiceId, id, actor);
    if (!event) throw new NotFoundError('inbox event');
    const connection = await getConnection(db, practiceId, event.connectionId);
    if (connection) await wake(connection);
    return reply.code(202).send(event);
  });
}
