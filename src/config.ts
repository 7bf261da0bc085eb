// Environment parsed once into a typed Config, then passed down. Nothing else reads process.env.
import { z } from 'zod';

const optionalUrl = z.string().url().optional();

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  TANDEM_HOME: z.string().default('.tandem'),
  TANDEM_PUBLIC_URL: optionalUrl,
  TANDEM_SECRET_KEY: z.string().optional(),
  TANDEM_BOOTSTRAP_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  TANDEM_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  TANDEM_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(5),
  TANDEM_DB_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(20),
  TANDEM_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  TANDEM_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  TANDEM_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  TANDEM_SANDBOX: z.enum(['auto', 'on', 'off']).default('auto'),
  TANDEM_ROLE: z.enum(['all', 'api', 'worker'], { message: 'must be all, api or worker' }).default('all'),
  TANDEM_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  TANDEM_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  TANDEM_SANDBOX_CONNECT: z.enum(['on', 'off']).default('on'),
  HINT_API_URL: optionalUrl,
  HINT_PARTNER_API_KEY: z.string().optional(),
  HINT_WEBHOOK_SECRET: z.string().optional(),
  // Origins allowed to frame the embedded app (space-separated). Hint does not document its app
  // origins; these are its production and staging app hosts, and a deployment can override them.
  HINT_APP_ORIGINS: z
    .string()
    .default('https://app.hint.com https://app.staging.hint.com')
    .refine(
      (v) =>
        v
          .split(/\s+/)
          .filter(Boolean)
          .every((o) => /^https?:\/\/[^/\s]+$/.test(o)),
      'must be space-separated origins like https://app.hint.com (scheme and host, no path)',
    ),
  HEALTHENGINE_API_URL: optionalUrl,
  HEALTHENGINE_API_KEY: z.string().optional(),
  HEALTHENGINE_USER_AGENT: z.string().optional(),
  /** Salesforce: the login host and the connected app offered by default in the console (both optional). */
  SALESFORCE_LOGIN_URL: z.string().url().optional(),
  SALESFORCE_CLIENT_ID: z.string().min(1).optional(),
  SALESFORCE_CLIENT_SECRET: z.string().min(1).optional(),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  databaseUrl: string | undefined;
  port: number;
  host: string;
  home: string;
  publicUrl: string | undefined;
  secretKey: string | undefined;
  bootstrapToken: string | undefined;
  logLevel: string;
  workerConcurrency: number;
  /** Connections in this process's pool (the job runner keeps a small one of its own): sum over processes must fit max_connections. */
  dbPoolSize: number;
  bodyLimitBytes: number;
  /** A client must have sent its request headers within this, and the whole request (body included) within requestTimeoutMs. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  sandbox: 'auto' | 'on' | 'off';
  /**
   * What this process does (docs/operations.md): `api` serves HTTP (API, console, webhooks) and
   * enqueues; `worker` runs jobs, schedules and the long-lived loops, and serves only probes and
   * metrics; `all` both. Any number of each against one DATABASE_URL.
   */
  role: Role;
  /** `/metrics` is served only when set, and only to `Authorization: Bearer <it>`. */
  metricsToken: string | undefined;
  /** Console sessions end after this many minutes without a request. */
  sessionIdleMinutes: number;
  /** Sandbox mode connects the default practice to the emulators (on), or leaves that to an admin in the console (off). */
  sandboxConnect: boolean;
  hint: { apiUrl: string; partnerApiKey: string | undefined; webhookSecret: string | undefined; appOrigins: string[] };
  healthengine: { apiUrl: string; apiKey: string | undefined; userAgent: string };
  salesforce: { loginUrl: string; clientId: string | undefined; clientSecret: string | undefined };
}

export type Role = 'all' | 'api' | 'worker';

export const servesHttpApi = (role: Role): boolean => role !== 'worker';
export const runsWorkers = (role: Role): boolean => role !== 'api';

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.TANDEM_HEADERS_TIMEOUT_MS > e.TANDEM_REQUEST_TIMEOUT_MS) {
    throw new ConfigError(
      'Invalid configuration:\n  TANDEM_HEADERS_TIMEOUT_MS: must not exceed TANDEM_REQUEST_TIMEOUT_MS',
    );
  }
  if (e.TANDEM_ROLE !== 'all' && !e.DATABASE_URL) {
    throw new ConfigError(
      `Invalid configuration:\n  TANDEM_ROLE: ${e.TANDEM_ROLE} needs DATABASE_URL (processes with split roles share one PostgreSQL; the embedded one serves a single process of role all)`,
    );
  }
  if (e.NODE_ENV === 'production' && !e.TANDEM_SECRET_KEY) {
    throw new ConfigError('Invalid configuration:\n  TANDEM_SECRET_KEY: required when NODE_ENV=production');
  }
  return {
    env: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    port: e.PORT,
    host: e.HOST,
    home: e.TANDEM_HOME,
    publicUrl: e.TANDEM_PUBLIC_URL,
    secretKey: e.TANDEM_SECRET_KEY,
    bootstrapToken: e.TANDEM_BOOTSTRAP_TOKEN,
    logLevel: e.TANDEM_LOG_LEVEL,
    workerConcurrency: e.TANDEM_WORKER_CONCURRENCY,
    dbPoolSize: e.TANDEM_DB_POOL_SIZE,
    bodyLimitBytes: e.TANDEM_BODY_LIMIT_BYTES,
    headersTimeoutMs: e.TANDEM_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: e.TANDEM_REQUEST_TIMEOUT_MS,
    sandbox: e.TANDEM_SANDBOX,
    role: e.TANDEM_ROLE,
    metricsToken: e.TANDEM_METRICS_TOKEN,
    sessionIdleMinutes: e.TANDEM_SESSION_IDLE_MINUTES,
    sandboxConnect: e.TANDEM_SANDBOX_CONNECT === 'on',
    hint: {
      apiUrl: e.HINT_API_URL ?? 'https://api.hint.com',
      partnerApiKey: e.HINT_PARTNER_API_KEY,
      webhookSecret: e.HINT_WEBHOOK_SECRET,
      appOrigins: e.HINT_APP_ORIGINS.split(/\s+/).filter(Boolean),
    },
    healthengine: {
      apiUrl: e.HEALTHENGINE_API_URL ?? 'https://healthengine.com.au/pms-api/v1',
      apiKey: e.HEALTHENGINE_API_KEY,
      userAgent: e.HEALTHENGINE_USER_AGENT ?? 'Tandem (support@tandem.local) development',
    },
    salesforce: {
      loginUrl: e.SALESFORCE_LOGIN_URL ?? 'https://login.salesforce.com',
      clientId: e.SALESFORCE_CLIENT_ID,
      clientSecret: e.SALESFORCE_CLIENT_SECRET,
    },
  };
}

/** The public base URL Tandem is reachable at (for web links written into other systems). */
export function publicUrl(config: Config, boundPort: number): string {
  return config.publicUrl ?? `http://127.0.0.1:${boundPort}`;
}
