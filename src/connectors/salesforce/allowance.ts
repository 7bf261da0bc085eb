// The org's daily API allowance as the connection's work sees it. When Salesforce refuses a call
// for the daily limit (REQUEST_LIMIT_EXCEEDED), or any answer shows the org's usage at Tandem's
// reserve of it (API_ALLOWANCE_RESERVED: at once, not on the next call of the same client, since
// a job of one call would never make a next one), the connection is paused until a time, in its
// health: every job of the connection that starts before then is postponed to it without calling Salesforce (each
// new job's client has no reading of the org's usage yet, so without the pause each would spend
// one call of the reserve to learn it), the overview says so, and the log says it once. The
// first job after the pause is the probe: it reads the usage again and either carries on or
// pauses once more. An admin who raised the org's limits resumes at once ("Try now").
import { getConnection, updateConnection, type Connection } from '../../db/connections.ts';
import { writeLog } from '../../db/logs.ts';
import { runWaitingJobsNow } from '../../jobs/queue.ts';
import { RESERVE_WAIT_MS, reserveDetail, STOP_AT } from './client.ts';
import type { Db } from '../../db/pool.ts';

export interface ApiAllowancePause {
  code: string;
  detail: string | null;
  /** When the postponed work runs again (ISO). */
  until: string;
}

/**
 * The client's reading of each answer's usage: at Tandem's reserve, the connection pauses.
 * Never throws: the answer it reads is Salesforce's success (a write done), and failing it would
 * have the write retried; a pause not recorded is recorded by the next answer, or the next call
 * of the same client stops anyway.
 */
export function pauseAtReserve(deps: { db: Db }, connection: Pick<Connection, 'practiceId' | 'id'>) {
  return async (used: number, max: number): Promise<void> => {
    if (max <= 0 || used / max < STOP_AT) return;
    const until = new Date(Date.now() + RESERVE_WAIT_MS).toISOString();
    await pauseAtAllowance(deps, connection, {
      code: 'API_ALLOWANCE_RESERVED',
      detail: reserveDetail(used, max),
      until,
    }).catch(() => undefined);
  };
}

/** The pause in force, if any (a pause whose time has passed is over). */
export function activePause(health: Record<string, unknown> | undefined): ApiAllowancePause | null {
  const pause = (health as { apiAllowance?: ApiAllowancePause | null } | undefined)?.apiAllowance;
  return pause && Date.parse(pause.until) > Date.now() ? pause : null;
}

/**
 * Pauses the connection (its health, shown on the overview and the connection page until
 * `until`) and says so in its log once per pause — not once per postponed job. The log line
 * stays in Tandem: mirroring it into the org would spend the calls it is out of.
 */
export async function pauseAtAllowance(
  deps: { db: Db },
  connection: Pick<Connection, 'practiceId' | 'id'>,
  pause: ApiAllowancePause,
): Promise<void> {
  const { practiceId, id } = connection;
  const stored = await getConnection(deps.db, practiceId, id);
  const previous = activePause(stored?.health);
  // A later pause never shortens the one in force.
  if (previous && Date.parse(previous.until) >= Date.parse(pause.until)) return;
  await updateConnection(deps.db, practiceId, id, { health: { apiAllowance: pause } });
  if (previous) return;
  await writeLog(deps.db, practiceId, {
    level: 'error',
    message: `Paused at the org's daily API allowance (${pause.code}): Tandem's Salesforce work resumes by ${pause.until}`,
    connectionId: id,
  });
}

/** Ends the pause now and runs the connection's postponed work: the connection as it now is, and how many jobs. */
export async function resumeNow(
  deps: { db: Db },
  connection: Pick<Connection, 'practiceId' | 'id'>,
  actor: string,
): Promise<{ connection: Connection | undefined; jobs: number }> {
  const { practiceId, id } = connection;
  const resumed = await updateConnection(deps.db, practiceId, id, { health: { apiAllowance: null } });
  await writeLog(deps.db, practiceId, {
    level: 'debug',
    message: "Resumed by an admin before the pause at the org's daily API allowance ended",
    connectionId: id,
    context: { actor },
  });
  return { connection: resumed, jobs: await runWaitingJobsNow(deps.db, 'salesforce:', id) };
}
