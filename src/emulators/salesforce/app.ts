// Builds the Salesforce emulator: one Fastify app serving the login host (OAuth), the data
// host (/services/data, /cometd) and the harness (/_emulator). Never imports connector code.
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { EmulatorClock } from '../shared/clock.ts';
import { FaultInjector, holdAnswer, holdAnswers } from '../shared/faults.ts';
import { mulberry32 } from '../shared/random.ts';
import type { EmulatorOptions } from '../shared/types.ts';
import { Auth } from './auth.ts';
import { newSigningKey } from './cert.ts';
import { cometdRoutes } from './cometd.ts';
import { defaultConfig, type SalesforceConfig } from './config.ts';
import type { SalesforceContext } from './context.ts';
import { defaultFaultCode, limitExceeded, SfError } from './errors.ts';
import { harnessRoutes } from './harness.ts';
import { oauthRoutes } from './oauth.ts';
import { Org } from './org.ts';
import { loadState, saveState, StateSaver } from './persist.ts';
import './rest/composite.ts';
import { Cursors } from './rest/cursors.ts';
import { dispatch } from './rest/router.ts';
import { buildSeed } from './seed.ts';

export interface SalesforceEmulatorOptions extends EmulatorOptions {
  config?: Partial<SalesforceConfig>;
  clock?: EmulatorClock;
  /** Which Hint seed's patients the seeded contacts match (default: derived from seed). */
  hintSeed?: number;
}

export interface SalesforceEmulator {
  app: FastifyInstance;
  org: Org;
  clock: EmulatorClock;
  context: SalesforceContext;
}

function versions(config: SalesforceConfig) {
  const labels = ["Spring '", "Summer '", "Winter '"];
  const out = [];
  for (let v = config.minVersion; v <= config.maxVersion; v++) {
    // v31 = Summer '14; three releases a year, Winter named for the following year.
    const index = (v - 31 + 1) % 3;
    const year = 14 + Math.floor((v - 31 + 1 + (index === 2 ? 3 : 0)) / 3);
    out.push({ label: `${labels[index]}${year}`, url: `/services/data/v${v}.0`, version: `${v}.0` });
  }
  return out;
}

function installParsers(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(
        new SfError(400, 'JSON_PARSER_ERROR', `Unexpected character in request body: ${(error as Error).message}`),
        undefined,
      );
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
}

function sendError(reply: FastifyReply, error: SfError, org: Org, withLimits: boolean): FastifyReply {
  if (withLimits) reply.header('Sforce-Limit-Info', org.limitInfo());
  return reply.code(error.status).send(error.body());
}

function installErrors(app: FastifyInstance, org: Org): void {
  app.setErrorHandler((error: FastifyError | SfError, request, reply) => {
    const api = request.url.startsWith('/services/data/v');
    if (error instanceof SfError) return sendError(reply, error, org, api);
    const status =
      typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500
        ? error.statusCode
        : 500;
    if (status === 500) reply.log.error(error);
    const code =
      status === 413
        ? 'REQUEST_TOO_LARGE'
        : status === 415
          ? 'UNSUPPORTED_MEDIA_TYPE'
          : status === 500
            ? 'UNKNOWN_EXCEPTION'
            : 'INVALID_INPUT';
    return sendError(
      reply,
      new SfError(status, code, status === 500 ? 'An unexpected error occurred.' : error.message),
      org,
      api,
    );
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]),
  );
}

/** Faults: answer with a status (and Salesforce error code), add latency, or both. Never on the harness. */
function installFaults(app: FastifyInstance, ctx: SalesforceContext): void {
  holdAnswers(app);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.url.startsWith('/_emulator')) return;
    const fault = ctx.faults.take(request.method, request.url);
    if (!fault) return;
    holdAnswer(request, fault);
    if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
    if (fault.status === undefined) return;
    const fallback = defaultFaultCode(fault.status);
    const errorCode = ctx.faultCodes.get(fault.id) ?? fallback.errorCode;
    const message = errorCode === fallback.errorCode ? fallback.message : errorCode.toLowerCase().replace(/_/g, ' ');
    if (request.url.startsWith('/services/data/v')) reply.header('Sforce-Limit-Info', ctx.org.limitInfo());
    return reply.code(fault.status).send([{ message, errorCode, fields: [] }]);
  });
}

function apiRoutes(app: FastifyInstance, ctx: SalesforceContext): void {
  const { org } = ctx;
  const list = async () => versions(org.config);
  app.get('/services/data', list);
  app.get('/services/data/', list);
  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const [pathPart, search = ''] = request.url.split('?') as [string, string?];
    const m = /^\/services\/data\/(v(\d+)\.0|latest)(?:\/(.*))?$/.exec(pathPart);
    const major = m?.[1] === 'latest' ? org.config.maxVersion : Number(m?.[2]);
    if (!m || major < org.config.minVersion || major > org.config.maxVersion)
      return reply.code(404).send([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    const { user, session } = ctx.auth.session(request.headers.authorization);
    if (org.apiUsed() >= org.config.dailyApiRequests) throw limitExceeded();
    org.countApiRequest();
    const version = `${major}.0`;
    const client = /(?:^|[;,\s])client=([^;,\s]+)/.exec(String(request.headers['sforce-call-options'] ?? ''))?.[1];
    const allowSave = /allowSave\s*=\s*true/i.test(String(request.headers['sforce-duplicate-rule-header'] ?? ''));
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]),
    );
    const response = dispatch({
      org,
      cursors: ctx.cursors,
      method: request.method,
      version,
      path: (m[3] ?? '').split('/').filter(Boolean).map(decodeURIComponent),
      query: Object.fromEntries(new URLSearchParams(search)),
      headers,
      body: request.body,
      user,
      actor: { user, origin: `com/salesforce/api/rest/${version}${client ? `;client=${client}` : ''}`, allowSave },
      tx: null,
    });
    void session;
    if (request.method !== 'GET' && request.method !== 'HEAD') ctx.markDirty();
    reply.header('Sforce-Limit-Info', org.limitInfo());
    for (const [k, v] of Object.entries(response.headers ?? {})) reply.header(k, v);
    reply.code(response.status);
    return response.body === undefined ? reply.send() : reply.send(response.body);
  };
  app.route({ method: ['GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE'], url: '/services/data/*', handler: handle });
}

export async function buildSalesforceEmulator(options: SalesforceEmulatorOptions = {}): Promise<SalesforceEmulator> {
  const clock = options.clock ?? new EmulatorClock({ timeScale: options.timeScale ?? 1 });
  const config = defaultConfig(options.config);
  let seed = options.seed;
  let hintSeed = options.hintSeed;
  const org = new Org(clock, config, mulberry32(1));
  const faults = new FaultInjector(mulberry32((seed ?? 0) + 23));
  let baseUrl = 'http://127.0.0.1';
  const urls = () => ({ loginUrl: baseUrl, instanceUrl: baseUrl });
  let saver: StateSaver | undefined;
  const context: SalesforceContext = {
    org,
    auth: new Auth(org, urls),
    clock,
    faults,
    faultCodes: new Map(),
    cursors: new Cursors(org),
    urls,
    reset(newSeed?: number, newHintSeed?: number) {
      const key = { certificatePem: org.data.app.certificatePem, privateKeyPem: org.data.app.privateKeyPem };
      seed = newSeed;
      hintSeed = newHintSeed;
      const built = buildSeed({ seed, hintSeed }, clock.now());
      Object.assign(built.data.app, key);
      org.replace(built.data, built.random);
      org.events.events = [];
      faults.clear();
      context.faultCodes.clear();
      context.cursors.clear();
      saver?.markDirty();
    },
    currentSeed: () => seed,
    markDirty: () => saver?.markDirty(),
  };
  const loaded = options.stateFile ? loadState(options.stateFile, org) : false;
  if (loaded) {
    seed = loaded.seed;
  } else {
    context.reset(seed, hintSeed);
    Object.assign(org.data.app, await newSigningKey('Salesforce Emulator Connected App', clock.now()));
  }
  if (options.stateFile) {
    const file = options.stateFile;
    saver = new StateSaver(() => saveState(file, org, seed));
    if (!loaded) saveState(file, org, seed);
  }

  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 50 * 1024 * 1024 });
  installParsers(app);
  installErrors(app, org);
  installFaults(app, context);
  apiRoutes(app, context);
  oauthRoutes(app, org, context.auth);
  cometdRoutes(app, context);
  harnessRoutes(app, context);
  app.addHook('onListen', async () => {
    const address = app.server.address();
    if (typeof address === 'object' && address)
      baseUrl = `http://${address.address === '::1' ? '[::1]' : address.address}:${address.port}`;
  });
  app.addHook('onClose', async () => {
    saver?.flush();
    if (!options.clock) clock.stop();
  });
  return { app, org, clock, context };
}
