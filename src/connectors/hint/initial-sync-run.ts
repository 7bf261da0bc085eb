// One initial-sync run's state, shared by its phases (initial-sync.ts and the per-record
// phases in initial-sync-patient.ts and initial-sync-invoices.ts, which it imports).
import type { LoadedConnection, HintDeps } from './connection.ts';

export interface Run {
  deps: HintDeps;
  loaded: LoadedConnection;
  batchId: string;
  dryRun: boolean;
  /** Records in flight at once; by default from the connection's rate limit (concurrencyFor). */
  concurrency?: number;
  /** Local patients a record of this run has taken (test-and-set, see claim()). */
  claimed: Set<string>;
  inReview: Set<string>;
}
