// Who may do what in the embedded app. Hint sends the user's `partner_roles`: the custom roles
// a practice admin assigned in Hint (the ones Tandem registers, below) plus Hint's built-in
// `admin`. The table is the single source of truth: the server checks it on every call, the
// panel only hides what the server would refuse, and docs/hint.md prints it.

export const PERMISSIONS = ['view', 'retry', 'link', 'settings'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** The partner roles to create in Hint (Partner Portal → your product → App → Roles). */
export const TANDEM_ROLES = ['tandem_admin', 'tandem_clinician', 'tandem_front_desk'] as const;
export type TandemRole = (typeof TANDEM_ROLES)[number];

export const ROLE_PERMISSIONS: Record<TandemRole, readonly Permission[]> = {
  // Everything, including the settings surface.
  tandem_admin: ['view', 'retry', 'link', 'settings'],
  // Links an unlinked Hint patient (an identity decision that may match or create a record).
  tandem_clinician: ['view', 'retry', 'link'],
  // Sees the panel and may retry a failed sync; never links or changes settings.
  tandem_front_desk: ['view', 'retry'],
};

/** What each permission lets a user do, in the words the panel and the docs use. */
export const PERMISSION_LABELS: Record<Permission, string> = {
  view: "see the open patient's links, Hint facts, Healthengine bookings and sync timeline",
  retry: 'retry a failed sync of that patient',
  link: 'link an unlinked Hint patient to Tandem now',
  settings: "open the settings surface and change the embedded app's settings",
};

/** Hint's own roles that carry a Tandem role with them. */
const BUILT_IN: Record<string, TandemRole> = { admin: 'tandem_admin' };

/** The Tandem roles a Hint user holds: unknown roles are ignored, never guessed. */
export function tandemRolesOf(partnerRoles: readonly string[]): TandemRole[] {
  const roles = new Set<TandemRole>();
  for (const role of partnerRoles) {
    if ((TANDEM_ROLES as readonly string[]).includes(role)) roles.add(role as TandemRole);
    const mapped = BUILT_IN[role];
    if (mapped) roles.add(mapped);
  }
  return [...roles];
}

export function permissionsOf(partnerRoles: readonly string[]): Permission[] {
  const granted = new Set(tandemRolesOf(partnerRoles).flatMap((r) => ROLE_PERMISSIONS[r]));
  return PERMISSIONS.filter((p) => granted.has(p));
}
