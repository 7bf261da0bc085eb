// The shapes the sign-in, session and user endpoints speak. The console imports the inferred
// types (type-only), so page and server cannot disagree about a field.
import { z } from 'zod';
import { roles, type Role } from '../../core/roles.ts';

export type { Role };
export const roleSchema = z.enum(roles);

const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'is too long')
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'is not an email address');
// Length is what makes a password strong; 256 bounds the argon2 input.
const password = z.string().min(10, 'must be at least 10 characters').max(256, 'must be at most 256 characters');
const code = z.string().min(10, 'is not a valid link code').max(200, 'is not a valid link code');

export const signInBody = z.strictObject({
  email: z.string().trim().toLowerCase().min(1, 'is required'),
  password: z.string().min(1, 'is required').max(256),
});
export type SignInBody = z.infer<typeof signInBody>;

export const setupBody = z.strictObject({
  code,
  email,
  password,
  /** Renames the default practice (optional). */
  practiceName: z.string().trim().min(1, 'is required').max(200).optional(),
});
export type SetupBody = z.infer<typeof setupBody>;

export const setPasswordBody = z.strictObject({ code, password });
export type SetPasswordBody = z.infer<typeof setPasswordBody>;

export const switchPracticeBody = z.strictObject({ practiceId: z.string().uuid('is not a practice id') });

export const inviteUserBody = z.strictObject({ email, role: roleSchema });
export type InviteUserBody = z.infer<typeof inviteUserBody>;

export const updateUserBody = z.strictObject({ role: roleSchema.optional(), disabled: z.boolean().optional() });
export type UpdateUserBody = z.infer<typeof updateUserBody>;

export interface PracticeRef {
  id: string;
  name: string;
}

export interface SessionInfo {
  user: { id: string; email: string; role: Role };
  practice: PracticeRef;
  practices: PracticeRef[];
  /** Idle minutes after which the session ends. */
  idleTimeoutMinutes: number;
}

export interface SetupLinkInfo {
  valid: true;
  purpose: 'setup' | 'set-password';
  email: string | null;
  expiresAt: string;
}

export interface UserView {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  /** True until the user has chosen a password through their link. */
  pending: boolean;
  createdAt: string;
  lastSignInAt: string | null;
}

export interface InvitedUser {
  user: UserView;
  /** One-time set-password link, shown once; null when the person already has a password (another practice's user). */
  link: string | null;
  expiresAt: string | null;
}
