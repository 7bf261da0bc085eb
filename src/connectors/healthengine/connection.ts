// A Healthengine connection as the connector sees it: settings with defaults, sealed
// credentials (practice id + key + the webhook path secret), and a client built from them.
import { z } from 'zod';
import type { ConnectorDeps } from '../types.ts';
import { getConnection, getConnectionById, readCredentials, type Connection } from '../../db/connections.ts';
import { HealthengineClient, type PracticeCredentials } from './client.ts';

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time as HH:MM');
const rangeList = z.array(z.object({ start: time, end: time }).strict()).max(20);
const allDay = [{ start: '00:00', end: '23:59' }];

export const liveHoursSchema = z
  .object({
    monday: rangeList,
    tuesday: rangeList,
    wednesday: rangeList,
    thursday: rangeList,
    friday: rangeList,
    saturday: rangeList,
    sunday: rangeList,
    publicHolidays: rangeList,
  })
  .strict();

export const settingsSchema = z
  .object({
    locationIds: z
      .array(z.uuid({ message: 'must be a UUID' }))
      .min(1, 'name at least one location')
      .max(50),
    /** Days of availability published ahead, today included. */
    windowDays: z.number().int().min(1).max(90).default(30),
    /** The liveness contract: when Tandem promises to answer requests (practice time). Default: always. */
    liveHours: liveHoursSchema.default({
      monday: allDay,
      tuesday: allDay,
      wednesday: allDay,
      thursday: allDay,
      friday: allDay,
      saturday: allDay,
      sunday: allDay,
      publicHolidays: allDay,
    }),
    /** Public holidays (YYYY-MM-DD) on which the publicHolidays hours apply instead of the weekday's. */
    publicHolidays: z
      .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'))
      .max(100)
      .default([]),
    pollOutsideLiveHours: z.boolean().default(false),
    pollSecondsWithoutWebhook: z.number().int().min(1).max(3600).default(5),
    pollSecondsWithWebhook: z.number().int().min(5).max(3600).default(300),
    webhooks: z.boolean().default(true),
    /** An ambiguous match is never linked: a new patient flagged for review (default), or the booking is rejected (the patient calls the practice). */
    ambiguousPatients: z.enum(['new-patient-for-review', 'reject-booking']).default('new-patient-for-review'),
  })
  .strict();
export type HealthengineSettings = z.infer<typeof settingsSchema>;

export interface StoredCredentials extends PracticeCredentials {
  webhookSecret: string;
  /** Sandbox mode only: the in-process emulator's URL and consumer key instead of the configured ones. */
  apiUrl?: string;
  apiKey?: string;
}

export interface LoadedConnection {
  connection: Connection;
  settings: HealthengineSettings;
  credentials: StoredCredentials;
}

export class ConnectionGoneError extends Error {}

export async function loadConnection(
  deps: ConnectorDeps,
  practiceId: string,
  connectionId: string,
): Promise<LoadedConnection> {
  const connection = await getConnection(deps.db, practiceId, connectionId);
  if (!connection || connection.system !== 'healthengine')
    throw new ConnectionGoneError(`connection ${connectionId} not found`);
  const credentials = await readCredentials<StoredCredentials>(deps.db, deps.secrets, practiceId, connectionId);
  if (!credentials) throw new ConnectionGoneError(`connection ${connectionId} has no credentials`);
  return { connection, settings: settingsSchema.parse(connection.settings), credentials };
}

export async function loadConnectionById(
  deps: ConnectorDeps,
  connectionId: string,
): Promise<LoadedConnection | undefined> {
  const connection = await getConnectionById(deps.db, connectionId);
  if (!connection || connection.system !== 'healthengine') return undefined;
  return loadConnection(deps, connection.practiceId, connectionId).catch(() => undefined);
}

export function clientFor(deps: ConnectorDeps, credentials: StoredCredentials): HealthengineClient {
  const { apiUrl, apiKey, userAgent } = deps.config.healthengine;
  const { practiceId, practiceKey } = credentials;
  return new HealthengineClient({
    baseUrl: credentials.apiUrl ?? apiUrl,
    apiKey: credentials.apiKey ?? apiKey ?? '',
    userAgent,
    credentials: { practiceId, practiceKey },
  });
}

export function writeContext(connection: Connection) {
  return {
    practiceId: connection.practiceId,
    actor: `connection:${connection.id}`,
    origin: `connection:${connection.id}` as const,
  };
}
