// Change capture per active connection, in this process: CDC when the org streams Contact
// changes, polling (Get Updated / Get Deleted) when it does not. Started for every active
// connection after listen and on activation, stopped on deactivation and shutdown. A refused
// session renews the token and resubscribes; a replay id past retention resubscribes for new
// events and polls the gap since the last processed event (overlap is harmless: apply jobs
// compare with the link's snapshot).
import { enqueue } from '../../jobs/queue.ts';
import { loadConnection, renewAndStore, type SalesforceDeps } from './connection.ts';
import { isReplayTooOld, startCdc } from './inbound-cdc.ts';
import { jobKeys, queues } from './queues.ts';
import { getSyncState, saveSyncState } from './store.ts';

interface Runner {
  stop(): void;
}

const RESTART_MS = [1000, 5000, 15_000, 60_000];

export class CaptureManager {
  private readonly runners = new Map<string, Runner>();
  private readonly failures = new Map<string, number>();
  private stopped = false;

  constructor(private readonly deps: SalesforceDeps) {}

  /** How a connection captures now, if it does. */
  mode(connectionId: string): 'cdc' | 'polling' | null {
    const r = this.runners.get(connectionId) as (Runner & { mode?: 'cdc' | 'polling' }) | undefined;
    return r?.mode ?? null;
  }

  async start(practiceId: string, connectionId: string): Promise<'cdc' | 'polling' | null> {
    this.stop(connectionId);
    if (this.stopped) return null;
    const loaded = await loadConnection(this.deps, practiceId, connectionId);
    const state = await getSyncState(this.deps.db, connectionId);
    if (state.capture === 'polling')
      return this.startPolling(practiceId, connectionId, loaded.settings.pollEverySeconds);
    try {
      const handle = await startCdc(
        this.deps,
        loaded,
        (reason, error) => void this.failed(practiceId, connectionId, reason, error),
      );
      this.runners.set(connectionId, Object.assign(handle, { mode: 'cdc' as const }));
      this.failures.delete(connectionId);
      return 'cdc';
    } catch (error) {
      if (isReplayTooOld(error) && state.replayId !== null) {
        this.deps.logger.warn({ connectionId }, 'salesforce: stored replay id is past retention; polling the gap');
        await saveSyncState(this.deps.db, practiceId, connectionId, { replayId: null });
        await this.enqueuePoll(practiceId, connectionId);
        return this.start(practiceId, connectionId);
      }
      // No CDC for Contact in this org (or the channel refused): poll instead.
      this.deps.logger.info({ connectionId, err: error }, 'salesforce: CDC unavailable for Contact; polling');
      await saveSyncState(this.deps.db, practiceId, connectionId, { capture: 'polling' });
      return this.startPolling(practiceId, connectionId, loaded.settings.pollEverySeconds);
    }
  }

  private async failed(practiceId: string, connectionId: string, reason: string, error: unknown): Promise<void> {
    this.runners.delete(connectionId);
    if (this.stopped) return;
    const n = (this.failures.get(connectionId) ?? 0) + 1;
    this.failures.set(connectionId, n);
    this.deps.logger.warn({ connectionId, reason, err: error }, 'salesforce: change capture stopped; restarting');
    const wait = RESTART_MS[Math.min(n - 1, RESTART_MS.length - 1)]!;
    const timer = setTimeout(() => {
      void (async () => {
        if (this.stopped) return;
        if (reason === 'auth') {
          const loaded = await loadConnection(this.deps, practiceId, connectionId);
          await renewAndStore(this.deps, loaded);
        }
        await this.start(practiceId, connectionId);
      })().catch((e: unknown) => this.deps.logger.warn({ connectionId, err: e }, 'salesforce: capture restart failed'));
    }, wait);
    timer.unref();
    this.runners.set(connectionId, { stop: () => clearTimeout(timer) });
  }

  private async startPolling(practiceId: string, connectionId: string, everySeconds: number): Promise<'polling'> {
    await this.enqueuePoll(practiceId, connectionId);
    const timer = setInterval(() => {
      this.enqueuePoll(practiceId, connectionId).catch((e: unknown) =>
        this.deps.logger.warn({ connectionId, err: e }, 'salesforce: could not schedule a poll'),
      );
    }, everySeconds * 1000);
    timer.unref();
    this.runners.set(connectionId, { stop: () => clearInterval(timer), mode: 'polling' } as Runner);
    return 'polling';
  }

  enqueuePoll(practiceId: string, connectionId: string): Promise<void> {
    return enqueue(
      this.deps.db,
      'salesforce:poll',
      { practiceId, connectionId },
      { queue: queues.poll(connectionId), jobKey: jobKeys.poll(connectionId), maxAttempts: 3 },
    );
  }

  stop(connectionId: string): void {
    this.runners.get(connectionId)?.stop();
    this.runners.delete(connectionId);
  }

  stopAll(): void {
    this.stopped = true;
    for (const id of [...this.runners.keys()]) this.stop(id);
  }
}
