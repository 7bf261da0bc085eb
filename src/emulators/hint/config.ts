// Every behaviour the digest marks unknown or inferred is a setting here, with the
// default documented in docs/emulators/hint.md. Change them at runtime with
// PATCH /_emulator/config.
import { z } from 'zod';

const HOUR = 3_600_000;

export const configSchema = z.object({
  /** Requests per second per token; 0 turns limiting off. Docs say 20/s (one page says 100). */
  rateLimit: z.number().int().min(0),
  /** 'inferred': errored/synced/unsynced/enabled from the rules; 'always-enabled': as every Hint example shows. */
  syncStatusRules: z.enum(['inferred', 'always-enabled']),
  /** Delays between webhook attempts, in emulated ms. Default: hourly for 72 h (third-party summary). */
  retryScheduleMs: z.array(z.number().int().min(0)).max(1000),
  /** Consecutive failed attempts (the whole window) that mute an endpoint. */
  muteAfterFailures: z.number().int().min(1),
  muteDurationMs: z.number().int().min(0),
  /** A receiver slower than this (real ms) counts as failed. Hint asks for a 2xx within ~10 s. */
  deliveryTimeoutMs: z.number().int().min(1).max(120_000),
  /** limit above 100: clamp to 100 (default) or reject with 400. Hint's behaviour is unknown. */
  limitAbove100: z.enum(['clamp', 'reject']),
  /** integration_records lists only the caller's record (default) or every partner's. */
  integrationRecordsVisibility: z.enum(['own', 'all']),
  /** Deliver events caused by a partner's own API writes back to that partner (unmute_self_webhooks). */
  selfWebhooks: z.boolean(),
  /** Archived patients by id: 'hidden' answers 404 (Hint: "404 … may just mean archived"); 'visible' serves them. */
  archivedPatientsById: z.enum(['hidden', 'visible']),
  /** Requests per UTC day per token; 0 = off. Hint documents 500k/day, reset at 00:00 UTC. */
  dailyLimit: z.number().int().min(0),
  /** InstantOn codes expire after this many emulated ms. */
  codeTtlMs: z.number().int().min(1),
  /** Most deliveries in flight at once (all endpoints), so a burst cannot exhaust sockets. */
  maxConcurrentDeliveries: z.number().int().min(1).max(1024),
  /**
   * Hold partner writes to the spec where Hint may be stricter than it is today (strict.ts):
   * us_formattable on non-10-digit phones, gender_other with "not listed", no null
   * associations, names on every patient update, no invoice `date`, integer NPI. On by default.
   */
  strictRequests: z.boolean(),
});

export type HintConfig = z.infer<typeof configSchema>;

export function defaultConfig(overrides: Partial<HintConfig> = {}): HintConfig {
  return {
    rateLimit: 20,
    syncStatusRules: 'inferred',
    retryScheduleMs: Array.from({ length: 72 }, () => HOUR),
    muteAfterFailures: 100,
    muteDurationMs: HOUR,
    deliveryTimeoutMs: 10_000,
    limitAbove100: 'clamp',
    integrationRecordsVisibility: 'own',
    selfWebhooks: true,
    archivedPatientsById: 'hidden',
    dailyLimit: 500_000,
    codeTtlMs: 10 * 60_000,
    maxConcurrentDeliveries: 128,
    strictRequests: true,
    ...overrides,
  };
}
