// The chaos scenarios (issue 18): each breaks something while Tandem works and reports one
// line: events sent, applied, duplicates suppressed, lost (must be 0), duplicate effects (must
// be 0) and the seconds it took to recover. Sizes come from the caller (full bench or small test).
import pg from 'pg';
import {
  connectHintPractice,
  createHintPractice,
  deliver,
  deliveryPlan,
  makeHintHistory,
  newStats,
  type DeliveryStats,
} from './chaos-hint.ts';
import { until, untilHintSettled, verifyHint, type HintVerdict } from './chaos-check.ts';
import type { ChaosWorld, TandemProc } from './chaos-world.ts';

export interface ScenarioResult {
  scenario: string;
  sent: number;
  applied: number;
  duplicatesSuppressed: number;
  lost: number;
  duplicateEffects: number;
  recoverySeconds: number;
  [detail: string]: unknown;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => Math.round(ms / 100) / 10;

export interface BurstSize {
  patients: number;
  edits: number;
  concurrency: number;
  /** Pace the deliveries over about this long (a burst the outage falls in the middle of). */
  spreadOverMs?: number;
  /** How long the events may take to settle after the last delivery. */
  settleMs: number;
}

function resultOf(scenario: string, stats: DeliveryStats, verdict: HintVerdict, recoveryMs: number): ScenarioResult {
  return {
    scenario,
    sent: stats.sent,
    applied: verdict.applied,
    duplicatesSuppressed: stats.duplicates,
    lost: verdict.lost,
    duplicateEffects: verdict.duplicateEffects,
    recoverySeconds: seconds(recoveryMs),
    unavailable503: stats.unavailable,
    unexpectedAnswers: stats.unexpected,
    acknowledgedNotStored: verdict.acknowledgedNotStored,
    mismatched: verdict.mismatched,
    sharedRecords: verdict.sharedRecords,
    echoWrites: verdict.echoWrites,
    echoSamples: verdict.echoSamples,
  };
}

const crashes = (w: ChaosWorld) => [...w.apis, ...w.workers].reduce((n, p) => n + p.crashes, 0);

/**
 * Kills a random worker every `everyMs` (SIGKILL) and starts it again, until stopped (0: never; no
 * workers: never). The first kill comes after a third of the interval: a small burst is delivered in
 * a second or two and must still see its workers die.
 */
function workerKiller(w: ChaosWorld, everyMs: number) {
  let running = everyMs > 0 && w.workers.length > 0;
  let kills = 0;
  const loop = (async () => {
    while (running) {
      await sleep(kills === 0 ? Math.ceil(everyMs / 3) : everyMs);
      if (!running) break;
      const victim: TandemProc = w.workers[Math.floor(Math.random() * w.workers.length)]!;
      await w.kill(victim);
      kills += 1;
      await w.restart(victim);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return kills;
    },
  };
}

/** A burst of Hint events, duplicated and out of order, while workers are killed and restarted. */
/** `killEveryMs` 0: the same burst with nothing killed (bench/scale-out.ts measures its pace). */
export async function killBurst(w: ChaosWorld, size: BurstSize & { killEveryMs: number }): Promise<ScenarioResult> {
  const tag = 'kill';
  const practice = await createHintPractice(w, 'Chaos kill burst');
  const { events, expected } = await makeHintHistory(w, practice, size.patients, size.edits, tag);
  await connectHintPractice(w, practice);
  const plan = deliveryPlan(events, 0.1, 200);
  const startedAt = Date.now();
  const killer = workerKiller(w, size.killEveryMs);
  // Workers die while the events are delivered and while they are processed: the killer stops only
  // once every event has been applied (or the wait gave up).
  const stats = await deliver(w, plan, { concurrency: size.concurrency, deadlineMs: 600_000 }).catch(async (e) => {
    await killer.stop();
    throw e;
  });
  const settledAt = await untilHintSettled(w, practice, tag, events.length, size.settleMs).finally(() => killer.stop());
  const kills = await killer.stop();
  const verdict = await verifyHint(
    w,
    practice,
    tag,
    events.map((e) => e.id),
    expected,
    stats,
  );
  return {
    ...resultOf('worker-kills-mid-burst', stats, verdict, settledAt - stats.lastAckAt),
    events: events.length,
    settledSeconds: seconds(settledAt - startedAt),
    kills,
    crashes: crashes(w),
  };
}

/** Terminates every session of the test database in a loop for `outageMs`, mid-burst. */
async function cutDatabase(dbUrl: string, outageMs: number): Promise<number> {
  const name = new URL(dbUrl).pathname.slice(1);
  const admin = new pg.Client({ connectionString: dbUrl.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  let terminated = 0;
  const end = Date.now() + outageMs;
  try {
    while (Date.now() < end) {
      const { rows } = await admin.query(
        'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      );
      terminated += rows[0].n;
      await sleep(50);
    }
  } finally {
    await admin.end();
  }
  return terminated;
}

/** PostgreSQL sessions cut for `outageMs` once a quarter of a burst is in: 503s, then everything applied. */
export async function databaseOutage(w: ChaosWorld, size: BurstSize & { outageMs: number }): Promise<ScenarioResult> {
  const tag = 'pgcut';
  const practice = await createHintPractice(w, 'Chaos database outage');
  const { events, expected } = await makeHintHistory(w, practice, size.patients, size.edits, tag);
  await connectHintPractice(w, practice);
  const plan = deliveryPlan(events, 0.1, 200);
  const crashesBefore = crashes(w);
  const stats = newStats();
  const delivering = deliver(
    w,
    plan,
    { concurrency: size.concurrency, deadlineMs: 600_000, spreadOverMs: size.spreadOverMs },
    stats,
  );
  await until(async () => stats.sent >= plan.length / 4, 'a quarter of the burst sent', 600_000);
  const terminated = await cutDatabase(w.dbUrl, size.outageMs);
  const outageEnd = Date.now();
  await delivering;
  const settledAt = await untilHintSettled(w, practice, tag, events.length, size.settleMs);
  const verdict = await verifyHint(
    w,
    practice,
    tag,
    events.map((e) => e.id),
    expected,
    stats,
  );
  return {
    ...resultOf('database-cut-mid-burst', stats, verdict, settledAt - outageEnd),
    outageSeconds: seconds(size.outageMs),
    sessionsTerminated: terminated,
    crashes: crashes(w) - crashesBefore,
  };
}
