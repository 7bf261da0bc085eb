// The embedded app's handshake: Hint POSTs a signed JSON body when a user opens Tandem's app
// inside Hint; Tandem answers {"session_key"} and Hint frames a surface with ?session_key=….
// Order matters: the signature is checked on the raw bytes before anything is parsed, the
// timestamp and replay checks come before any lookup, and nothing the body says is logged.
import { z } from 'zod';
import { findConnectionByRemoteAccount } from '../../../db/connections.ts';
import type { Queryable } from '../../../db/pool.ts';
import { verifySignature } from '../webhooks.ts';
import { createAppSession, rememberHandshake } from './store.ts';

/** How old a handshake may be, and how far ahead of our clock Hint's may run. */
export const MAX_AGE_MS = 5 * 60_000;
export const MAX_SKEW_MS = 30_000;

const handshakeSchema = z.object({
  timestamp: z.string(),
  user: z.object({
    id: z.string().min(1).max(200),
    email: z.string().max(320).default(''),
    name: z.string().max(400).optional(),
    first_name: z.string().max(200).optional(),
    last_name: z.string().max(200).optional(),
    partner_roles: z.array(z.string().max(100)).max(50).default([]),
  }),
  practice: z.object({ id: z.string().min(1).max(200), name: z.string().max(400).optional() }),
  integration: z.object({ id: z.string().max(200) }).optional(),
  access_token: z.string().optional(),
});

export type HandshakeOutcome =
  { ok: true; sessionKey: string; expiresAt: string } | { ok: false; status: 400 | 401 | 404 | 409; error: string };

const refuse = (status: 400 | 401 | 404 | 409, error: string): HandshakeOutcome => ({ ok: false, status, error });

/** Hint writes timestamps with microseconds and an offset; anything else is not a timestamp. */
function ageOf(timestamp: string, now: number): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(timestamp)) return undefined;
  const at = Date.parse(timestamp.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isFinite(at) ? now - at : undefined;
}

export async function answerHandshake(
  db: Queryable,
  secret: string | undefined,
  raw: Buffer,
  signature: string | string[] | undefined,
  now = Date.now(),
): Promise<HandshakeOutcome> {
  if (!verifySignature(secret, raw, signature))
    return refuse(401, 'invalid or missing X-Hint-Signature (HMAC-SHA256 of the raw body with the webhook key)');
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return refuse(400, 'the handshake body is not JSON');
  }
  const parsed = handshakeSchema.safeParse(body);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') || 'body';
    return refuse(400, `the handshake field ${field} is missing or malformed`);
  }
  const input = parsed.data;
  const age = ageOf(input.timestamp, now);
  if (age === undefined) return refuse(400, 'the handshake field timestamp is not an ISO 8601 time');
  if (age > MAX_AGE_MS) return refuse(401, 'the handshake is older than 5 minutes (check both clocks)');
  if (age < -MAX_SKEW_MS) return refuse(401, 'the handshake timestamp is in the future (check both clocks)');
  if (!(await rememberHandshake(db, raw))) return refuse(401, 'this handshake was already answered (replay)');

  const active = (await findConnectionByRemoteAccount(db, 'hint', input.practice.id)).filter(
    (c) => c.status === 'active',
  );
  if (active.length === 0)
    return refuse(404, 'this Hint practice is not connected to Tandem: connect Hint in the Tandem console first');
  if (active.length > 1)
    return refuse(409, 'this Hint practice is connected to more than one Tandem practice: deactivate all but one');
  const [connection] = active;
  const user = input.user;
  const name = user.name ?? [user.first_name, user.last_name].filter(Boolean).join(' ');
  const session = await createAppSession(db, {
    practiceId: connection!.practiceId,
    connectionId: connection!.id,
    user: { id: user.id, name, email: user.email, partnerRoles: user.partner_roles },
  });
  return { ok: true, sessionKey: session.key, expiresAt: session.expiresAt };
}
