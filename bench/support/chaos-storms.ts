// Emulator storms and the Healthengine poller's failover: Hint answering 503/429 during an
// initial sync, Healthengine answering 503 and timing out while patients book, and the worker
// that owns the Healthengine poller killed. Reports as chaos-scenarios.ts does.
import { link, seedClinic, weekdays, type HeBench } from './healthengine-setup.ts';
import { confirmationsPerBooking, pollerOwner, until, verifyHint } from './chaos-check.ts';
import { connectHintPractice, createHintPractice, makeHintHistory, newStats } from './chaos-hint.ts';
import type { ScenarioResult } from './chaos-scenarios.ts';
import { METRICS_TOKEN, type ChaosWorld } from './chaos-world.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** Hint answers 503 or 429 (Retry-After) to most calls for `stormMs` while an initial sync runs. */
export async function hintStorm(w: ChaosWorld, size: { patients: number; stormMs: number }): Promise<ScenarioResult> {
  const tag = 'hstorm';
  const practice = await createHintPractice(w, 'Chaos Hint storm');
  // Patients already in Hint when the practice connects: the initial sync brings them over.
  const { expected } = await makeHintHistory(w, practice, size.patients, 0, tag);
  await connectHintPractice(w, practice);
  await w.hintHarness('POST', '/_emulator/faults', { status: 503, rate: 0.4, path: '/api/provider' });
  await w.hintHarness('POST', '/_emulator/faults', {
    status: 429,
    rate: 0.5,
    path: '/api/provider',
    retryAfterSeconds: 2,
  });
  const stormStart = Date.now();
  const batch = await w.api('POST', `/api/v1/hint/connections/${practice.connectionId}/sync`, {});
  await sleep(Math.max(0, size.stormMs - (Date.now() - stormStart)));
  const faults = (await w.hintHarness('GET', '/_emulator/faults')) as { hits: number }[];
  await w.hintHarness('DELETE', '/_emulator/faults');
  const stormEnd = Date.now();
  const refused = faults.reduce((n, f) => n + f.hits, 0);
  let status = '';
  let counts: unknown;
  const doneAt = await until(
    async () => {
      ({ status, counts } = await w.api('GET', `/api/v1/batches/${batch.id}`));
      return status === 'completed' || status === 'failed' || status === 'aborted';
    },
    'the initial sync to finish',
    600_000,
  );
  const verdict = await verifyHint(w, practice, tag, [], expected, newStats());
  return {
    scenario: 'hint-storm-during-initial-sync',
    sent: expected.size,
    applied: expected.size - verdict.mismatched,
    duplicatesSuppressed: 0,
    lost: verdict.mismatched + (status === 'completed' ? 0 : 1),
    duplicateEffects: verdict.duplicateEffects,
    recoverySeconds: seconds(Math.max(0, doneAt - stormEnd)),
    batchStatus: status,
    batchCounts: counts,
    stormSeconds: seconds(stormEnd - stormStart),
    hintCallsRefusedDuringStorm: refused,
    hintRefusalsPerSecond: Math.round((refused / Math.max(1, stormEnd - stormStart)) * 1000 * 10) / 10,
    echoWrites: verdict.echoWrites,
  };
}

export interface HealthenginePractice {
  practiceId: string;
  typeId: string;
  slots: { resourceId: string; start: string }[];
  nextSlot: number;
}

export async function linkHealthengine(w: ChaosWorld, practitioners: number): Promise<HealthenginePractice> {
  const bench = { api: w.api, harness: w.heHarness } as unknown as HeBench;
  const clinic = await seedClinic(bench, practitioners);
  const { practiceId } = await link(bench, clinic.locationId);
  const slots = weekdays(3, 5).flatMap((day) =>
    clinic.resourceIds.flatMap((resourceId) =>
      Array.from({ length: 32 }, (_, k) => {
        const m = 9 * 60 + k * 15;
        return {
          resourceId,
          start: `${day} ${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}:00`,
        };
      }),
    ),
  );
  return { practiceId, typeId: clinic.typeId, slots, nextSlot: 0 };
}

async function book(w: ChaosWorld, he: HealthenginePractice): Promise<number> {
  const slot = he.slots[(he.nextSlot++ * 37) % he.slots.length]!;
  const i = he.nextSlot;
  const r = await w.heHarness('POST', `/_emulator/practices/${he.practiceId}/bookings`, {
    pmsResourceId: slot.resourceId,
    pmsAppointmentTypeId: he.typeId,
    start: slot.start,
    patient: {
      firstname: `Chaos${'abcdefghij'[i % 10]}`,
      lastname: 'Booker',
      dob: '1980-01-01',
      phone: '0412 000 000',
      email: `c${i}@example.com`,
    },
  });
  return r.bookingId as number;
}

interface BookingRow {
  bookingId: number;
  insert: string;
  bookedAt: string;
  confirmedAt?: string;
}

/** Waits until every booking is answered; returns the rows. */
async function answered(w: ChaosWorld, he: HealthenginePractice, ids: number[]): Promise<BookingRow[]> {
  let rows: BookingRow[] = [];
  await until(
    async () => {
      rows = ((await w.heHarness('GET', `/_emulator/practices/${he.practiceId}/bookings`)) as BookingRow[]).filter(
        (b) => ids.includes(b.bookingId),
      );
      return rows.length === ids.length && rows.every((b) => b.insert !== 'pending');
    },
    'every booking answered',
    300_000,
  );
  return rows;
}

/** Healthengine answers 503 to most calls and stalls some past the client's timeout while patients book. */
export async function healthengineStorm(
  w: ChaosWorld,
  he: HealthenginePractice,
  size: { bookings: number; stormMs: number },
): Promise<ScenarioResult> {
  await w.heHarness('POST', '/_emulator/faults', { latencyMs: 16_000, rate: 0.05 });
  await w.heHarness('POST', '/_emulator/faults', { status: 503, rate: 0.6 });
  const stormStart = Date.now();
  const ids: number[] = [];
  for (let i = 0; i < size.bookings; i++) {
    ids.push(await book(w, he));
    await sleep(size.stormMs / size.bookings);
  }
  await sleep(Math.max(0, size.stormMs - (Date.now() - stormStart)));
  await w.heHarness('DELETE', '/_emulator/faults');
  const stormEnd = Date.now();
  const rows = await answered(w, he, ids);
  const lastAnswer = Math.max(...rows.map((b) => Date.parse(b.confirmedAt ?? b.bookedAt)));
  const answerMs = rows.map((b) => (b.confirmedAt ? Date.parse(b.confirmedAt) - Date.parse(b.bookedAt) : Infinity));
  const confirms = await confirmationsPerBooking(w, he.practiceId);
  const confirmed = rows.filter((b) => b.insert === 'confirmed').length;
  return {
    scenario: 'healthengine-storm-during-bookings',
    sent: ids.length,
    applied: confirmed,
    duplicatesSuppressed: 0,
    lost: ids.length - confirmed,
    duplicateEffects: ids.reduce((n, id) => n + Math.max(0, (confirms.get(id) ?? 0) - 1), 0),
    recoverySeconds: seconds(Math.max(0, lastAnswer - stormEnd)),
    stormSeconds: seconds(stormEnd - stormStart),
    slowestAnswerSeconds: seconds(Math.max(...answerMs)),
    answeredAfter20s: answerMs.filter((ms) => ms > 20_000).length,
  };
}

/** The worker owning the Healthengine poller killed: another owns it, bookings keep being answered. */
export async function pollerFailover(w: ChaosWorld, he: HealthenginePractice): Promise<ScenarioResult> {
  let owner = -1;
  await until(async () => (owner = await pollerOwner(w, METRICS_TOKEN)) >= 0, 'a poller owner', 60_000);
  const victim = w.workers[owner]!;
  await w.kill(victim);
  const killedAt = Date.now();
  const ids = [await book(w, he)];
  let next = -1;
  const ownedAt = await until(
    async () => (next = await pollerOwner(w, METRICS_TOKEN)) >= 0,
    'a new poller owner',
    60_000,
  );
  ids.push(await book(w, he));
  const rows = await answered(w, he, ids);
  const health = await w.heHarness('GET', `/_emulator/practices/${he.practiceId}/health`);
  const confirms = await confirmationsPerBooking(w, he.practiceId);
  await w.restart(victim);
  const confirmed = rows.filter((b) => b.insert === 'confirmed').length;
  return {
    scenario: 'poller-owner-killed',
    sent: ids.length,
    applied: confirmed,
    duplicatesSuppressed: 0,
    lost: ids.length - confirmed,
    duplicateEffects: ids.reduce((n, id) => n + Math.max(0, (confirms.get(id) ?? 0) - 1), 0),
    recoverySeconds: seconds(ownedAt - killedAt),
    newOwnerIsAnotherWorker: next >= 0 && next !== owner,
    practiceHealthy: health.healthy === true,
  };
}
