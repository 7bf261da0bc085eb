// Builds the Hint emulator: a Fastify app over an in-memory HintState, with its own clock,
// webhook engine and fault injector. Never imports the Hint connector.
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { EmulatorClock } from '../shared/clock.ts';
import { FaultInjector } from '../shared/faults.ts';
import type { EmulatorOptions } from '../shared/types.ts';
import { installAuth } from './auth.ts';
import { defaultConfig, type HintConfig } from './config.ts';
import type { HintContext } from './context.ts';
import { errorBody, HintError, messageFor } from './errors.ts';
import { harnessRoutes } from './harness.ts';
import { sdkRoutes } from './sdk.ts';
import { instantOnRoutes } from './instanton.ts';
import { loadState, saveState, StateSaver } from './persist.ts';
import { mulberry32 } from './random.ts';
import { billingRoutes } from './routes/billing.ts';
import { interactionRoutes } from './routes/interactions.ts';
import { invoiceRoutes } from './routes/invoices.ts';
import { partnerRoutes } from './routes/partner.ts';
import { patientRoutes } from './routes/patients.ts';
import { practiceRoutes } from './routes/practice.ts';
import { buildSeed } from './seed.ts';
import { HintState } from './state.ts';
import { WebhookStore } from './webhook-store.ts';
import { WebhookDispatcher } from './webhooks.ts';

export interface HintEmulatorOptions extends EmulatorOptions {
  config?: Partial<HintConfig>;
  clock?: EmulatorClock;
  /** Keep the sandbox in this JSON file: loaded at start when present, saved after writes and on close. */
  stateFile?: string;
}

export interface HintEmulator {
  app: FastifyInstance;
  state: HintState;
  clock: EmulatorClock;
  context: HintContext;
}

function parseJson(body: string): unknown {
  if (body.trim() === '') return {}; // POST …/issue with an empty JSON body is fine
  try {
    return JSON.parse(body);
  } catch {
    throw new HintError(400, 'Malformed JSON in request body');
  }
}

function installParsersAndErrors(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJson(String(body)));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  app.setErrorHandler((error: FastifyError | HintError, _request, reply) => {
    if (error instanceof HintError) return reply.code(error.status).send(errorBody(error.status, error.message));
    const status =
      typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500
        ? error.statusCode
        : 500;
    if (status === 500) reply.log.error(error);
    return reply.code(status).send(errorBody(status, status === 500 ? messageFor(500) : error.message));
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(errorBody(404, 'Not Found')));
}

function persistence(
  file: string,
  context: HintContext,
  getSeed: () => number | undefined,
  setSeed: (seed: number | undefined) => void,
): StateSaver {
  const loaded = loadState(file, context.state, context.webhookStore);
  if (loaded) setSeed(loaded.seed);
  const saver = new StateSaver(() => saveState(file, context.state, context.webhookStore, getSeed()));
  if (!loaded) saveState(file, context.state, context.webhookStore, getSeed());
  return saver;
}

export function buildHintEmulator(options: HintEmulatorOptions = {}): HintEmulator {
  const clock = options.clock ?? new EmulatorClock({ timeScale: options.timeScale ?? 1 });
  const config = defaultConfig({
    ...options.config,
    ...(options.rateLimit !== undefined ? { rateLimit: options.rateLimit } : {}),
  });
  let seed = options.seed;
  const state = new HintState(clock, config, seed ?? 0);
  const webhookStore = new WebhookStore();
  const faults = new FaultInjector(mulberry32((seed ?? 0) + 17));
  let webhooks = new WebhookDispatcher(state, webhookStore);
  const context: HintContext = {
    state,
    clock,
    webhookStore,
    faults,
    get webhooks() {
      return webhooks;
    },
    reset(newSeed?: number) {
      webhooks.close();
      webhookStore.endpoints.clear();
      webhookStore.requests.clear();
      webhookStore.attempts = [];
      faults.clear();
      seed = newSeed;
      const built = buildSeed(seed, clock.now());
      state.replace(built.data, built.random);
      webhooks = new WebhookDispatcher(state, webhookStore);
    },
    currentSeed: () => seed,
  };
  context.reset(seed);
  const saver = options.stateFile
    ? persistence(
        options.stateFile,
        context,
        () => seed,
        (s) => {
          seed = s;
        },
      )
    : undefined;

  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 10 * 1024 * 1024 });
  installParsersAndErrors(app);
  faults.install(app, (status) => errorBody(status, messageFor(status)));
  installAuth(app, state);
  app.addHook('onRequest', async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD') return;
    state.invalidateViews();
    saver?.markDirty();
  });
  patientRoutes(app, context);
  practiceRoutes(app, context);
  billingRoutes(app, context);
  invoiceRoutes(app, context);
  interactionRoutes(app, context);
  partnerRoutes(app, context);
  instantOnRoutes(app, context);
  harnessRoutes(app, context);
  sdkRoutes(app, context);
  app.addHook('onClose', async () => {
    saver?.flush();
    webhooks.close();
    if (!options.clock) clock.stop();
  });
  return { app, state, clock, context };
}
