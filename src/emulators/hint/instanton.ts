// InstantOn: every connection starts inside Hint. A practice admin clicks Connect on the
// marketplace page; Hint redirects to the partner's redirect_url with the code appended
// straight onto the string; the partner exchanges it at POST /api/oauth/tokens.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { partnerAuth } from './auth.ts';
import type { HintContext } from './context.ts';
import { HintError, parseWith } from './errors.ts';
import { base62 } from './ids.ts';
import type { Integration } from './model.ts';
import { setIntegrationStatus } from './integration-status.ts';
import { integrationWithTokenView } from './views/partner.ts';

export function issueCode(ctx: HintContext, practiceId: string, partnerId: string): { code: string; redirect: string } {
  const { state } = ctx;
  const partner = state.data.partners.get(partnerId);
  if (!partner) throw new HintError(404, 'Partner not found');
  if (!state.data.practices.has(practiceId)) throw new HintError(404, 'Practice not found');
  const code = base62(state.random, 19);
  state.data.codes.set(code, {
    code,
    partnerId,
    practiceId,
    expiresAt: state.now() + state.config.codeTtlMs,
    used: false,
  });
  return { code, redirect: `${partner.redirectUrl}${code}` };
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function connectPage(ctx: HintContext, practiceId: string): string {
  const practice = ctx.state.practice(practiceId);
  const tiles = [...ctx.state.data.partners.values()]
    .map((partner) => {
      const connected = ctx.state.integrationFor(partner.id, practiceId)?.status === 'active';
      return `<li><form method="post" action="/marketplace/connect">
  <input type="hidden" name="practice" value="${escape(practiceId)}"><input type="hidden" name="partner" value="${escape(partner.id)}">
  <strong>${escape(partner.productName)}</strong> ${connected ? '(connected)' : ''}
  <button type="submit" data-partner="${escape(partner.id)}">Connect</button></form></li>`;
    })
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Hint Marketplace: ${escape(practice.name)}</title></head>
<body><h1>Hint Marketplace</h1><p>Signed in as ${escape(practice.admin.name)} (admin) at ${escape(practice.name)}.</p>
<ul>${tiles}</ul></body></html>`;
}

const exchangeSchema = z.object({
  grant_type: z.literal('authorization_code'),
  code: z.string().min(1),
  activate: z.boolean().optional(),
});

/** Checks and consumes a code (single-use); failed checks leave it usable. */
export function redeemCode(ctx: HintContext, partnerId: string, code: string): string {
  const entry = ctx.state.data.codes.get(code);
  if (!entry || entry.partnerId !== partnerId) throw new HintError(422, 'Invalid authorization code');
  if (entry.used) throw new HintError(422, 'Authorization code has already been used');
  if (entry.expiresAt < ctx.state.now()) throw new HintError(422, 'Authorization code has expired');
  entry.used = true;
  return entry.practiceId;
}

export function connect(
  ctx: HintContext,
  partnerId: string,
  practiceId: string,
  activate: boolean,
): { integration: Integration; token: string } {
  const { state } = ctx;
  const partner = state.data.partners.get(partnerId);
  let integration = state.integrationFor(partnerId, practiceId);
  if (!integration) {
    const now = state.now();
    integration = {
      id: state.id('int'),
      installationId: state.id('inst'),
      partnerId,
      practiceId,
      status: 'pending',
      apiKeys: [],
      webhookUrlOverride: null,
      createdAt: now,
      updatedAt: now,
    };
    state.data.integrations.set(integration.id, integration);
  }
  const token = state.token();
  integration.apiKeys.push({
    id: state.id('key'),
    token,
    description: partner?.productName ?? '',
    createdAt: state.now(),
    lastUsedAt: null,
    deactivatedAt: null,
  });
  state.addPracticeToken(integration, token);
  if (activate) setIntegrationStatus(ctx, integration, 'active');
  return { integration, token };
}

export function instantOnRoutes(app: FastifyInstance, ctx: HintContext): void {
  const { state } = ctx;

  app.get<{ Querystring: { practice?: string } }>('/marketplace/connect', async (request, reply) => {
    const practiceId = request.query.practice ?? '';
    if (!state.data.practices.has(practiceId)) throw new HintError(404, 'Practice not found');
    return reply.type('text/html; charset=utf-8').send(connectPage(ctx, practiceId));
  });

  app.post('/marketplace/connect', async (request, reply) => {
    const body = parseWith(z.object({ practice: z.string(), partner: z.string() }), request.body);
    const { redirect } = issueCode(ctx, body.practice, body.partner);
    return reply.redirect(redirect, 302);
  });

  app.post('/api/oauth/tokens', async (request) => {
    const { partnerId } = partnerAuth(request);
    const input = parseWith(exchangeSchema, request.body);
    const practiceId = redeemCode(ctx, partnerId, input.code);
    const { integration, token } = connect(ctx, partnerId, practiceId, input.activate ?? true);
    return integrationWithTokenView(state, integration, token);
  });
}
