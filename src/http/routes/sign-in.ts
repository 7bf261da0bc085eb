// The console's way in, before any session exists: sign in; create the first admin through the
// setup link; choose a password through a set-password link; check a link before showing a form.
// Failed sign-ins are limited per account and per client address (429 with Retry-After).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthError, ConflictError, ForbiddenError } from '../../core/errors.ts';
import { consumeLink, inspectLink, type LinkPurpose, type LinkState } from '../../db/auth-links.ts';
import { inTransaction, type Db, type Tx } from '../../db/pool.ts';
import { createSession, deleteUserSessions } from '../../db/sessions.ts';
import { clearFailures, countFailures, recordFailure } from '../../db/sign-in-failures.ts';
import {
  activeMemberships,
  ensureUser,
  findUserByEmail,
  recordSignIn,
  renamePractice,
  setPasswordHash,
  setPasswordIfUnset,
  upsertMembership,
} from '../../db/users.ts';
import { hashPassword, verifyPassword } from '../../security/passwords.ts';
import { parseOrThrow } from '../errors.ts';
import { setupBody, setPasswordBody, signInBody } from '../schemas/auth.ts';
import { sessionInfo } from '../session-info.ts';
import { setSessionCookies, type SessionSettings } from '../sessions.ts';
import { z } from 'zod';

export const SIGN_IN_LIMITS = {
  windowMinutes: 15,
  perAccount: 5,
  perAddress: 30,
};

export interface SignInRouteOptions {
  db: Db;
  sessions: SessionSettings;
}

const checkBody = z.strictObject({
  code: z.string().min(1, 'is required').max(200),
  purpose: z.enum(['setup', 'set-password']),
});

type ValidLink = Extract<LinkState, { state: 'valid' }>;

const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

/** A sign-in page posted from another site is refused (login CSRF); browsers always send Origin on POST. */
function requireSameOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (!origin) return;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  if (host !== request.headers.host) throw new ForbiddenError('This request came from another site and was refused');
}

function linkGone(reply: FastifyReply, purpose: LinkPurpose, state: Exclude<LinkState['state'], 'valid'>) {
  const what = purpose === 'setup' ? 'setup link' : 'password link';
  const message =
    state === 'used'
      ? `This ${what} has already been used; each link works once`
      : state === 'expired'
        ? `This ${what} has expired; links are valid for 24 hours`
        : `This ${what} is not valid; check that it was copied whole`;
  return reply
    .code(state === 'unknown' ? 404 : 410)
    .send({ error: message, details: [{ field: 'code', message: state }] });
}

export async function signInRoutes(app: FastifyInstance, { db, sessions }: SignInRouteOptions): Promise<void> {
  app.addHook('onRequest', async (request) => requireSameOrigin(request));

  const startSession = async (reply: FastifyReply, user: { id: string; email: string }) => {
    const memberships = await activeMemberships(db, user.id);
    const first = memberships[0];
    if (!first) throw new ForbiddenError('This account is not enabled in any practice; ask an admin of your practice');
    const session = await createSession(db, user.id, first.practiceId);
    await recordSignIn(db, user.id);
    setSessionCookies(reply, sessions, session);
    return sessionInfo(db, user, first.practiceId, sessions.idleMinutes);
  };

  app.post('/auth/sign-in', async (request, reply) => {
    const { email, password } = parseOrThrow(signInBody, request.body);
    const { windowMinutes, perAccount, perAddress } = SIGN_IN_LIMITS;
    const [account, address] = await Promise.all([
      countFailures(db, 'account', email, windowMinutes),
      countFailures(db, 'ip', request.ip, windowMinutes),
    ]);
    const limited =
      account.count >= perAccount
        ? { retry: account.retryAfterSeconds, who: 'for this account' }
        : address.count >= perAddress
          ? { retry: address.retryAfterSeconds, who: 'from your network address' }
          : undefined;
    if (limited) {
      return reply
        .code(429)
        .header('retry-after', String(limited.retry))
        .send({
          error: `Too many failed sign-ins ${limited.who}. Try again in ${minutes(limited.retry)} minute${minutes(limited.retry) === 1 ? '' : 's'}.`,
          details: [],
        });
    }
    const user = await findUserByEmail(db, email);
    if (!(await verifyPassword(user?.passwordHash, password))) {
      await Promise.all([recordFailure(db, 'account', email), recordFailure(db, 'ip', request.ip)]);
      const left = perAccount - account.count - 1;
      throw new AuthError(
        left > 0 && left <= 2
          ? `The email or password is not right. ${left} more ${left === 1 ? 'try' : 'tries'} before sign-in pauses for ${windowMinutes} minutes.`
          : left <= 0
            ? `The email or password is not right. Sign-in for this account is paused for ${windowMinutes} minutes.`
            : 'The email or password is not right',
      );
    }
    await clearFailures(db, 'account', email);
    return startSession(reply, user!);
  });

  app.post('/auth/links/check', async (request, reply) => {
    const { code, purpose } = parseOrThrow(checkBody, request.body);
    const link = await inspectLink(db, code);
    if (link.state !== 'valid') return linkGone(reply, purpose, link.state);
    if (link.purpose !== purpose) return linkGone(reply, purpose, 'unknown');
    return { valid: true, purpose, email: link.email, expiresAt: link.expiresAt };
  });

  // Both links: check, hash the password (slow, outside the transaction), then use the link and
  // apply its effect in one transaction, so a link raced twice works once.
  const redeem = async (
    reply: FastifyReply,
    code: string,
    purpose: LinkPurpose,
    apply: (tx: Tx, link: ValidLink, hash: string) => Promise<{ id: string; email: string }>,
    password: string,
  ) => {
    const link = await inspectLink(db, code);
    if (link.state !== 'valid') return linkGone(reply, purpose, link.state);
    if (link.purpose !== purpose) return linkGone(reply, purpose, 'unknown');
    const hash = await hashPassword(password);
    const user = await inTransaction(db, async (tx) => {
      if (!(await consumeLink(tx, code, purpose))) return undefined;
      return apply(tx, link, hash);
    });
    if (!user) return linkGone(reply, purpose, 'used');
    return startSession(reply, user);
  };

  app.post('/auth/setup', async (request, reply) => {
    const body = parseOrThrow(setupBody, request.body);
    return redeem(
      reply,
      body.code,
      'setup',
      async (tx, link, hash) => {
        const { id } = await ensureUser(tx, body.email);
        if (!(await setPasswordIfUnset(tx, id, hash)))
          throw new ConflictError('This email already has an account: sign in with it instead', [
            { field: 'email', message: 'already has an account' },
          ]);
        await upsertMembership(tx, id, link.practiceId!, 'admin');
        if (body.practiceName) await renamePractice(tx, link.practiceId!, body.practiceName);
        return { id, email: body.email };
      },
      body.password,
    );
  });

  app.post('/auth/set-password', async (request, reply) => {
    const body = parseOrThrow(setPasswordBody, request.body);
    return redeem(
      reply,
      body.code,
      'set-password',
      async (tx, link, hash) => {
        await setPasswordHash(tx, link.userId!, hash);
        // A new password ends every other session of this user.
        await deleteUserSessions(tx, link.userId!);
        return { id: link.userId!, email: link.email! };
      },
      body.password,
    );
  });
}
