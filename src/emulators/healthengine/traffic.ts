// Simulated patients for demos and sandbox mode: at a steady rate (emulated time), a patient
// books a random free published slot in the next 14 days, and some patients cancel a
// confirmed booking. Deterministic under a seed; no real person's data.
import type { EmulatorClock, TimerHandle } from '../shared/clock.ts';
import { publishedSlots } from './availability.ts';
import { createBooking, patientCancel } from './bookings.ts';
import type { EmulatorState, PatientDetails, Practice } from './state.ts';
import { addDays, localParts } from './time.ts';

export interface TrafficSettings {
  bookingsPerHour: number;
  cancellationsPerHour: number;
}
interface Running extends TrafficSettings {
  timers: TimerHandle[];
  booked: number;
  cancelled: number;
  missed: number;
}

const FIRST = ['Olivia', 'Jack', 'Charlotte', 'Noah', 'Amelia', 'William', 'Isla', 'Oliver', 'Mia', 'Thomas'];
const LAST = ['Smith', 'Nguyen', 'Williams', 'Brown', 'Wilson', 'Taylor', 'Anderson', 'Martin', 'Kelly', 'Singh'];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

export function fakePatient(random: () => number): PatientDetails {
  const firstname = pick(random, FIRST);
  const lastname = pick(random, LAST);
  const year = 1940 + Math.floor(random() * 70);
  const month = String(1 + Math.floor(random() * 12)).padStart(2, '0');
  const day = String(1 + Math.floor(random() * 28)).padStart(2, '0');
  return {
    firstname,
    lastname,
    dob: `${year}-${month}-${day}`,
    phone: `04${String(Math.floor(random() * 1e8)).padStart(8, '0')}`,
    email: `${firstname}.${lastname}@example.com`.toLowerCase(),
    address: `${1 + Math.floor(random() * 200)} Example St`,
    suburb: 'Perth',
    state: 'WA',
    postcode: '6000',
    gender: pick(random, ['Male', 'Female', 'Other'] as const),
    medicareNumber: null,
    medicareIrn: null,
    medicareExpiry: null,
  };
}

export class PatientTraffic {
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly getState: () => EmulatorState,
    private readonly clock: EmulatorClock,
  ) {}

  start(practice: Practice, settings: TrafficSettings): void {
    this.stop(practice.practiceId);
    const run: Running = { ...settings, timers: [], booked: 0, cancelled: 0, missed: 0 };
    this.running.set(practice.practiceId, run);
    if (settings.bookingsPerHour > 0)
      this.every(run, 3_600_000 / settings.bookingsPerHour, () => this.book(practice, run));
    if (settings.cancellationsPerHour > 0)
      this.every(run, 3_600_000 / settings.cancellationsPerHour, () => this.cancel(practice, run));
  }

  stop(practiceId: string): void {
    const run = this.running.get(practiceId);
    for (const timer of run?.timers ?? []) this.clock.clearTimeout(timer);
    this.running.delete(practiceId);
  }

  stopAll(): void {
    for (const id of [...this.running.keys()]) this.stop(id);
  }

  status(practiceId: string): Omit<Running, 'timers'> | null {
    const run = this.running.get(practiceId);
    if (!run) return null;
    const { timers: _t, ...rest } = run;
    return rest;
  }

  /** Due times are absolute, so a clock jump of an hour catches up with every tick it skipped. */
  private every(run: Running, intervalMs: number, action: () => void): void {
    const index = run.timers.length;
    let due = this.clock.now();
    const schedule = () => {
      due = Math.max(due, this.clock.now() - 100 * intervalMs) + intervalMs; // catch up, but at most 100 ticks
      run.timers[index] = this.clock.setTimeout(() => {
        action();
        schedule();
      }, due - this.clock.now());
    };
    schedule();
  }

  private book(practice: Practice, run: Running): void {
    const state = this.getState();
    if (state.practices.get(practice.practiceId) !== practice) return this.stop(practice.practiceId);
    const today = localParts(state.clock.now(), practice.timezone).date;
    const slots = Array.from({ length: 14 }, (_, i) => publishedSlots(state, practice, addDays(today, i))).flat();
    if (slots.length === 0) {
      run.missed++;
      return;
    }
    const slot = pick(state.random, slots);
    createBooking(state, practice, {
      slot,
      pmsAppointmentTypeId: slot.pmsAppointmentTypeIds?.[0] ?? null,
      patient: fakePatient(state.random),
      reason: pick(state.random, ['', 'Check-up', 'Prescription renewal', 'Cough and fever\nStarted 3 days ago']),
      isNewPatient: state.random() < 0.3,
    });
    run.booked++;
  }

  private cancel(practice: Practice, run: Running): void {
    const state = this.getState();
    const candidates = [...practice.bookings.values()].filter(
      (b) => b.insert === 'confirmed' && b.status === 'Confirmed',
    );
    if (candidates.length === 0) return;
    patientCancel(state, practice, pick(state.random, candidates));
    run.cancelled++;
  }
}
