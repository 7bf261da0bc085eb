// The connection's levelled log (Debug for every action, Error / Exception for failures) in the
// hub's log, filtered to the connection in the console; optionally mirrored into the org's
// Hint_Log__c (setting, off by default) in collections of up to 200 rows, so logging never
// costs more calls than the work it logs. Messages carry record ids and reasons, never PHI.
import { writeLogs, type LogLevel, type NewLogEntry } from '../../db/logs.ts';
import { clientFor, type LoadedConnection, type SalesforceDeps } from './connection.ts';
import { nsName, LOG_OBJECT } from './mapping-fields.ts';

export interface SfLogEntry {
  level: LogLevel;
  message: string;
  operation: string;
  contactId?: string | null;
  patientId?: string | null;
  hintPatientId?: string | null;
  batchId?: string | null;
  /** Exception only: what went wrong underneath (error names and codes, no record values). */
  details?: string;
}

const RANK: Record<LogLevel, number> = { debug: 0, error: 1, exception: 2 };
/**
 * Rows wait for 200, for a quiet second, or for 10 s after the first: a steady trickle of
 * failures is still written in collections of up to 200, not one call a second.
 */
const QUIET_MS = 1000;
const LONGEST_MS = 10_000;
interface Buffered {
  rows: Record<string, unknown>[];
  timer: NodeJS.Timeout;
  loaded: LoadedConnection;
  since: number;
}
const pending = new Map<string, Buffered>();

export async function sfLog(deps: SalesforceDeps, loaded: LoadedConnection, e: SfLogEntry): Promise<void> {
  await sfLogMany(deps, loaded, [e]);
}

/** Many entries in one statement (a batch logs its chunk at once), each mirrored as sfLog would. */
export async function sfLogMany(deps: SalesforceDeps, loaded: LoadedConnection, entries: SfLogEntry[]): Promise<void> {
  await writeLogs(deps.db, loaded.connection.practiceId, hubEntries(loaded.connection.id, entries));
  await mirrorLogs(deps, loaded, entries);
}

/** The hub's rows for these entries (a batch writes them inside its chunk's transaction). */
export const hubEntries = (connectionId: string, entries: SfLogEntry[]): NewLogEntry[] =>
  entries.map((e) => hubEntry(connectionId, e));

/** Mirrors entries into Hint_Log__c when the setting says so (after the hub has them). */
export async function mirrorLogs(deps: SalesforceDeps, loaded: LoadedConnection, entries: SfLogEntry[]): Promise<void> {
  for (const e of entries) await mirror(deps, loaded, e);
}

function hubEntry(connectionId: string, e: SfLogEntry): NewLogEntry {
  return {
    level: e.level,
    message: e.message,
    connectionId,
    entityKind: e.patientId ? 'patient' : null,
    entityId: e.patientId ?? null,
    context: {
      operation: e.operation,
      ...(e.contactId ? { contactId: e.contactId } : {}),
      ...(e.batchId ? { batchId: e.batchId } : {}),
      ...(e.details ? { details: e.details } : {}),
    },
  };
}

async function mirror(deps: SalesforceDeps, loaded: LoadedConnection, e: SfLogEntry): Promise<void> {
  const { connection, settings } = loaded;
  if (!settings.mirrorLogsToSalesforce || RANK[e.level] < RANK[settings.mirrorLogLevel]) return;
  const ns = settings.namespace;
  const row: Record<string, unknown> = {
    [nsName(ns, 'Level__c')]: e.level === 'debug' ? 'Debug' : e.level === 'error' ? 'Error' : 'Exception',
    [nsName(ns, 'Message__c')]: e.message,
    [nsName(ns, 'Operation__c')]: e.operation,
    [nsName(ns, 'Contact__c')]: e.contactId ?? null,
    [nsName(ns, 'Hint_Patient_Id__c')]: e.hintPatientId ?? null,
    [nsName(ns, 'Batch_Id__c')]: e.batchId ?? null,
    [nsName(ns, 'Details__c')]: e.details ?? null,
  };
  const flushLater = (wait: number) => setTimeout(() => void flushMirror(deps, connection.id), wait).unref();
  const entry = pending.get(connection.id);
  if (!entry) {
    pending.set(connection.id, { rows: [row], loaded, since: Date.now(), timer: flushLater(QUIET_MS) });
    return;
  }
  entry.rows.push(row);
  if (entry.rows.length >= 200) return flushMirror(deps, connection.id);
  clearTimeout(entry.timer);
  entry.timer = flushLater(Math.max(0, Math.min(QUIET_MS, entry.since + LONGEST_MS - Date.now())));
}

/** Writes the buffered rows of a connection to Hint_Log__c now (one collections call per 200). */
export async function flushMirror(deps: SalesforceDeps, connectionId: string): Promise<void> {
  const entry = pending.get(connectionId);
  if (!entry) return;
  pending.delete(connectionId);
  clearTimeout(entry.timer);
  try {
    const type = nsName(entry.loaded.settings.namespace, LOG_OBJECT);
    await clientFor(deps, entry.loaded).saveMany('POST', type, entry.rows);
  } catch (error) {
    deps.logger.warn({ connectionId, err: error }, 'salesforce: the log could not be mirrored into Hint_Log__c');
  }
}

export async function flushAllMirrors(deps: SalesforceDeps): Promise<void> {
  for (const id of [...pending.keys()]) await flushMirror(deps, id);
}
