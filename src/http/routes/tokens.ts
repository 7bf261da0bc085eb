// The practice's API tokens and the practice itself, for its admins:
// GET /tokens, POST /tokens (the token is shown once), DELETE /tokens/:id (revoke, effective at
// once in every Tandem process), GET /practice, POST /practice/disable.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NotFoundError } from '../../core/errors.ts';
import type { Db } from '../../db/pool.ts';
import { createApiToken, getPractice, listApiTokens, revokeApiToken, setPracticeDisabled } from '../../db/practices.ts';
import { requireAdmin } from '../auth.ts';
import { parseOrThrow } from '../errors.ts';
import { isUuid } from '../../core/ids.ts';

const listQuery = z.object({ includeRevoked: z.enum(['true', 'false']).optional() }).strict();
const createBody = z.object({ name: z.string().trim().min(1).max(100) }).strict();

export interface TokenRouteDeps {
  db: Db;
  /** Drops this process's cached credentials. Other processes hear of the change by NOTIFY, but
   *  that crosses a socket: the process that made the change must not answer from its cache first. */
  authChanged: () => void;
}

export async function tokenRoutes(app: FastifyInstance, { db, authChanged }: TokenRouteDeps): Promise<void> {
  app.addHook('preHandler', async (request) => requireAdmin(request));

  app.get('/tokens', async (request) => {
    const { includeRevoked } = parseOrThrow(listQuery, request.query);
    const tokens = await listApiTokens(db, request.auth.practiceId, { includeRevoked: includeRevoked === 'true' });
    return { data: tokens.map(({ practiceId: _p, ...t }) => t) };
  });

  app.post('/tokens', async (request, reply) => {
    const { name } = parseOrThrow(createBody, request.body ?? {});
    const { id, token } = await createApiToken(db, request.auth.practiceId, name);
    return reply.code(201).send({ id, name, token });
  });

  app.delete<{ Params: { id: string } }>('/tokens/:id', async (request, reply) => {
    const { id } = request.params;
    if (!isUuid(id) || !(await revokeApiToken(db, id, request.auth.practiceId))) throw new NotFoundError('token');
    authChanged();
    return reply.code(204).send();
  });

  app.get('/practice', async (request) => getPractice(db, request.auth.practiceId));

  // Disabling is the last thing this practice's credentials can do: re-enabling is
  // `tandem practice enable <id>` on the server.
  app.post('/practice/disable', async (request, reply) => {
    await setPracticeDisabled(db, request.auth.practiceId, true);
    authChanged();
    return reply.code(200).send(await getPractice(db, request.auth.practiceId));
  });
}
