// What every route needs: the current state (replaced wholesale by reset), the clock, faults
// and the two webhook dispatchers.
import type { EmulatorClock } from '../shared/clock.ts';
import type { FaultInjector } from '../shared/faults.ts';
import type { BookingWebhooks } from './booking-webhooks.ts';
import type { EmulatorState } from './state.ts';
import type { PatientTraffic } from './traffic.ts';
import type { RequestWebhooks } from './webhooks.ts';

export interface EmulatorContext {
  state: EmulatorState;
  clock: EmulatorClock;
  faults: FaultInjector;
  webhooks: RequestWebhooks;
  bookingWebhooks: BookingWebhooks;
  traffic: PatientTraffic;
  seed: number | undefined;
}

/** Points the state's side effects at the webhook dispatchers (again after every reset). */
export function wireHooks(context: EmulatorContext): void {
  context.state.hooks = {
    requestRaised: (practice, item) => context.webhooks.requestRaised(practice, item),
    bookingEvent: (practice, type, booking, extra) =>
      context.bookingWebhooks.bookingEvent(practice, type, booking, extra),
  };
}
