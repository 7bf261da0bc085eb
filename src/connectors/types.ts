// What a connector gives the hub. Every connector folder (src/connectors/<system>/) has the
// same shape — client.ts, schemas.ts, mapping.ts, webhooks.ts, sync.ts, index.ts — and its
// index.ts default-exports a ConnectorFactory. main.ts discovers and composes them.
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Config } from '../config.ts';
import type { Db } from '../db/pool.ts';
import type { FanOutTarget } from '../jobs/fanout.ts';
import type { TaskHandlers } from '../jobs/types.ts';
import type { Logger } from '../logger.ts';
import type { SecretBox } from '../security/secrets.ts';
import type { Practice } from '../db/practices.ts';
import type { Connection } from '../db/connections.ts';

export { ConnectionGone, IntegrationError, unlessGone } from '../core/errors.ts';

export interface ConnectorDeps {
  config: Config;
  db: Db;
  logger: Logger;
  secrets: SecretBox;
  /** Tandem's public base URL (for web links and webhook endpoints written into other systems). */
  publicUrl(): string;
}

/** A connection ready to use: the hub's row, its settings with defaults filled in, its opened credentials. */
export interface LoadedConnection<Settings, Credentials> {
  connection: Connection;
  settings: Settings;
  credentials: Credentials;
}

export interface LoadOptions {
  /** Load a connection whatever its status (pending, error, deactivated…). Default: active ones only. */
  anyStatus?: boolean;
}

export interface SandboxDeps extends ConnectorDeps {
  defaultPractice: Practice;
}

export interface RunningSandbox {
  name: string;
  url: string;
  stop(): Promise<void>;
}

export interface Connector {
  system: 'hint' | 'healthengine' | 'salesforce';
  /** Job handlers this connector runs (names prefixed with the system, e.g. 'hint:push-patient'). */
  tasks: TaskHandlers;
  /** Which canonical changes it wants to hear about, and the job it enqueues for each. */
  fanOut: FanOutTarget[];
  /** Cron lines for periodic work (reconciliation, republishing), graphile-worker syntax. */
  crontab?: string[];
  /** Authenticated routes under /api/v1 (request.auth is set). */
  apiRoutes?(api: FastifyInstance): Promise<void>;
  /** Public routes: webhook receivers, OAuth redirects, embedded pages. Verify everything. */
  publicRoutes?(app: FastifyInstance): Promise<void>;
  /** Sandbox mode: start this platform's emulator in-process and connect the default practice. */
  startSandbox?(deps: SandboxDeps): Promise<RunningSandbox>;
  /** Whether real credentials for this platform are configured (sandbox mode starts when none are). */
  hasRealCredentials(): boolean;
  /**
   * The settings an admin may change on a connection (defaults filled in where the schema has
   * them). The console generates its settings form from this schema's JSON Schema.
   */
  settingsSchema?: z.ZodType;
  /** A stored inbound event of this connection was put back to pending (a replay): process it soon. */
  wakeInbox?(practiceId: string, connectionId: string): Promise<void>;
  /** After the HTTP server listens: background work that needs Tandem reachable. */
  afterListen?(): Promise<void>;
  stop?(): Promise<void>;
}

export type ConnectorFactory = (deps: ConnectorDeps) => Connector;
