// What the chaos suite checks after each scenario, read from the database and the emulators
// (never from Tandem's own answers): every event stored and applied once, the final state equal
// to the ordered replay, no duplicate record, no echo write, every booking answered once.
import type { ChaosWorld } from './chaos-world.ts';
import type { DeliveryStats, ExpectedPatient, HintPractice } from './chaos-hint.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until probe() is true; returns when it became true (ms since epoch), or throws with what. */
export async function until(probe: () => Promise<boolean>, what: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return Date.now();
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

async function count(w: ChaosWorld, sql: string, params: unknown[]): Promise<number> {
  return (await w.db.query(sql, params)).rows[0].n as number;
}

/** Every event of the tag settled in the inbox and no Hint job left for the connection's events. */
export async function hintSettled(w: ChaosWorld, practice: HintPractice, tag: string, total: number) {
  const done = await count(
    w,
    `SELECT count(*)::int AS n FROM inbox WHERE connection_id = $1 AND source_event_id LIKE $2 AND status <> 'pending'`,
    [practice.connectionId, `evt-chaos-${tag}-%`],
  );
  if (done < total) return false;
  const jobs = await count(
    w,
    `SELECT count(*)::int AS n FROM graphile_worker.jobs
     WHERE task_identifier IN ('hint:process-event', 'hint:drain-inbox') AND attempts < max_attempts`,
    [],
  );
  return jobs === 0;
}

/** Where a burst that does not settle is stuck: inbox rows by status, Hint jobs by task and state. */
export async function hintBacklog(w: ChaosWorld, practice: HintPractice, tag: string): Promise<unknown> {
  const inbox = await w.db.query(
    `SELECT status, (queued_at IS NOT NULL) AS queued, count(*)::int AS n FROM inbox
     WHERE connection_id = $1 AND source_event_id LIKE $2 GROUP BY 1, 2`,
    [practice.connectionId, `evt-chaos-${tag}-%`],
  );
  const jobs = await w.db.query(
    `SELECT task_identifier, attempts >= max_attempts AS dead, locked_at IS NOT NULL AS locked, count(*)::int AS n,
            max(last_error) AS error
     FROM graphile_worker.jobs WHERE task_identifier LIKE 'hint:%' GROUP BY 1, 2, 3`,
  );
  return { inbox: inbox.rows, jobs: jobs.rows };
}

/** Waits for hintSettled; on timeout the error says where the burst is stuck. */
export async function untilHintSettled(
  w: ChaosWorld,
  practice: HintPractice,
  tag: string,
  total: number,
  timeoutMs: number,
): Promise<number> {
  try {
    return await until(() => hintSettled(w, practice, tag, total), `the ${tag} events to settle`, timeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}: ${JSON.stringify(await hintBacklog(w, practice, tag))}`);
  }
}

export interface HintVerdict {
  applied: number;
  lost: number;
  duplicateEffects: number;
  /** Events answered 200 that are not in the inbox: must never happen. */
  acknowledgedNotStored: number;
  mismatched: number;
  /** Hint patients sharing one Tandem patient with another. */
  sharedRecords: number;
  echoWrites: number;
  echoSamples?: unknown;
}

export async function verifyHint(
  w: ChaosWorld,
  practice: HintPractice,
  tag: string,
  eventIds: string[],
  expected: Map<string, ExpectedPatient>,
  stats: DeliveryStats,
): Promise<HintVerdict> {
  const { rows: inbox } = await w.db.query<{ source_event_id: string; status: string }>(
    `SELECT source_event_id, status FROM inbox WHERE connection_id = $1 AND source_event_id LIKE $2`,
    [practice.connectionId, `evt-chaos-${tag}-%`],
  );
  const statusOf = new Map(inbox.map((r) => [r.source_event_id, r.status]));
  const acknowledgedNotStored = [...stats.acknowledged.keys()].filter((id) => !statusOf.has(id)).length;
  const notApplied = eventIds.filter((id) => statusOf.get(id) !== 'processed').length;
  const { rows: links } = await w.db.query<{
    remote_id: string;
    n: number;
    last_name: string;
    email: string;
    shared: number;
  }>(
    `SELECT l.remote_id, count(*)::int AS n, max(p.last_name) AS last_name, max(p.email) AS email,
            max((SELECT count(*) FROM links o WHERE o.connection_id = l.connection_id AND o.entity_kind = 'patient'
                 AND o.local_id = l.local_id))::int AS shared
     FROM links l JOIN patients p ON p.id = l.local_id
     WHERE l.connection_id = $1 AND l.entity_kind = 'patient' AND l.remote_id = ANY($2)
     GROUP BY l.remote_id`,
    [practice.connectionId, [...expected.keys()]],
  );
  const linked = new Map(links.map((l) => [l.remote_id, l]));
  let mismatched = 0;
  for (const [remoteId, want] of expected) {
    const got = linked.get(remoteId);
    if (!got || got.last_name !== want.lastName || got.email !== want.email) mismatched += 1;
  }
  const extraLinks = links.reduce((sum, l) => sum + l.n - 1, 0);
  // Two Hint patients linked to one Tandem patient (the matcher took one for the other).
  const sharedRecords = links.filter((l) => l.shared > 1).length;
  const patientsMade = await count(w, `SELECT count(*)::int AS n FROM patients WHERE email LIKE $1`, [
    `${tag}.%@chaos.test`,
  ]);
  const writes = await w.hintHarness('GET', '/_emulator/bench/patient-writes');
  writes.values -= practice.valueWritesBefore;
  // The scenario is over. Its connection is deactivated: every scenario's patients land in the
  // same Tandem practice, and an active Hint connection rightly receives the others' patients.
  await w.api('POST', `/api/v1/hint/connections/${practice.connectionId}/deactivate`, {});
  return {
    applied: eventIds.length - notApplied,
    lost: notApplied + mismatched + acknowledgedNotStored,
    duplicateEffects: extraLinks + Math.max(0, patientsMade - expected.size) + writes.values,
    acknowledgedNotStored,
    mismatched,
    sharedRecords,
    echoWrites: writes.values,
    ...(writes.values ? { echoSamples: writes.samples } : {}),
  };
}

/** Healthengine's own log: how many successful confirmInsert each booking got. */
export async function confirmationsPerBooking(w: ChaosWorld, practiceId: string): Promise<Map<number, number>> {
  const log = (await w.heHarness('GET', `/_emulator/requests-log?practiceId=${practiceId}&method=POST`)) as {
    path: string;
    status?: number;
  }[];
  const counts = new Map<number, number>();
  for (const entry of log) {
    const id = /\/bookings\/(\d+)\/confirmInsert/.exec(entry.path)?.[1];
    if (id && (entry.status ?? 500) < 300) counts.set(Number(id), (counts.get(Number(id)) ?? 0) + 1);
  }
  return counts;
}

/** The Healthengine loop owner among the workers, read from each one's /metrics (-1: none). */
export async function pollerOwner(w: ChaosWorld, metricsToken: string): Promise<number> {
  for (const [i, p] of w.workers.entries()) {
    const text = await fetch(`${p.url}/metrics`, {
      headers: { authorization: `Bearer ${metricsToken}` },
      signal: AbortSignal.timeout(5000),
    })
      .then((r) => r.text())
      .catch(() => '');
    if (/tandem_loop_owned\{loop="healthengine:poller"\} 1/.test(text)) return i;
  }
  return -1;
}
