// The connector contract: what a connector gives the hub. A connector is a folder
// src/connectors/<system>/ whose index.ts default-exports a ConnectorFactory; registry.ts
// checks every part named below at start-up (and names the folder and the part that is
// missing), main.ts composes them. docs/connectors.md "Writing a connector" walks through it.
//
// The parts, and the file each lives in (the same name in every connector folder):
//   connection loading  connection.ts  loadConnection → LoadedConnection, or throws ConnectionGone
//   settings            settings.ts    a zod schema: the API validates with it, the console builds forms from it
//   inbound             webhooks.ts → inbox (idempotent by source event id) → inbound*.ts processors (jobs)
//   outbound            fanout.ts (FanOutTarget, the transaction rule in jobs/fanout.ts) → outbound-*.ts push jobs
//   jobs                jobs.ts (payloads declared into JobPayloads, handlers) · queues.ts (queue names, job keys)
//   batches             initial-sync*.ts on the hub's batch tables (db/batches.ts)
//   patient facts       what the hub shows on a patient this connector links (patientFacts)
//   CLI                 cli.ts: subcommands of `tandem <system>`, exported from index.ts as `cli` (ConnectorModule)
//   sandbox             sandbox.ts: the emulator started through the shared StartEmulator type
//   vendor HTTP         client.ts: every failure an IntegrationError; schemas.ts; mapping*.ts (pure)
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Config } from '../config.ts';
import type { Db } from '../db/pool.ts';
import type { FanOutTarget } from '../jobs/fanout.ts';
import type { TaskHandlers } from '../jobs/types.ts';
import type { Logger } from '../logger.ts';
import type { SecretBox } from '../security/secrets.ts';
import type { Practice } from '../db/practices.ts';
import type { Connection, ConnectionHealthReport } from '../db/connections.ts';

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
  /**
   * The caller reads whether the practice is disabled itself, beside its own first query (a
   * Hint patient push does): the separate read is skipped. Default: checked here.
   */
  practiceCheckedByCaller?: boolean;
}

export interface SandboxDeps extends ConnectorDeps {
  defaultPractice: Practice;
}

export interface RunningSandbox {
  name: string;
  url: string;
  stop(): Promise<void>;
}

/** What the hub shows on a patient this connector links, e.g. `hint: {membershipStatus, planName…}`. */
export interface PatientFacts {
  /** The field on the patient (null when the patient has no link to this system). */
  key: string;
  /** The facts, from what the connector stored on the link (links.remote_data). No PHI beyond what staff need. */
  fromLink(remoteData: Record<string, unknown>): Record<string, unknown>;
}

/**
 * A `tandem <system> <name>` subcommand, exported by the connector's index.ts as `cli` (a named
 * export beside the factory, so the CLI finds it without starting the connector). It parses its
 * own flags (src/cli/args.ts), opens the database only when it runs (withDatabase in
 * src/cli/context.ts) and throws CliError for a usage mistake. Returns the exit code.
 */
export interface CliCommand {
  /** One line for `tandem <system> --help`. */
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

/** What a connector folder's index.ts exports: the factory (default) and, optionally, its CLI subcommands. */
export interface ConnectorModule {
  default: ConnectorFactory;
  cli?: Record<string, CliCommand>;
}

export interface Connector {
  system: 'hint' | 'healthengine' | 'salesforce';

  // connection loading
  /** The connection ready to use; throws ConnectionGone when there is none (or, by default, it is not active). */
  loadConnection(
    practiceId: string,
    connectionId: string,
    options?: LoadOptions,
  ): Promise<LoadedConnection<unknown, unknown>>;

  // settings
  /**
   * The settings an admin may change on a connection (defaults filled in where the schema has
   * them). The API validates with it; the console generates its settings form from its JSON Schema.
   */
  settingsSchema: z.ZodType;

  // inbound
  /** Public routes: webhook receivers (verify, store in the inbox, answer at once), OAuth redirects, embedded pages. */
  publicRoutes?(app: FastifyInstance): Promise<void>;
  /** A stored inbound event of this connection was put back to pending (a replay): process it soon. */
  wakeInbox?(practiceId: string, connectionId: string): Promise<void>;

  // outbound
  /** Which canonical changes it wants to hear about, and the job it enqueues for each (jobs/fanout.ts rule). */
  fanOut: FanOutTarget[];

  // jobs
  /** Job handlers this connector runs (names prefixed with the system, e.g. 'hint:push-patient'). */
  tasks: TaskHandlers;
  /** Cron lines for periodic work (reconciliation, republishing), graphile-worker syntax. */
  crontab?: string[];

  // batches
  /** The batch kinds it runs on the hub's batch tables (e.g. 'hint:initial-sync'), prefixed with the system. */
  batchKinds: string[];

  // patient facts
  patientFacts?: PatientFacts;

  /** Its connection's health in words for the overview, from the connection's settings and health figures. */
  describeHealth?(connection: Connection): ConnectionHealthReport;

  // CLI: `export const cli` in index.ts (ConnectorModule), not a part of the object: the CLI
  // runs a subcommand without building the connector.

  // sandbox
  /** Sandbox mode: start this platform's emulator in-process (StartEmulator) and connect the default practice. */
  startSandbox?(deps: SandboxDeps): Promise<RunningSandbox>;
  /** Whether real credentials for this platform are configured (sandbox mode starts when none are). */
  hasRealCredentials(): boolean;

  // the rest of the wiring
  /** Authenticated routes under /api/v1 (request.auth is set). */
  apiRoutes?(api: FastifyInstance): Promise<void>;
  /** After the HTTP server listens: background work that needs Tandem reachable. */
  afterListen?(): Promise<void>;
  stop?(): Promise<void>;
}

/** The parts registry.ts checks, with the kind of value each must be. */
export const REQUIRED_PARTS = {
  system: 'string',
  loadConnection: 'function',
  settingsSchema: 'zod schema',
  fanOut: 'array',
  tasks: 'object',
  batchKinds: 'array',
  hasRealCredentials: 'function',
} as const;

export const OPTIONAL_PARTS = {
  publicRoutes: 'function',
  wakeInbox: 'function',
  crontab: 'array',
  patientFacts: 'object',
  describeHealth: 'function',
  startSandbox: 'function',
  apiRoutes: 'function',
  afterListen: 'function',
  stop: 'function',
} as const;

export type ConnectorFactory = (deps: ConnectorDeps) => Connector;
