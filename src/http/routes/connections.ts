// GET /api/v1/connections[/:id]: every connection of the practice with its status and health
// (never its credentials). System-specific actions live in each connector's own routes.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NotFoundError } from '../../core/errors.ts';
import { getConnection, listConnections } from '../../db/connections.ts';
import type { Db } from '../../db/pool.ts';
import { parseOrThrow } from '../errors.ts';

const listQuery = z.object({ system: z.enum(['hint', 'healthengine', 'salesforce']).optional() }).strict();

export async function connectionRoutes(app: FastifyInstance, { db }: { db: Db }): Promise<void> {
  app.get('/connections', async (request) => {
    const { system } = parseOrThrow(listQuery, request.query);
    return { data: await listConnections(db, request.auth.practiceId, system) };
  });
  app.get<{ Params: { id: string } }>('/connections/:id', async (request) => {
    const connection = await getConnection(db, request.auth.practiceId, request.params.id);
    if (!connection) throw new NotFoundError('connection');
    return connection;
  });
}
