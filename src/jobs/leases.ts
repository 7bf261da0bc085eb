// Exactly one owner for each long-lived loop (a poller, a stream subscriber), whatever the number
// of worker processes on one database. Ownership is a PostgreSQL session-level advisory lock held
// on a connection of its own: it lasts as long as that session, so a process killed with SIGKILL
// loses it the moment its socket closes, and another worker, trying every couple of seconds, takes
// the loop over. An owner checks its session every retryMs (an answer slower than that counts as
// lost) and stops its loop when the check fails; a new owner waits three such periods after
// taking the lock before it starts, so a previous owner whose session died has stopped by then:
// never two owners at once.
import type pg from 'pg';
import type { Db } from '../db/pool.ts';
import type { Logger } from '../logger.ts';

export interface RunningLoop {
  stop(): void | Promise<void>;
}

export interface OwnedLoop {
  /** Whether this process runs the loop right now. */
  owns(): boolean;
  /** Stops the loop (if owned) and hands the lock back at once, so another worker need not wait. */
  stop(): Promise<void>;
}

export interface LoopOptions {
  /** How often a process that does not own the loop tries to take it, and an owner checks its session. */
  retryMs?: number;
  /**
   * How long a new owner waits before starting (default three retry periods: a previous owner cut
   * off from the database has stopped by then). 0 only for loops whose two owners at once do no
   * harm, only double work (the Salesforce change capture: its apply jobs are idempotent).
   */
  graceMs?: number;
  logger?: Logger;
}

/** Every loop this process holds, for /metrics (tandem_loop_owned). */
const owned = new Map<string, OwnedLoop>();
export function loopOwnership(): { loop: string; owned: boolean }[] {
  return [...owned].map(([loop, l]) => ({ loop, owned: l.owns() }));
}

/** The promise's value, or a rejection when it takes longer than ms. */
function withinMs<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('no answer in time'), { code: 'TIMEOUT' })), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

export function ownLoop(db: Db, name: string, start: () => RunningLoop, options: LoopOptions = {}): OwnedLoop {
  const retryMs = options.retryMs ?? 2_000;
  const graceMs = options.graceMs ?? 3 * retryMs;
  let client: pg.PoolClient | undefined;
  let lockedAt: number | undefined;
  let loop: RunningLoop | undefined;
  let stopped = false;
  let busy = false;

  const lose = async (reason: string) => {
    const was = loop;
    loop = undefined;
    lockedAt = undefined;
    await was?.stop();
    // The session may be gone already; destroying the client ends it either way (lock released).
    client?.release(true);
    client = undefined;
    if (was) options.logger?.warn({ loop: name, reason }, 'loop ownership lost');
  };

  /** Starts the loop once the lock has been held for the grace period. */
  const beginWhenDue = () => {
    if (loop || stopped || lockedAt === undefined || Date.now() - lockedAt < graceMs) return;
    loop = start();
    options.logger?.info({ loop: name }, 'loop owned by this process');
  };

  const attempt = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      if (client && lockedAt !== undefined) {
        await withinMs(client.query('SELECT 1'), retryMs); // still our session, so still our lock
        beginWhenDue();
        return;
      }
      client ??= await db.connect();
      const { rows } = await withinMs(
        client.query<{ got: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS got', [
          `tandem-loop:${name}`,
        ]),
        retryMs,
      );
      if (rows[0]?.got) {
        lockedAt = Date.now();
        beginWhenDue();
      }
    } catch (error) {
      await lose(`database session failed (${(error as { code?: string }).code ?? 'no code'})`);
    } finally {
      busy = false;
    }
  };

  const timer = setInterval(() => void attempt(), retryMs);
  timer.unref();
  void attempt();

  const handle: OwnedLoop = {
    owns: () => loop !== undefined,
    async stop() {
      stopped = true;
      clearInterval(timer);
      owned.delete(name);
      while (busy) await new Promise((r) => setTimeout(r, 10));
      const was = loop;
      loop = undefined;
      await was?.stop();
      if (client) {
        await client.query('SELECT pg_advisory_unlock_all()').catch(() => {});
        client.release(true);
        client = undefined;
      }
    },
  };
  owned.set(name, handle);
  return handle;
}
