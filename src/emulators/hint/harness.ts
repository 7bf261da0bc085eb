// The test harness under /_emulator/ (no auth; a local sandbox): credentials, acting as a
// practice user in Hint's UI, InstantOn codes, partner settings, faults, clock, deliveries,
// config, reset and seed.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { faultSchema } from '../shared/faults.ts';
import { configSchema } from './config.ts';
import type { HintContext } from './context.ts';
import { HintError, notFound, parseWith } from './errors.ts';
import { harnessLookups, practiceUserRoutes } from './harness-practice.ts';
import { setPartnerWebhookUrl } from './routes/partner.ts';
import { SURFACE_NAMES } from './model.ts';

export function credentials(ctx: HintContext) {
  const { state } = ctx;
  const partners = [...state.data.partners.values()].map((partner) => ({
    id: partner.id,
    name: partner.name,
    apiKey: partner.apiKey,
    webhookSecret: partner.webhookSecret,
    redirectUrl: partner.redirectUrl,
    webhookUrl: partner.webhookUrl,
    practices: [...state.data.practices.values()].map((practice) => {
      const integration = state.integrationFor(partner.id, practice.id);
      const key = integration?.apiKeys.find((k) => k.deactivatedAt === null);
      return {
        id: practice.id,
        name: practice.name,
        integrationId: integration?.id ?? null,
        status: integration?.status ?? 'not_connected',
        accessToken: key?.token ?? null,
      };
    }),
  }));
  const primary = partners[0];
  return {
    partnerApiKey: primary?.apiKey ?? null,
    webhookSecret: primary?.webhookSecret ?? null,
    practices: (primary?.practices ?? []).map((p) => ({ id: p.id, name: p.name, accessToken: p.accessToken })),
    partners,
  };
}

const httpUrl = z.url({ protocol: /^https?$/ });
const partnerPatch = z.object({
  partnerId: z.string().optional(),
  redirectUrl: z.string().min(1).optional(),
  handshakeUrl: httpUrl.nullable().optional(),
  /** Shorthand for surfaces.core_page. */
  surfaceUrl: httpUrl.nullable().optional(),
  surfaces: z.partialRecord(z.enum(SURFACE_NAMES), httpUrl.nullable()).optional(),
  webhookUrl: z
    .url({ protocol: /^https?$/ })
    .nullable()
    .optional(),
});

const clockPatch = z.object({
  advanceMs: z.number().int().min(0).optional(),
  now: z.string().optional(),
  timeScale: z.number().positive().optional(),
  frozen: z.boolean().optional(),
});

export function harnessRoutes(app: FastifyInstance, ctx: HintContext): void {
  const { state } = ctx;
  const { partnerOf } = harnessLookups(ctx);

  app.get('/_emulator/credentials', async () => credentials(ctx));
  practiceUserRoutes(app, ctx);

  for (const path of ['/_emulator/reset', '/_emulator/seed']) {
    app.post(path, async (request) => {
      const input = parseWith(z.object({ seed: z.number().int().min(0).max(100_000).optional() }), request.body);
      ctx.reset(input.seed ?? (path === '/_emulator/reset' ? ctx.currentSeed() : undefined));
      return credentials(ctx);
    });
  }

  app.patch('/_emulator/partner', async (request) => {
    const input = parseWith(partnerPatch, request.body);
    const partner = state.data.partners.get(partnerOf(input.partnerId));
    if (!partner) throw notFound('Partner');
    if (input.redirectUrl !== undefined) partner.redirectUrl = input.redirectUrl;
    if (input.webhookUrl !== undefined) setPartnerWebhookUrl(ctx, partner.id, input.webhookUrl);
    if (input.handshakeUrl !== undefined) partner.handshakeUrl = input.handshakeUrl;
    if (input.surfaceUrl !== undefined) partner.surfaces.core_page = input.surfaceUrl;
    Object.assign(partner.surfaces, input.surfaces ?? {});
    return {
      id: partner.id,
      name: partner.name,
      redirectUrl: partner.redirectUrl,
      webhookUrl: partner.webhookUrl,
      handshakeUrl: partner.handshakeUrl,
      surfaceUrl: partner.surfaces.core_page,
      surfaces: partner.surfaces,
    };
  });

  app.get('/_emulator/faults', async () => ctx.faults.list());
  app.post('/_emulator/faults', async (request) => ctx.faults.add(parseWith(faultSchema, request.body)));
  app.delete('/_emulator/faults', async (_request, reply) => {
    ctx.faults.clear();
    return reply.code(204).send();
  });

  app.get('/_emulator/clock', async () => ctx.clock.state());
  app.post('/_emulator/clock', async (request) => {
    const input = parseWith(clockPatch, request.body);
    const now = input.now === undefined ? undefined : Date.parse(input.now);
    if (now !== undefined && Number.isNaN(now)) throw new HintError(422, 'Validation failed: Now is not a timestamp');
    if (now !== undefined || input.timeScale !== undefined || input.frozen !== undefined) {
      ctx.clock.configure({ now, timeScale: input.timeScale, frozen: input.frozen });
    }
    if (input.advanceMs) ctx.clock.advance(input.advanceMs);
    return ctx.clock.state();
  });

  app.get('/_emulator/deliveries', async (request) => {
    const query = request.query as { endpoint?: string; type?: string; event?: string };
    return ctx.webhookStore.attempts
      .filter(
        (a) =>
          (!query.endpoint || a.endpointId === query.endpoint) &&
          (!query.type || a.eventType === query.type) &&
          (!query.event || a.eventId === query.event),
      )
      .map((a) => ({ ...a, at: new Date(a.at).toISOString() }));
  });

  app.get('/_emulator/endpoints', async () =>
    [...ctx.webhookStore.endpoints.values()].map((e) => ({
      id: e.id,
      partnerId: e.partnerId,
      integrationId: e.integrationId,
      url: e.url,
      failing: e.failing,
      mutedUntil: e.mutedUntil === null ? null : new Date(e.mutedUntil).toISOString(),
    })),
  );

  app.get('/_emulator/config', async () => state.config);
  app.patch('/_emulator/config', async (request) => {
    const input = parseWith(configSchema.partial().strict(), request.body);
    Object.assign(state.config, input);
    return state.config;
  });
}
