// POST /webhooks/healthengine/{connectionId}/{secret}. Healthengine does not sign its
// request webhooks, so the defence is the unguessable path and the skinny payload: nothing
// in it is trusted, it only says "look at /requests", and the details are always fetched
// through the API. Stored in the inbox, acknowledged with 200 at once, processed by a job.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { storeInbound } from '../../db/inbox.ts';
import { enqueue } from '../../jobs/queue.ts';
import type { ConnectorDeps } from '../types.ts';
import { loadConnectionById } from './connection.ts';
import { processOptions } from './jobs.ts';
import { webhookPayloadSchema, type WebhookPayload } from './schemas.ts';
import { unlessGone } from '../../core/errors.ts';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The inbox key: the same delivery retried by Healthengine is stored once. */
export function eventId(p: WebhookPayload): string {
  const d = p.data ?? {};
  return [
    'requests',
    p.id ?? '-',
    d.requestType ?? p.topic ?? '-',
    d.requestId ?? '-',
    d.bookingId ?? '-',
    p.timestamp ?? '-',
  ].join(':');
}

export async function webhookRoutes(app: FastifyInstance, deps: ConnectorDeps): Promise<void> {
  app.post<{ Params: { connectionId: string; secret: string } }>(
    '/webhooks/healthengine/:connectionId/:secret',
    async (request, reply) => {
      const loaded = await unlessGone(loadConnectionById(deps, request.params.connectionId, { anyStatus: true }));
      if (!loaded || !sameSecret(request.params.secret, loaded.credentials.webhookSecret)) {
        return reply.code(404).send({ error: 'No such webhook endpoint', details: [] });
      }
      const parsed = webhookPayloadSchema.safeParse(request.body);
      if (!parsed.success)
        return reply.code(400).send({
          error: 'Not a Healthengine request webhook',
          details: [{ field: 'body', message: 'is not a request notification' }],
        });
      const { connection } = loaded;
      // A disabled connection takes nothing; Healthengine keeps the request and polling after re-enable picks it up.
      if (connection.status !== 'active') return reply.code(200).send({ ok: true, ignored: true });
      await storeInbound(deps.db, {
        practiceId: connection.practiceId,
        connectionId: connection.id,
        sourceEventId: eventId(parsed.data),
        eventType: `healthengine.${parsed.data.data?.requestType ?? 'requests'}`,
        payload: parsed.data,
      });
      await enqueue(
        deps.db,
        'healthengine:process-requests',
        { practiceId: connection.practiceId, connectionId: connection.id },
        processOptions(connection.id),
      );
      return reply.code(200).send({ ok: true });
    },
  );
}
