// Wakes the dispatcher soon after a change commits: every write NOTIFYs tandem_outbox, and a
// burst of notifications becomes one dispatch job (deduplicated by job key). A cron line
// sweeps every minute too, in case a notification was missed while disconnected.
import pg from 'pg';
import type { Db } from '../db/pool.ts';
import { enqueue } from './queue.ts';

export interface OutboxListener { stop(): Promise<void> }

export async function listenToOutbox(db: Db, connectionString: string, debounceMs = 10): Promise<OutboxListener> {
  const client = new pg.Client({ connectionString });
  client.on('error', () => {});
  await client.connect();
  let timer: NodeJS.Timeout | undefined;
  const wake = () => enqueue(db, 'dispatch-events', {}, { jobKey: 'dispatch-events', jobKeyMode: 'preserve_run_at', maxAttempts: 5 }).catch(() => {});
  client.on('notification', () => {
    if (timer) return;
    timer = setTimeout(() => { timer = undefined; void wake(); }, debounceMs);
  });
  await client.query('LISTEN tandem_outbox');
  await wake();
  return {
    async stop() {
      if (timer) clearTimeout(timer);
      await client.end().catch(() => {});
    },
  };
}
