// The Fastify app: JSON (gzip accepted), the PMS API under the spec's paths with auth and
// spec validation in front of every route, and the test harness under /_emulator.
import { createGunzip } from 'node:zlib';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { EmulatorClock } from '../shared/clock.ts';
import { FaultInjector } from '../shared/faults.ts';
import { authenticate, completeLog, logRequest, rateLimiter } from './auth.ts';
import { BookingWebhooks } from './booking-webhooks.ts';
import { wireHooks, type EmulatorContext } from './context.ts';
import { registerHarness } from './harness/index.ts';
import { registerApiRoutes } from './routes/index.ts';
import { checkParameters, checkRequestBody, findOperation } from './spec.ts';
import { createState, type EmulatorState } from './state.ts';
import { PatientTraffic } from './traffic.ts';
import { RequestWebhooks } from './webhooks.ts';

export interface HealthengineOptions {
  seed?: number;
  timeScale?: number;
  rateLimit?: number;
  logger?: boolean;
  clock?: EmulatorClock; // pass a frozen clock in tests
  startAt?: number; // emulated start time (ms since epoch)
}

export interface HealthengineEmulator {
  app: FastifyInstance;
  context: EmulatorContext;
  /** The live state (replaced by POST /_emulator/reset; read it through this getter). */
  readonly state: EmulatorState;
  clock: EmulatorClock;
}

/** Operations whose body is checked item by item by their handler instead of all at once. */
const ITEMWISE_BODIES = new Set(['sendAvailabilitySnapshots']);

export function buildHealthengineEmulator(options: HealthengineOptions = {}): HealthengineEmulator {
  const clock = options.clock ?? new EmulatorClock({ timeScale: options.timeScale ?? 1, startAt: options.startAt });
  const holder: { state: EmulatorState } = { state: createState(clock, options.seed) };
  const context: EmulatorContext = {
    get state() {
      return holder.state;
    },
    set state(next: EmulatorState) {
      holder.state = next;
    },
    clock,
    faults: new FaultInjector(),
    seed: options.seed,
    webhooks: new RequestWebhooks(() => holder.state, clock),
    bookingWebhooks: new BookingWebhooks(() => holder.state, clock),
    traffic: new PatientTraffic(() => holder.state, clock),
  };
  wireHooks(context);
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 32 * 1024 * 1024 });
  installJson(app);
  context.faults.install(app, (status) => (status === 401 ? undefined : { error: `injected fault ${status}` }));
  installApiGate(
    app,
    context,
    rateLimiter(options.rateLimit, () => Date.now()),
  );
  app.addHook('onClose', async () => {
    context.traffic.stopAll();
    context.webhooks.close();
    context.bookingWebhooks.close();
  });
  registerApiRoutes(app, context);
  registerHarness(app, context);
  return {
    app,
    context,
    clock,
    get state() {
      return holder.state;
    },
  };
}

/** JSON bodies, gzip-compressed or not; an empty body is "no body", not an error. */
function installJson(app: FastifyInstance): void {
  app.addHook('preParsing', async (request, _reply, payload) => {
    if (String(request.headers['content-encoding'] ?? '').toLowerCase() !== 'gzip') return payload;
    let received = 0;
    payload.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    const inflated = payload.pipe(createGunzip());
    Object.defineProperty(inflated, 'receivedEncodedLength', { get: () => received });
    payload.on('error', (error) => inflated.destroy(error));
    return inflated;
  });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error('body is not valid JSON'), { statusCode: 400 }), undefined);
    }
  });
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    const message = status === 500 ? 'internal error' : (gzipMessage(error) ?? error.message);
    return reply.code(status).send({ error: message });
  });
}

function gzipMessage(error: Error & { code?: string }): string | undefined {
  return error.code?.startsWith('Z_') ? 'body is not valid gzip (Content-Encoding: gzip)' : undefined;
}

/** Auth, request log and spec validation in front of every PMS API route. */
function installApiGate(app: FastifyInstance, context: EmulatorContext, allow: (reply: FastifyReply) => boolean): void {
  const isApi = (request: FastifyRequest) => !request.url.startsWith('/_emulator');
  app.addHook('onRequest', async (request, reply) => {
    if (!isApi(request)) return;
    logRequest(context.state, request);
    if (!allow(reply)) return reply;
    if (!authenticate(context.state, request, reply)) return reply;
  });
  app.addHook('preHandler', async (request, reply) => {
    if (!isApi(request)) return;
    const found = findOperation(request.method, request.url);
    if (!found) return;
    coerceLooseNumbers(context.state, found.op.operationId, request.body);
    const params = checkParameters(found.op, found.pathParams, request.query as Record<string, unknown>);
    const body =
      params.ok && !ITEMWISE_BODIES.has(found.op.operationId) ? checkRequestBody(found.op, request.body) : params;
    if (!body.ok) return reply.code(400).send({ error: body.error });
  });
  app.addHook('onResponse', async (request, reply) => {
    if (isApi(request)) completeLog(request, reply.statusCode);
  });
}

/** HE's own examples send some integers as strings ("30"); accept them where configured (§9.1, §9.2). */
export function coerceLooseNumbers(state: EmulatorState, operationId: string, body: unknown): void {
  const numeric = (v: unknown) => typeof v === 'string' && /^\d+$/.test(v);
  if (
    operationId === 'uploadPmsAppointmentTypes' &&
    state.config.acceptAppointmentLengthStrings &&
    Array.isArray(body)
  ) {
    for (const t of body)
      if (t && numeric(t.pmsAppointmentLength)) t.pmsAppointmentLength = Number(t.pmsAppointmentLength);
  }
  if (!state.config.acceptSlotLengthStrings) return;
  const snapshots =
    operationId === 'sendAvailabilitySnapshot'
      ? [body]
      : operationId === 'sendAvailabilitySnapshots' && Array.isArray(body)
        ? body
        : [];
  for (const s of snapshots) {
    for (const r of Array.isArray(s?.availability) ? s.availability : [])
      if (r && numeric(r.slotLength)) r.slotLength = Number(r.slotLength);
  }
}
