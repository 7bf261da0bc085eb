// Who a request acts as, once authenticated (auth.ts for API tokens, sessions.ts for the
// console's cookie). Its own module so those two share it without importing each other.
export type Role = 'admin' | 'staff';

export interface RequestAuth {
  practiceId: string;
  actor: string;
  /** API tokens act as their practice's admin. */
  role: Role;
  /** Set for a console session (cookie), absent for API tokens. */
  user?: { id: string; email: string; sessionIdHash: Buffer };
}
