// Types and queries of the operations pages (connections, batches, logs, jobs). The types are
// the server's own, imported as types only (erased from the bundle), so the pages cannot drift
// from what the API sends.
import { useQuery } from '@tanstack/react-query';
import type { Batch, BatchItemRow, Progress } from '../../db/batches.ts';
import type { Connection } from '../../db/connections.ts';
import type { InboundSummary } from '../../db/inbox.ts';
import type { LogEntry, LogLevel } from '../../db/logs.ts';
import type { FailedJob } from '../../jobs/failed.ts';
import { api, ApiError } from './client.ts';

export type { Batch, BatchItemRow, Connection, FailedJob, InboundSummary, LogEntry, LogLevel, Progress };

export type BatchView = Batch & { progress: Progress };
/** GET /hint/connections/:id (src/connectors/hint/routes.ts, connectionView). Written out: importing
 *  connector modules would pull their job-map declarations into the console's type-check. */
export interface HintConnectionView {
  id: string;
  name: string;
  status: Connection['status'];
  statusMessage: string | null;
  hintPracticeId: string | null;
  hintPracticeName: string | null;
  integrationId: string | null;
  integrationPageUrl: string;
  webhook: { url: string; registered: boolean };
  health: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}
/** GET /healthengine/connections/:id (src/connectors/healthengine/routes.ts, view). */
export interface HealthengineConnectionView extends Connection {
  healthenginePracticeId: string;
  settings: Record<string, unknown> & { locationIds: string[] };
  subscription: { id: string | null; expiresAt: string | null };
  lastFullPublishAt: string | null;
  lastPollAt: string | null;
}
export interface Page<T> {
  data: T[];
}
export interface JsonSchema {
  type?: string;
  enum?: (string | number)[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  maxItems?: number;
  minItems?: number;
  pattern?: string;
  format?: string;
  default?: unknown;
  description?: string;
  anyOf?: JsonSchema[];
}
export interface ConnectorInfo {
  system: Connection['system'];
  settingsSchema: JsonSchema | null;
}
export interface PendingActivation {
  id: string;
  hintPracticeId: string;
  hintPracticeName: string | null;
  source: string;
  createdAt: string;
  expiresAt?: string;
}
export interface Location {
  id: string;
  name: string;
  timeZone: string;
}

export const useConnections = () =>
  useQuery({ queryKey: ['connections'], queryFn: () => api.get<Page<Connection>>('/connections') });

export const useConnectors = () =>
  useQuery({
    queryKey: ['connectors'],
    queryFn: () => api.get<Page<ConnectorInfo>>('/connectors'),
    staleTime: Infinity,
  });

/** The emulators sandbox mode started, or null when Tandem runs against the real platforms. */
export const useSandbox = () =>
  useQuery({
    queryKey: ['sandbox'],
    staleTime: Infinity,
    queryFn: async () => {
      try {
        return await api.get<Record<string, { url: string }>>('/sandbox');
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
  });

export const isLive = (b: Batch) => b.status === 'queued' || b.status === 'running';

/** One batch, re-read twice a second while it runs (the progress bar moves at least every second). */
export const useBatch = (id: string | undefined) =>
  useQuery({
    queryKey: ['batch', id],
    enabled: Boolean(id),
    queryFn: () => api.get<BatchView>(`/batches/${id}`),
    refetchInterval: (query) => (query.state.data && !isLive(query.state.data) ? false : 500),
  });

/** The words for a batch's report actions. */
export const actionLabel: Record<string, string> = {
  link: 'Link',
  already_linked: 'Already linked',
  create_local: 'Create in Tandem',
  create_remote: 'Create in Hint',
  review: 'Review',
  skip: 'Skip',
  error: 'Error',
  link_or_create: 'Link or create (practitioners)',
  created: 'Created',
  linked: 'Linked',
  updated: 'Updated',
  unchanged: 'Unchanged',
  invoice_link: 'Link invoice',
  invoice_already_linked: 'Invoice already linked',
  invoice_create_remote: 'Create invoice in Hint',
  invoice_error: 'Invoice error',
  'skipped-already-linked': 'Skipped: already linked',
  'skipped-multiple-matches': 'Skipped: several matches',
  'no-match': 'No match',
  'not-processed': 'Not processed (aborted)',
};

const KIND_LABELS: Record<string, string> = {
  'hint:initial-sync': 'Hint initial sync',
  'salesforce:contacts-csv': 'Salesforce contacts → Hint patients (CSV)',
  'salesforce:patients-to-contacts': 'Hint patients → Salesforce contacts',
};

export const batchKindLabel = (kind: string) => KIND_LABELS[kind] ?? kind.replace(/[:-]/g, ' ');
