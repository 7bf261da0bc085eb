// Wakes the dispatcher soon after a change: every outbox write calls outboxWritten(), and a
// burst of them becomes one dispatch job (deduplicated by job key) a few milliseconds later.
// The wake-up runs after the writer's transaction has had time to commit; a dispatch that runs
// too early simply finds nothing, and the cron sweep (every minute) catches anything missed,
// including changes written by other processes such as the CLI.
import { setOutboxListener } from '../db/events.ts';
import type { Logger } from '../logger.ts';
import type { Db } from '../db/pool.ts';
import { enqueue } from './queue.ts';

export interface OutboxWaker {
  stop(): void;
}

/** Dispatches run one at a time (a serial queue): two at once would race to enqueue the same keyed jobs. */
export const DISPATCH_QUEUE = 'tandem-dispatch';

export function wakeDispatcherOnWrites(db: Db, logger?: Pick<Logger, 'warn'>, debounceMs = 20): OutboxWaker {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const wake = () =>
    enqueue(
      db,
      'dispatch-events',
      {},
      { jobKey: 'dispatch-events', jobKeyMode: 'preserve_run_at', maxAttempts: 5, queue: DISPATCH_QUEUE },
      // Swallowed on purpose (logged, database errors by code only): the event is already in the
      // outbox, and the dispatch-events cron runs every minute whatever happens here.
    ).catch((err: unknown) => logger?.warn({ err }, 'event dispatcher not woken; the minute cron will'));
  setOutboxListener(() => {
    if (timer || stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      void wake();
    }, debounceMs);
  });
  void wake();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      setOutboxListener(() => {});
    },
  };
}
