// Change capture per active connection: CDC when the org streams Contact changes, polling (Get
// Updated / Get Deleted) when it does not. One worker process captures for every connection at
// a time (the `salesforce:capture` loop, src/jobs/leases.ts): while it owns the loop it starts
// capture for every active connection and, every few seconds, for connections activated since
// (by any process) and stops it for those deactivated. A refused session renews the token and
// resubscribes; a replay id past retention resubscribes for new events and polls the gap since
// the last processed event; a connection's first subscription also polls the last hour, so an
// edit made between activation and the subscription is not missed (overlap is harmless: apply
// jobs compare with the link's snapshot, and contacts with no link cost one lookup).
import { listActiveConnections } from '../../db/connections.ts';
import type { RunningLoop } from '../../jobs/leases.ts';
import { enqueue } from '../../jobs/queue.ts';
import { loadConnection, renewAndStore, type SalesforceDeps } from './connection.ts';
import { isChannelMissing, isReplayTooOld, isSessionRefused, startCdc } from './inbound-cdc.ts';
import { jobKeys, queues } from './queues.ts';
import { getSyncState, saveSyncState } from './store.ts';

interface Runner {
  stop(): void;
}

const RESTART_MS = [1000, 5000, 15_000, 60_000];
/** How often the owner looks for connections activated or deactivated by other processes. */
const SYNC_MS = 3_000;

export class CaptureManager {
  private readonly runners = new Map<string, Runner>();
  private readonly failures = new Map<string, number>();
  private readonly pending = new Map<string, Promise<unknown>>();
  private stopped = false;
  /** Whether this process owns the capture loop now; only then does it capture. */
  private owning = false;

  constructor(private readonly deps: SalesforceDeps) {}

  /** The `salesforce:capture` loop: capture for every active connection while this process owns it. */
  own(): RunningLoop {
    this.owning = true;
    const sync = () =>
      this.sync().catch((e: unknown) => this.deps.logger.warn({ err: e }, 'salesforce: capture sync failed'));
    void sync();
    const timer = setInterval(sync, SYNC_MS);
    timer.unref();
    return {
      stop: () => {
        clearInterval(timer);
        this.owning = false;
        for (const id of [...this.runners.keys()]) this.stop(id);
      },
    };
  }

  /** Starts capture for active connections without it; stops it for connections no longer active. */
  private async sync(): Promise<void> {
    const active = await listActiveConnections(this.deps.db, 'salesforce');
    const ids = new Set(active.map((c) => c.id));
    for (const id of [...this.runners.keys()]) if (!ids.has(id)) this.stop(id);
    for (const c of active) {
      if (!this.owning || this.runners.has(c.id) || this.pending.has(c.id)) continue;
      await this.start(c.practiceId, c.id).catch((e: unknown) =>
        this.deps.logger.warn({ connectionId: c.id, err: e }, 'salesforce: change capture did not start'),
      );
    }
  }

  /** How a connection captures now, if it does. */
  mode(connectionId: string): 'cdc' | 'polling' | null {
    const r = this.runners.get(connectionId) as (Runner & { mode?: 'cdc' | 'polling' }) | undefined;
    return r?.mode ?? null;
  }

  /**
   * (Re)starts capture for a connection when this process owns the capture loop; otherwise the
   * owner's next sync starts it (null).
   */
  start(practiceId: string, connectionId: string): Promise<'cdc' | 'polling' | null> {
    // One start at a time per connection (activation and the owner's sync may race): two would
    // leave a subscription running that nothing stops.
    const next = (this.pending.get(connectionId) ?? Promise.resolve())
      .catch(() => {})
      .then(() => this.startNow(practiceId, connectionId));
    this.pending.set(connectionId, next);
    void next
      .finally(() => {
        if (this.pending.get(connectionId) === next) this.pending.delete(connectionId);
      })
      .catch(() => {});
    return next;
  }

  private async startNow(practiceId: string, connectionId: string): Promise<'cdc' | 'polling' | null> {
    this.stop(connectionId);
    if (this.stopped || !this.owning) return null;
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
      // A first subscription receives only what happens from now on: poll what came before it.
      if (state.replayId === null) await this.enqueuePoll(practiceId, connectionId);
      return 'cdc';
    } catch (error) {
      if (isReplayTooOld(error) && state.replayId !== null) {
        this.deps.logger.warn({ connectionId }, 'salesforce: stored replay id is past retention; polling the gap');
        await saveSyncState(this.deps.db, practiceId, connectionId, { replayId: null });
        await this.enqueuePoll(practiceId, connectionId);
        return this.startNow(practiceId, connectionId);
      }
      // Only the org saying it has no such channel means no CDC: anything else (an unknown client
      // after a slow handshake on a loaded machine, an expired session) is tried again with
      // backoff, never a switch to polling for good.
      if (!isChannelMissing(error)) {
        await this.failed(practiceId, connectionId, isSessionRefused(error) ? 'auth' : 'error', error);
        return null;
      }
      // No CDC for Contact in this org: poll instead.
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
