// Public routes: the webhook receiver and InstantOn activation (redirect and headless).
// The receiver verifies X-Hint-Signature over the raw bytes before anything else, learns
// the practice from the connection its practice_id belongs to, stores the event in the
// inbox (one statement), wakes the drainer that turns it into a job, and answers 2xx at once.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ValidationError } from '../../core/errors.ts';
import { findConnectionByRemoteAccount, type Connection } from '../../db/connections.ts';
import { activateUnattended, activateWithCode, WEBHOOK_PATH } from './activation.ts';
import type { HintDeps } from './connection.ts';
import { useConnectSession } from './store.ts';
import { InboxWriter } from '../../db/inbox.ts';
import { parseWebhook, verifySignature } from './webhooks.ts';
import { drainerWaker } from './inbound-drain.ts';

export const SESSION_COOKIE = 'tandem_hint_connect';
const CODE = /^[0-9A-Za-z_-]{4,200}$/;

/** Connections by Hint practice id, cached for a second: a burst of webhooks costs one lookup. */
function connectionCache(deps: HintDeps) {
  const cache = new Map<string, { at: number; connections: Connection[] }>();
  return async (hintPracticeId: string): Promise<Connection[]> => {
    const hit = cache.get(hintPracticeId);
    if (hit && Date.now() - hit.at < 1000) return hit.connections;
    const connections = await findConnectionByRemoteAccount(deps.db, 'hint', hintPracticeId);
    if (cache.size > 1000) cache.clear();
    cache.set(hintPracticeId, { at: Date.now(), connections });
    return connections;
  };
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export function publicRoutes(deps: HintDeps) {
  const connectionsOf = connectionCache(deps);
  const wake = drainerWaker(deps.db, deps.logger);
  // Webhooks arriving together are stored together: one statement for many inbox rows.
  const inbox = new InboxWriter(deps.db);
  return async (app: FastifyInstance): Promise<void> => {
    // Keep the raw bytes: the signature covers them exactly.
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    app.post(WEBHOOK_PATH, async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (!verifySignature(deps.env.webhookSecret, raw, request.headers['x-hint-signature'])) {
        return reply.code(401).send({ error: 'invalid or missing X-Hint-Signature', details: [] });
      }
      const parsed = parseWebhook(raw);
      if (!parsed.ok) return reply.code(400).send({ error: parsed.reason, details: [] });
      const e = parsed.envelope;
      const connections = (await connectionsOf(e.practice_id)).filter(
        (c) => c.status === 'active' || e.type.startsWith('integration.') || e.type.startsWith('installation.'),
      );
      // Unknown or deactivated practice: acknowledged (Hint would otherwise retry and mute us), not stored.
      if (connections.length === 0) return reply.code(202).send({ received: true, stored: false });
      const payload = raw.toString('utf8');
      let stored = false;
      for (const c of connections) {
        const fresh = await inbox.store({
          practiceId: c.practiceId,
          connectionId: c.id,
          sourceEventId: e.id,
          eventType: e.type,
          payload: null,
          rawJson: payload,
        });
        if (fresh) wake(c.practiceId, c.id);
        stored = fresh || stored;
      }
      return reply.code(200).send({ received: true, duplicate: !stored });
    });

    const connect = async (code: string, sessionId: string | undefined, reply: FastifyReply, html: boolean) => {
      if (!CODE.test(code)) throw new ValidationError([{ field: 'code', message: 'is missing or malformed' }]);
      // The session is what an authenticated admin started in Tandem; without a live one, nobody vouched for the code.
      const practiceId = sessionId ? await useConnectSession(deps.db, sessionId) : undefined;
      const outcome = practiceId
        ? { kind: 'connected' as const, connection: await activateWithCode(deps, code, practiceId) }
        : await activateUnattended(deps, code, html ? 'redirect' : 'headless');
      if (html) reply.header('set-cookie', `${SESSION_COOKIE}=; Max-Age=0; Path=/connect/hint; HttpOnly; SameSite=Lax`);
      if (outcome.kind === 'parked') {
        const { pending } = outcome;
        const body = {
          status: 'pending_approval',
          pendingActivationId: pending.id,
          hintPracticeId: pending.hintPracticeId,
        };
        if (!html) return reply.code(202).send(body);
        return reply
          .code(202)
          .type('text/html; charset=utf-8')
          .send(
            `<!doctype html><meta charset="utf-8"><title>Hint connection awaits approval</title><h1>Waiting for approval in Tandem</h1><p>Nobody started this connection in Tandem, so a Tandem administrator must approve it (pending activation ${pending.id}). To connect at once instead, start the connection in Tandem and click Connect in Hint again.</p>`,
          );
      }
      const { connection } = outcome;
      const body = {
        connectionId: connection.id,
        status: connection.status,
        hintPracticeId: connection.remoteAccountId,
      };
      if (!html) return reply.send(body);
      // The admin who started in the console continues there: the field mapping, then the preview.
      return reply.redirect(`/connections/${connection.id}?setup=mapping`, 303);
    };

    // InstantOn: Hint appends the code straight onto the registered redirect URL.
    app.get<{ Querystring: { code?: string } }>('/connect/hint/callback', async (request, reply) =>
      connect(String(request.query.code ?? ''), cookie(request.headers.cookie, SESSION_COOKIE), reply, true),
    );

    // Headless activation: Hint's server POSTs the code.
    app.post<{ Params: { code: string } }>('/hint/connect/:code', async (request, reply) =>
      connect(request.params.code, undefined, reply, false),
    );
  };
}
