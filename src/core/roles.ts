// Who a console user is to their practice: admins connect and change things, staff see and
// resolve. One list for the database, the API and the console.
export const roles = ['admin', 'staff'] as const;
export type Role = (typeof roles)[number];
