// The test harness under /_emulator: credentials, practices and consent, configuration knobs,
// the clock, faults, reset, and the log of every PMS API request received.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { faultSchema } from '../../shared/faults.ts';
import { configPatchSchema } from '../config.ts';
import { wireHooks, type EmulatorContext } from '../context.ts';
import { makeSeedPractice } from '../seed.ts';
import { createState, newPractice, withHolidays, type Practice } from '../state.ts';
import { isValidTimeZone } from '../time.ts';
import { registerHarnessBookings } from './bookings.ts';
import { parseBody, practiceParam } from './common.ts';
import { registerHarnessRequests } from './requests.ts';

const newPracticeSchema = z
  .object({
    practiceId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/)
      .optional(),
    practiceKey: z.string().min(8).max(200).optional(),
    timezone: z.string().refine(isValidTimeZone, 'not a known IANA time zone').optional(),
    name: z.string().min(1).max(200).optional(),
  })
  .strict();

const clockSchema = z
  .object({
    advanceMs: z.number().int().min(0).optional(),
    advanceSeconds: z.number().min(0).optional(),
    now: z.string().datetime({ offset: true }).optional(),
    timeScale: z.number().min(0).max(1_000_000).optional(),
    frozen: z.boolean().optional(),
  })
  .strict();

export function credentialsOf(practice: Practice) {
  return {
    practiceId: practice.practiceId,
    practiceKey: practice.practiceKey,
    timezone: practice.timezone,
    name: practice.name,
    consentActive: practice.consentActive,
  };
}

export function registerHarness(app: FastifyInstance, context: EmulatorContext): void {
  app.get('/_emulator/credentials', async () => ({
    apiKey: context.state.apiKey,
    practices: [...context.state.practices.values()].map(credentialsOf),
  }));

  app.get('/_emulator/practices', async () => [...context.state.practices.values()].map(credentialsOf));
  app.post('/_emulator/practices', async (request, reply) => {
    const body = parseBody(newPracticeSchema, request, reply);
    if (!body) return reply;
    const { state } = context;
    const seed = { ...makeSeedPractice(state.random, state.practices.size), ...body };
    if (state.practices.has(seed.practiceId))
      return reply.code(409).send({ error: `practice ${seed.practiceId} already exists` });
    const practice = withHolidays(newPractice(seed, state.clock.now()), state.clock.now());
    state.practices.set(practice.practiceId, practice);
    return reply.code(201).send(credentialsOf(practice));
  });

  for (const action of ['revoke', 'restore'] as const) {
    app.post(`/_emulator/practices/:practiceId/consent/${action}`, async (request, reply) => {
      const practice = practiceParam(context, request, reply);
      if (!practice) return reply;
      practice.consentActive = action === 'restore';
      practice.consentHistory.push({
        at: new Date(context.state.clock.now()).toISOString(),
        event: action === 'restore' ? 'consent-restored' : 'consent-revoked',
      });
      return credentialsOf(practice);
    });
  }

  app.get('/_emulator/config', async () => context.state.config);
  app.post('/_emulator/config', async (request, reply) => {
    const patch = parseBody(configPatchSchema, request, reply);
    if (!patch) return reply;
    Object.assign(context.state.config, patch);
    return context.state.config;
  });

  app.get('/_emulator/clock', async () => context.clock.state());
  app.post('/_emulator/clock', async (request, reply) => {
    const body = parseBody(clockSchema, request, reply);
    if (!body) return reply;
    const { advanceMs, advanceSeconds, now, ...rest } = body;
    if (now !== undefined || rest.timeScale !== undefined || rest.frozen !== undefined) {
      context.clock.configure({ ...rest, ...(now ? { now: Date.parse(now) } : {}) });
    }
    const advance = (advanceMs ?? 0) + Math.round((advanceSeconds ?? 0) * 1000);
    if (advance > 0) context.clock.advance(advance);
    return context.clock.state();
  });

  app.get('/_emulator/faults', async () => context.faults.list());
  app.post('/_emulator/faults', async (request, reply) => {
    const spec = parseBody(faultSchema, request, reply);
    if (!spec) return reply;
    return reply.code(201).send(context.faults.add(spec));
  });
  app.delete('/_emulator/faults', async (_request, reply) => {
    context.faults.clear();
    return reply.code(204).send();
  });

  app.post('/_emulator/reset', async (request, reply) => {
    const body = parseBody(z.object({ seed: z.number().int().optional() }).strict(), request, reply);
    if (!body) return reply;
    const baseUrl = context.state.baseUrl;
    context.state = createState(context.clock, body.seed ?? context.seed);
    context.state.baseUrl = baseUrl;
    wireHooks(context);
    context.faults.clear();
    context.traffic.stopAll();
    context.webhooks.deliveries.length = 0;
    context.bookingWebhooks.subscriptions.clear();
    context.bookingWebhooks.deliveries.clear();
    return { apiKey: context.state.apiKey, practices: [...context.state.practices.values()].map(credentialsOf) };
  });

  app.get('/_emulator/requests-log', async (request) => {
    const q = request.query as Record<string, string | undefined>;
    return context.state.requestLog.filter(
      (e) =>
        (!q.practiceId || e.practiceId === q.practiceId) &&
        (!q.path || e.path.includes(q.path)) &&
        (!q.method || e.method === q.method.toUpperCase()),
    );
  });
  app.delete('/_emulator/requests-log', async (_request, reply) => {
    context.state.requestLog.length = 0;
    return reply.code(204).send();
  });

  registerHarnessBookings(app, context);
  registerHarnessRequests(app, context);
}
