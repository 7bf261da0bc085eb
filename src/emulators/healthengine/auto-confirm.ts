// The 20-second rule (§4): a booking nobody rejected within the window is shown Confirmed,
// though it stays in the queue until confirmInsert or rejectInsert arrives.
import type { Booking, EmulatorState } from './state.ts';

/**
 * The 20-second rule, applied whenever a booking is looked at rather than by a timer per
 * booking: exact under any clock jump, and free with thousands of pending bookings.
 */
export function applyAutoConfirm(state: EmulatorState, booking: Booking): Booking {
  if (booking.insert !== 'pending' || booking.status !== 'Requested') return booking;
  const due = booking.bookedAt + state.config.bookingRejectWindowMs;
  if (state.clock.now() <= due) return booking;
  booking.status = 'Confirmed';
  booking.autoConfirmedAt = due;
  const entry = {
    at: new Date(due).toISOString(),
    event: 'auto-confirmed',
    detail: { reason: 'no reject within the 20-second window' },
  };
  const after = booking.history.findIndex((h) => h.at > entry.at);
  booking.history.splice(after === -1 ? booking.history.length : after, 0, entry);
  return booking;
}
