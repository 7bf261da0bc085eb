// What the routes and the harness share.
import type { EmulatorClock } from '../shared/clock.ts';
import type { FaultInjector } from '../shared/faults.ts';
import type { Auth } from './auth.ts';
import type { Org } from './org.ts';
import type { Cursors } from './rest/cursors.ts';

export interface SalesforceContext {
  org: Org;
  auth: Auth;
  clock: EmulatorClock;
  faults: FaultInjector;
  /** errorCode per fault id, for faults that answer with a Salesforce error code. */
  faultCodes: Map<number, string>;
  cursors: Cursors;
  urls(): { loginUrl: string; instanceUrl: string };
  /** Re-seeds the org (keeps the connected app's signing key); sessions, cursors and faults are cleared. */
  reset(seed?: number, hintSeed?: number): void;
  currentSeed(): number | undefined;
  markDirty(): void;
}
