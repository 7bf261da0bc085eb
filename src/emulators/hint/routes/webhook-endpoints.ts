// Webhook endpoint CRUD (partner key). Global endpoints get every event of every active
// integration; integration endpoints get that practice's events. DELETE cancels pending work.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { partnerAuth } from '../auth.ts';
import type { HintContext } from '../context.ts';
import { notFound, parseWith } from '../errors.ts';
import { listOf, parseListOptions } from '../lists.ts';
import type { Integration } from '../model.ts';
import { webhookEndpointView } from '../views/partner.ts';
import type { WebhookEndpoint } from '../webhook-store.ts';

const urlSchema = z.url({ protocol: /^https?$/ });
const createSchema = z.object({ webhook_url: urlSchema });
const updateSchema = z.object({ webhook_url: urlSchema.optional() });

type Scope = { partnerId: string; integrationId: string | null };

export function createEndpoint(ctx: HintContext, scope: Scope, url: string): WebhookEndpoint {
  const now = ctx.state.now();
  const endpoint: WebhookEndpoint = {
    id: ctx.state.id('whep'),
    partnerId: scope.partnerId,
    integrationId: scope.integrationId,
    url,
    createdAt: now,
    updatedAt: now,
    lastDeliveredAt: null,
    recentOutcomes: [],
    mutedUntil: null,
    failing: false,
    legacyPartnerUrl: false,
  };
  ctx.webhookStore.endpoints.set(endpoint.id, endpoint);
  return endpoint;
}

export function deleteEndpoint(ctx: HintContext, endpoint: WebhookEndpoint): void {
  ctx.webhooks.cancelFor(endpoint.id);
  ctx.webhookStore.endpoints.delete(endpoint.id);
}

export function webhookEndpointRoutes(
  app: FastifyInstance,
  ctx: HintContext,
  findIntegration: (partnerId: string, id: string) => Integration,
): void {
  const { state } = ctx;
  type Params = { Params: { integrationId?: string; id?: string } };
  const scopeOf = (request: FastifyRequest<Params>): Scope => {
    const { partnerId } = partnerAuth(request);
    const integrationId = request.params.integrationId;
    return { partnerId, integrationId: integrationId ? findIntegration(partnerId, integrationId).id : null };
  };
  const find = (request: FastifyRequest<Params>): WebhookEndpoint => {
    const scope = scopeOf(request);
    const endpoint = ctx.webhookStore.endpoints.get(request.params.id ?? '');
    if (
      !endpoint ||
      endpoint.legacyPartnerUrl ||
      endpoint.partnerId !== scope.partnerId ||
      endpoint.integrationId !== scope.integrationId
    ) {
      throw notFound('Webhook endpoint');
    }
    return endpoint;
  };

  const bases = [
    '/api/global_webhook_endpoints',
    '/api/partner/webhook_endpoints',
    '/api/integrations/:integrationId/webhook_endpoints',
    '/api/partner/installations/:integrationId/webhook_endpoints',
  ];
  for (const base of bases) {
    app.get<Params>(base, async (request, reply) => {
      const scope = scopeOf(request);
      const own = [...ctx.webhookStore.endpoints.values()].filter(
        (e) => !e.legacyPartnerUrl && e.partnerId === scope.partnerId && e.integrationId === scope.integrationId,
      );
      return listOf(reply, own, parseListOptions(request, state.config, ['backend', 'last_delivered_at']), (e) =>
        webhookEndpointView(state, e),
      );
    });
    app.post<Params>(base, async (request) => {
      const scope = scopeOf(request);
      const input = parseWith(createSchema, request.body);
      return webhookEndpointView(state, createEndpoint(ctx, scope, input.webhook_url));
    });
    app.get<Params>(`${base}/:id`, async (request) => webhookEndpointView(state, find(request)));
    const update = async (request: FastifyRequest<Params>) => {
      const endpoint = find(request);
      const input = parseWith(updateSchema, request.body);
      if (input.webhook_url !== undefined) endpoint.url = input.webhook_url;
      endpoint.updatedAt = state.now();
      return webhookEndpointView(state, endpoint);
    };
    app.patch<Params>(`${base}/:id`, update);
    app.put<Params>(`${base}/:id`, update);
    app.delete<Params>(`${base}/:id`, async (request, reply) => {
      deleteEndpoint(ctx, find(request));
      return reply.code(204).send();
    });
  }
}
