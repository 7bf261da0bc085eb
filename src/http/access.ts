// What the staff role may not do, decided in one place from the URL, so a route added later
// under these paths is protected without remembering to: staff make no connection, mapping,
// user or token changes (and cannot see users or tokens), nor abort a batch (an initial sync). Admins and API tokens may do all.
// Routes that need a finer rule call requireAdmin(request) themselves (src/http/auth.ts).
const ADMIN_ONLY = /^\/api\/v1\/(users|tokens)(\/|$)/;
const ADMIN_ONLY_WRITES =
  /^\/api\/v1\/(connections|practice|hint\/connections|hint\/connect-sessions|hint\/pending-activations|healthengine\/connections|salesforce\/connections|batches\/[^/]+\/abort)(\/|$)/;

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function staffMayNot(method: string, url: string): boolean {
  const path = url.split('?')[0] ?? url;
  return ADMIN_ONLY.test(path) || (!READS.has(method) && ADMIN_ONLY_WRITES.test(path));
}

export function isWrite(method: string): boolean {
  return !READS.has(method);
}
