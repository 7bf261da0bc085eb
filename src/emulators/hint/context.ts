// What every route module receives: the store, the webhook engine and the fault injector.
import type { EmulatorClock } from '../shared/clock.ts';
import type { FaultInjector } from '../shared/faults.ts';
import type { HintState } from './state.ts';
import type { WebhookDispatcher } from './webhooks.ts';
import type { WebhookStore } from './webhook-store.ts';

export interface HintContext {
  state: HintState;
  clock: EmulatorClock;
  webhooks: WebhookDispatcher;
  webhookStore: WebhookStore;
  faults: FaultInjector;
  /** Re-seeds everything (harness reset); endpoints, deliveries and faults are cleared too. */
  reset(seed?: number): void;
  currentSeed(): number | undefined;
}
