// Settings → Users, for a practice's admins: list, invite (a one-time set-password link, shown
// once), change role, disable / enable, and a new link for a user who lost theirs. Everything
// is scoped to the caller's practice; a user in several practices is changed only here.
import type { FastifyInstance } from 'fastify';
import { ConflictError, NotFoundError } from '../../core/errors.ts';
import { isUuid } from '../../core/ids.ts';
import { createLink, retireLinks } from '../../db/auth-links.ts';
import { inTransaction, type Db } from '../../db/pool.ts';
import { deleteUserSessions } from '../../db/sessions.ts';
import {
  countEnabledAdmins,
  ensureUser,
  getMember,
  listMembers,
  updateMember,
  upsertMembership,
  userPracticeCount,
} from '../../db/users.ts';
import { requireAdmin } from '../auth.ts';
import { parseOrThrow } from '../errors.ts';
import { inviteUserBody, updateUserBody, type InvitedUser, type UserView } from '../schemas/auth.ts';

export interface UserRouteOptions {
  db: Db;
  /** Tandem's public base URL, for the links. */
  publicUrl: () => string;
}

export const setPasswordUrl = (base: string, code: string) => `${base.replace(/\/$/, '')}/set-password?code=${code}`;

export async function userRoutes(app: FastifyInstance, { db, publicUrl }: UserRouteOptions): Promise<void> {
  app.addHook('preHandler', async (request) => requireAdmin(request));

  const member = async (practiceId: string, id: string): Promise<UserView> => {
    const found = isUuid(id) ? await getMember(db, practiceId, id) : undefined;
    if (!found) throw new NotFoundError('user');
    return found;
  };

  app.get('/users', async (request) => ({ data: await listMembers(db, request.auth.practiceId) }));

  app.post('/users', async (request, reply) => {
    const { email, role } = parseOrThrow(inviteUserBody, request.body);
    const practiceId = request.auth.practiceId;
    const result = await inTransaction(db, async (tx) => {
      const { id } = await ensureUser(tx, email);
      const existing = await getMember(tx, practiceId, id);
      if (existing && !existing.disabled)
        throw new ConflictError('This person is already a user of this practice', [
          { field: 'email', message: 'is already a user here' },
        ]);
      await upsertMembership(tx, id, practiceId, role);
      const fresh = (await getMember(tx, practiceId, id))!;
      // Someone with a password (a user of another practice) signs in with it; no link needed.
      if (!fresh.pending) return { user: fresh, link: null, expiresAt: null };
      await retireLinks(tx, { userId: id });
      const link = await createLink(tx, { purpose: 'set-password', userId: id });
      return { user: fresh, link: setPasswordUrl(publicUrl(), link.code), expiresAt: link.expiresAt };
    });
    return reply.code(201).send(result satisfies InvitedUser);
  });

  app.patch<{ Params: { id: string } }>('/users/:id', async (request) => {
    const change = parseOrThrow(updateUserBody, request.body);
    const practiceId = request.auth.practiceId;
    const before = await member(practiceId, request.params.id);
    const losesAdmin =
      before.role === 'admin' && !before.disabled && (change.role === 'staff' || change.disabled === true);
    return inTransaction(db, async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`admins:${practiceId}`]);
      if (losesAdmin && (await countEnabledAdmins(tx, practiceId)) <= 1)
        throw new ConflictError('A practice needs at least one enabled admin: make someone else admin first', [
          { field: change.disabled ? 'disabled' : 'role', message: 'would leave the practice without an admin' },
        ]);
      await updateMember(tx, practiceId, before.id, change);
      // Disabled, or demoted: their sessions here end now (a demoted admin signs in again as staff).
      if (change.disabled || (change.role && change.role !== before.role))
        await deleteUserSessions(tx, before.id, practiceId);
      return (await getMember(tx, practiceId, before.id))!;
    });
  });

  // A new set-password link: for an invite that expired, or a forgotten password. Only for users
  // of this practice alone, so one practice's admin cannot take over an account others share.
  app.post<{ Params: { id: string } }>('/users/:id/link', async (request, reply) => {
    const user = await member(request.auth.practiceId, request.params.id);
    if ((await userPracticeCount(db, user.id)) > 1)
      throw new ConflictError(
        'This user also belongs to other practices; a server operator can reset them with `tandem user link`',
      );
    const link = await inTransaction(db, async (tx) => {
      await retireLinks(tx, { userId: user.id });
      return createLink(tx, { purpose: 'set-password', userId: user.id });
    });
    return reply.code(201).send({ user, link: setPasswordUrl(publicUrl(), link.code), expiresAt: link.expiresAt });
  });
}
