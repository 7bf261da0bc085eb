// What the console learns about the signed-in user: who, where, as what, and where else.
import type { Db } from '../db/pool.ts';
import { activeMemberships } from '../db/users.ts';
import type { SessionInfo } from './schemas/auth.ts';

export async function sessionInfo(
  db: Db,
  user: { id: string; email: string },
  practiceId: string,
  idleTimeoutMinutes: number,
): Promise<SessionInfo> {
  const memberships = await activeMemberships(db, user.id);
  const current = memberships.find((m) => m.practiceId === practiceId) ?? memberships[0];
  if (!current) throw new Error('sessionInfo for a user with no active membership');
  return {
    user: { id: user.id, email: user.email, role: current.role },
    practice: { id: current.practiceId, name: current.practiceName },
    practices: memberships.map((m) => ({ id: m.practiceId, name: m.practiceName })),
    idleTimeoutMinutes,
  };
}
