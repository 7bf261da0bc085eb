// The signed-in console session: who am I, switch practice, sign out, sign out everywhere.
// Registered with the authenticated API, so the cookie, idle timeout and CSRF check apply.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError, NotFoundError } from '../../core/errors.ts';
import type { Db } from '../../db/pool.ts';
import { deleteSession, deleteUserSessions, switchSessionPractice } from '../../db/sessions.ts';
import { activeMemberships } from '../../db/users.ts';
import { parseOrThrow } from '../errors.ts';
import { switchPracticeBody } from '../schemas/auth.ts';
import { sessionInfo } from '../session-info.ts';
import { clearSessionCookies, type SessionSettings } from '../sessions.ts';

function consoleUser(request: FastifyRequest) {
  const user = request.auth.user;
  if (!user) throw new ForbiddenError('API tokens have no console session; this is for signed-in users');
  return user;
}

export async function sessionRoutes(app: FastifyInstance, { db, sessions }: { db: Db; sessions: SessionSettings }) {
  app.get('/auth/session', async (request) =>
    sessionInfo(db, consoleUser(request), request.auth.practiceId, sessions.idleMinutes),
  );

  app.put('/auth/practice', async (request) => {
    const user = consoleUser(request);
    const { practiceId } = parseOrThrow(switchPracticeBody, request.body);
    const memberships = await activeMemberships(db, user.id);
    if (!memberships.some((m) => m.practiceId === practiceId)) throw new NotFoundError('practice');
    await switchSessionPractice(db, user.sessionIdHash, practiceId);
    return sessionInfo(db, user, practiceId, sessions.idleMinutes);
  });

  app.post('/auth/sign-out', async (request, reply) => {
    await deleteSession(db, consoleUser(request).sessionIdHash);
    clearSessionCookies(reply, sessions);
    return reply.code(204).send();
  });

  app.post('/auth/sign-out-everywhere', async (request, reply) => {
    const ended = await deleteUserSessions(db, consoleUser(request).id);
    clearSessionCookies(reply, sessions);
    return reply.code(200).send({ ended });
  });
}
