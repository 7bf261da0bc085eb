// Tags "subscriptions" and "subscription error logs". POST creates, or updates the
// subscription named by `id` (or the one with the same topic and callbackUrl): the spec says
// "create or update" without naming the key (§9.10). PUT /subscription/{id} as in Postman.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requestPractice } from '../auth.ts';
import type { EmulatorContext } from '../context.ts';
import { paginate } from '../queue.ts';
import { randomUuid } from '../seed.ts';
import { validateComponent } from '../spec.ts';
import type { ErrorLogEntry, Practice, Subscription } from '../state.ts';
import { formatUtc, parseUtc } from '../time.ts';
import { subscriptionView } from '../views.ts';
import { badRequest, bodyObject, pageOf, query, stringParam } from './common.ts';

type Parsed = { ok: true; value: Omit<Subscription, 'id'> } | { ok: false; error: string };

function parseSubscription(body: Record<string, unknown>, now: number): Parsed {
  const url = String(body.callbackUrl);
  if (!/^https?:\/\/[^\s/]+/.test(url)) return { ok: false, error: 'callbackUrl must be an http(s) URL' };
  const startAt = body.startAt === undefined || body.startAt === null ? now : parseUtc(String(body.startAt));
  const expireAt = body.expireAt === undefined || body.expireAt === null ? null : parseUtc(String(body.expireAt));
  if (startAt === undefined) return { ok: false, error: 'startAt must be a datetime YYYY-MM-DD HH:MM:SS' };
  if (expireAt === undefined) return { ok: false, error: 'expireAt must be a datetime YYYY-MM-DD HH:MM:SS' };
  if (expireAt !== null && expireAt <= startAt) return { ok: false, error: 'expireAt must be after startAt' };
  const clientId = typeof body.clientId === 'string' ? body.clientId : null;
  return { ok: true, value: { clientId, topic: String(body.topic), callbackUrl: url, startAt, expireAt } };
}

function findExisting(practice: Practice, body: Record<string, unknown>): Subscription | undefined {
  if (typeof body.id === 'string' && practice.subscriptions.has(body.id)) return practice.subscriptions.get(body.id);
  return [...practice.subscriptions.values()].find((s) => s.topic === body.topic && s.callbackUrl === body.callbackUrl);
}

function save(
  context: EmulatorContext,
  request: FastifyRequest,
  reply: FastifyReply,
  existing: Subscription | undefined,
  status: number,
) {
  const practice = requestPractice(request);
  const parsed = parseSubscription(bodyObject(request), context.state.clock.now());
  if (!parsed.ok) return badRequest(reply, parsed.error);
  const subscription: Subscription = { id: existing?.id ?? randomUuid(context.state.random), ...parsed.value };
  practice.subscriptions.set(subscription.id, subscription);
  return reply.code(status).send(subscriptionView(subscription));
}

export function registerSubscriptionRoutes(app: FastifyInstance, context: EmulatorContext): void {
  app.get('/subscription', async (request) =>
    [...requestPractice(request).subscriptions.values()].map(subscriptionView),
  );
  app.post('/subscription', async (request, reply) =>
    save(context, request, reply, findExisting(requestPractice(request), bodyObject(request)), 201),
  );
  app.put('/subscription/:id', async (request, reply) => {
    const existing = requestPractice(request).subscriptions.get(stringParam(request, 'id'));
    if (!existing) return reply.code(404).send({ error: 'subscription not found' });
    const check = validateComponent('Subscription', request.body, 'body');
    if (!check.ok) return badRequest(reply, check.error);
    return save(context, request, reply, existing, 200);
  });
  app.get('/subscription/:id', async (request, reply) => {
    const found = requestPractice(request).subscriptions.get(stringParam(request, 'id'));
    return found ? subscriptionView(found) : reply.code(404).send({ error: 'subscription not found' });
  });
  app.delete('/subscription/:id', async (request, reply) => {
    const deleted = requestPractice(request).subscriptions.delete(stringParam(request, 'id'));
    return deleted ? reply.code(204).send() : reply.code(404).send({ error: 'subscription not found' });
  });
  app.get('/subscriptionErrorLog', async (request, reply) => {
    const practice = requestPractice(request);
    const q = query(request);
    const page = pageOf(request, reply);
    if (page === undefined) return reply;
    if (
      q.subscriptionId &&
      !practice.subscriptions.has(q.subscriptionId) &&
      !practice.errorLog.some((e) => e.subscriptionId === q.subscriptionId)
    ) {
      return reply.code(404).send({ error: `subscription ${q.subscriptionId} not found` });
    }
    const from = q.from ? parseUtc(q.from) : -Infinity;
    const to = q.to ? parseUtc(q.to) : Infinity;
    if (from === undefined) return badRequest(reply, 'from must be a datetime YYYY-MM-DD HH:MM:SS');
    if (to === undefined) return badRequest(reply, 'to must be a datetime YYYY-MM-DD HH:MM:SS');
    const entries = practice.errorLog.filter(
      (e) => (!q.subscriptionId || e.subscriptionId === q.subscriptionId) && e.at >= from && e.at <= to,
    );
    return paginate(entries.map(errorLogView), page, context.state.config.perPage);
  });
}

/** The QSG example also carries a top-level `timestamp` (not in the schema); kept for fidelity. */
function errorLogView(e: ErrorLogEntry): Record<string, unknown> {
  const { at, ...rest } = e;
  return { ...rest, timestamp: formatUtc(at) };
}
