// Every choice the digest leaves open (§15) is a setting here, with the default documented in
// docs/emulators/salesforce.md. Change them at runtime with PATCH /_emulator/config.
import { z } from 'zod';

const HOUR = 3_600_000;

export const configSchema = z.object({
  /** Oldest and newest API version served (§15.1); /services/data/ lists them. */
  minVersion: z.number().int().min(20).max(99),
  maxVersion: z.number().int().min(20).max(99),
  /** Access tokens expire after this much emulated idle time, or this long after issue (§15.2). */
  sessionIdleTimeoutMs: z.number().int().min(1000),
  sessionAbsoluteTimeoutMs: z.number().int().min(1000),
  /** A refresh answers a new refresh token (rotation) — off in Salesforce's default (§15.3). */
  rotateRefreshTokens: z.boolean(),
  /** Keep at most 5 refresh tokens per user and app; the 6th revokes the oldest (§11). */
  refreshTokenCap: z.boolean(),
  /** The client secret is required for the code and refresh grants ("Require Secret for Web Server Flow"). */
  requireSecret: z.boolean(),
  /** Default query page size and the one a batchSize header is clamped to (§15.5). */
  queryPageSize: z.number().int().min(1).max(2000),
  /** Daily API request allowance (rolling 24 h; Developer Edition 15,000) (§15.24). */
  dailyApiRequests: z.number().int().min(0),
  /** Birthdate filters: 'exact' literal dates, year-ignoring relative literals (default), or always year-ignoring (§15.7). */
  birthdateFilter: z.enum(['exact', 'ignore-year']),
  /** SOSL: a new record becomes searchable this many emulated ms after its creation (§15.9). */
  searchIndexLagMs: z.number().int().min(0),
  /** Change events on the CometD channel list changedFields in the header (docs conflict, §15.22). */
  cometdChangedFields: z.boolean(),
  /** Change events per object (an org without CDC entitlement: all false) (§6). */
  cdc: z.record(z.string(), z.boolean()),
  /** Event retention for replay (72 h). */
  eventRetentionMs: z.number().int().min(1000),
  /** A CometD connect is held at most this long (real ms) before an empty answer. */
  connectTimeoutMs: z.number().int().min(10).max(120_000),
  /** getUpdated / getDeleted: largest window back, and the id cap (EXCEEDED_ID_LIMIT) (§15.21). */
  updatedWindowDays: z.number().int().min(1),
  deletedWindowDays: z.number().int().min(1),
  replicationIdLimit: z.number().int().min(1),
  /** Upsert of an existing record answers 200 with a body (v46+) or 204 (below) (§15.20). */
  upsertUpdateStatusFromVersion: z.number().int(),
});

export type SalesforceConfig = z.infer<typeof configSchema>;

export function defaultConfig(overrides: Partial<SalesforceConfig> = {}): SalesforceConfig {
  return {
    minVersion: 31,
    maxVersion: 67,
    sessionIdleTimeoutMs: 2 * HOUR,
    sessionAbsoluteTimeoutMs: 24 * HOUR,
    rotateRefreshTokens: false,
    refreshTokenCap: true,
    requireSecret: true,
    queryPageSize: 2000,
    dailyApiRequests: 15_000,
    birthdateFilter: 'exact',
    searchIndexLagMs: 0,
    cometdChangedFields: true,
    cdc: { Contact: true, Account: true, Hint_Log__c: false },
    eventRetentionMs: 72 * HOUR,
    connectTimeoutMs: 25_000,
    updatedWindowDays: 30,
    deletedWindowDays: 15,
    replicationIdLimit: 600_000,
    upsertUpdateStatusFromVersion: 46,
    ...overrides,
  };
}
