// Console sessions over HTTP: the httpOnly session cookie, the CSRF token the console echoes in
// a header on every write, the idle timeout, and the staff rule. API tokens never reach this
// (a Bearer header wins); browsers never send one on their own, so they need no CSRF check.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthError, ForbiddenError } from '../core/errors.ts';
import type { Db } from '../db/pool.ts';
import { findLiveSession, touchSession, type NewSession } from '../db/sessions.ts';
import { isWrite, staffMayNot } from './access.ts';
import type { RequestAuth } from './request-auth.ts';

export const SESSION_COOKIE = 'tandem_session';
export const CSRF_COOKIE = 'tandem_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** A touch (last_seen_at write) at most this often per session: reads stay reads. */
const TOUCH_EVERY_SECONDS = 60;

export interface SessionSettings {
  idleMinutes: number;
  /** A session ends this long after sign-in however busy it is. */
  maxHours: number;
  /** Secure cookies when Tandem's public URL is https. */
  secure: boolean;
}

export function sessionSettings(config: {
  publicUrl: string | undefined;
  sessionIdleMinutes: number;
}): SessionSettings {
  return {
    idleMinutes: config.sessionIdleMinutes,
    maxHours: 12,
    secure: config.publicUrl?.startsWith('https:') ?? false,
  };
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The request's session, or undefined when it has no session cookie. Throws when it has a bad one. */
export async function authenticateSession(
  db: Db,
  settings: SessionSettings,
  request: FastifyRequest,
): Promise<RequestAuth | undefined> {
  const id = request.cookies?.[SESSION_COOKIE];
  if (!id) return undefined;
  const session = await findLiveSession(db, id, settings);
  if (!session) throw new AuthError('Your session has ended (signed out, or idle too long). Sign in again.');
  if (session.practiceDisabled) throw new ForbiddenError('This practice is disabled');
  if (isWrite(request.method)) {
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !equal(sent, session.csrfToken))
      throw new ForbiddenError(
        `This change was refused: the ${CSRF_HEADER} header is missing or wrong. Reload the page.`,
      );
  }
  if (session.role === 'staff' && staffMayNot(request.method, request.url))
    throw new ForbiddenError('Only an admin of this practice can do that');
  if (session.idleSeconds >= TOUCH_EVERY_SECONDS) await touchSession(db, session.idHash);
  return {
    practiceId: session.practiceId,
    actor: `user:${session.userId}`,
    role: session.role,
    user: { id: session.userId, email: session.email, sessionIdHash: session.idHash },
  };
}

function cookieOptions(settings: SessionSettings, httpOnly: boolean) {
  // Lax: sent when a user follows a link to Tandem (integration_web_link), never on a cross-site POST.
  return { path: '/', httpOnly, sameSite: 'lax' as const, secure: settings.secure };
}

export function setSessionCookies(reply: FastifyReply, settings: SessionSettings, session: NewSession): void {
  reply.setCookie(SESSION_COOKIE, session.id, cookieOptions(settings, true));
  // Readable by the console's script, which echoes it in the CSRF header; useless to another site.
  reply.setCookie(CSRF_COOKIE, session.csrfToken, cookieOptions(settings, false));
}

export function clearSessionCookies(reply: FastifyReply, settings: SessionSettings): void {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(settings, true));
  reply.clearCookie(CSRF_COOKIE, cookieOptions(settings, false));
}
