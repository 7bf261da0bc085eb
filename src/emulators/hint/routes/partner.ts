// Partner-key routes: /partner, integrations (list, show, activate, deactivate), webhook
// endpoints (global and per integration, legacy and /partner paths), the event registry
// and the delivery log.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { partnerAuth } from '../auth.ts';
import type { HintContext } from '../context.ts';
import { notFound, parseWith } from '../errors.ts';
import { WEBHOOK_EVENT_TYPES } from '../events.ts';
import { setIntegrationStatus } from '../integration-status.ts';
import { listOf, parseListOptions } from '../lists.ts';
import type { Integration } from '../model.ts';
import { formatTimestamp } from '../time.ts';
import { integrationView, partnerView } from '../views/partner.ts';
import type { WebhookRequest } from '../webhook-store.ts';
import { installationRoutes } from './installations.ts';
import { webhookEndpointRoutes } from './webhook-endpoints.ts';

type IdParams = { Params: { id: string } };
const partnerSchema = z.object({
  name: z.string().trim().min(1).optional(),
  email: z.email().optional(),
  webhook_url: z
    .url({ protocol: /^https?$/ })
    .nullable()
    .optional(),
});

function requestView(ctx: HintContext, r: WebhookRequest) {
  const endpoint = ctx.webhookStore.endpoints.get(r.endpointId);
  const fmt = (ms: number | null) => (ms === null ? null : formatTimestamp(ms, 0));
  return {
    id: r.id,
    attempts: r.attempts,
    created_at: fmt(r.createdAt),
    delivered_at: fmt(r.deliveredAt),
    event_type: r.eventType,
    last_attempted_at: fmt(r.lastAttemptedAt),
    last_response: r.lastResponse,
    last_status_code: r.lastStatusCode,
    payload: JSON.parse(r.body) as unknown,
    status: r.status,
    webhook_endpoint: { id: r.endpointId, webhook_url: endpoint?.url ?? null },
  };
}

export function partnerRoutes(app: FastifyInstance, ctx: HintContext): void {
  const { state } = ctx;
  const findIntegration = (partnerId: string, id: string): Integration => {
    // Installations (inst-…) are the newer name for the same connection.
    const integration =
      state.data.integrations.get(id) ?? [...state.data.integrations.values()].find((i) => i.installationId === id);
    if (!integration || integration.partnerId !== partnerId) throw notFound('Integration');
    return integration;
  };

  for (const path of ['/api/partner', '/api/partner/partner']) {
    app.get(path, async (request) => {
      const partner = state.data.partners.get(partnerAuth(request).partnerId);
      if (!partner) throw notFound('Partner');
      return partnerView(partner);
    });
    app.patch(path, async (request) => {
      const partner = state.data.partners.get(partnerAuth(request).partnerId);
      if (!partner) throw notFound('Partner');
      const input = parseWith(partnerSchema, request.body);
      if (input.name !== undefined) partner.name = input.name;
      if (input.email !== undefined) partner.email = input.email;
      if (input.webhook_url !== undefined) setPartnerWebhookUrl(ctx, partner.id, input.webhook_url);
      return partnerView(partner);
    });
  }

  app.get('/api/integrations', async (request, reply) => {
    const { partnerId } = partnerAuth(request);
    const own = [...state.data.integrations.values()].filter((i) => i.partnerId === partnerId);
    return listOf(reply, own, parseListOptions(request, state.config), (i) => integrationView(state, i));
  });

  app.get<IdParams>('/api/integrations/:id', async (request) =>
    integrationView(state, findIntegration(partnerAuth(request).partnerId, request.params.id)),
  );

  app.patch<IdParams>('/api/integrations/:id', async (request) => {
    const integration = findIntegration(partnerAuth(request).partnerId, request.params.id);
    const input = parseWith(z.object({ webhook_url_override: z.url().nullable().optional() }), request.body);
    if (input.webhook_url_override !== undefined) integration.webhookUrlOverride = input.webhook_url_override;
    return integrationView(state, integration);
  });

  app.post<IdParams>('/api/integrations/:id/activate', async (request) => {
    const integration = findIntegration(partnerAuth(request).partnerId, request.params.id);
    setIntegrationStatus(ctx, integration, 'active');
    return integrationView(state, integration);
  });

  app.post<IdParams>('/api/integrations/:id/deactivate', async (request) => {
    const integration = findIntegration(partnerAuth(request).partnerId, request.params.id);
    setIntegrationStatus(ctx, integration, 'inactive');
    return integrationView(state, integration);
  });

  app.get('/api/partner/webhook_events', async (request) => {
    partnerAuth(request);
    return [...WEBHOOK_EVENT_TYPES];
  });

  app.get('/api/partner/webhook_requests', async (request, reply) => {
    const { partnerId } = partnerAuth(request);
    const query = (request.query ?? {}) as Record<string, unknown>;
    const options = parseListOptions(request, state.config, [
      'status',
      'event_type',
      'attempts',
      'webhook_endpoint',
      'delivered_at',
    ]);
    options.archived = 'all';
    const own = [...ctx.webhookStore.requests.values()]
      .filter(
        (r) =>
          r.partnerId === partnerId &&
          (query.status === undefined || r.status === query.status) &&
          (query.event_type === undefined || r.eventType === query.event_type) &&
          (query.webhook_endpoint === undefined || r.endpointId === query.webhook_endpoint) &&
          (query.attempts === undefined || String(r.attempts) === query.attempts),
      )
      .map((r) => ({ ...r, updatedAt: r.lastAttemptedAt ?? r.createdAt }));
    return listOf(reply, own, options, (r) => requestView(ctx, r));
  });

  webhookEndpointRoutes(app, ctx, findIntegration);
  installationRoutes(app, ctx, findIntegration);
}

/** The legacy partner-level URL behaves as one more global endpoint (not listed as such). */
export function setPartnerWebhookUrl(ctx: HintContext, partnerId: string, url: string | null): void {
  const partner = ctx.state.data.partners.get(partnerId);
  if (!partner) return;
  partner.webhookUrl = url;
  const existing = [...ctx.webhookStore.endpoints.values()].find(
    (e) => e.partnerId === partnerId && e.legacyPartnerUrl,
  );
  if (existing && url === null) {
    ctx.webhooks.cancelFor(existing.id);
    ctx.webhookStore.endpoints.delete(existing.id);
  } else if (existing && url !== null) {
    existing.url = url;
    existing.updatedAt = ctx.state.now();
  } else if (url !== null) {
    const now = ctx.state.now();
    ctx.webhookStore.endpoints.set(`whep-partner-${partnerId}`, {
      id: `whep-partner-${partnerId}`,
      partnerId,
      integrationId: null,
      url,
      createdAt: now,
      updatedAt: now,
      lastDeliveredAt: null,
      recentOutcomes: [],
      mutedUntil: null,
      failing: false,
      legacyPartnerUrl: true,
    });
  }
}
