// Bounded concurrency for the initial sync: at most `limit` records in flight, so the next
// requests to Hint are always queued at the rate limiter, and never two records that share
// a lane key at once (same dob, email or phone: possibly the same person). Those are decided
// one after the other, in the order given, exactly as a sequential sync would decide them —
// the second of two duplicates sees the first's link or creation instead of racing it.
export class LanePool {
  private running = 0;
  private readonly busy = new Set<string>();
  private readonly waiting: { keys: string[]; start: () => void; cancel: (reason: Error) => void }[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`LanePool limit must be a positive integer, got ${limit}`);
  }

  /** Runs `work` once a slot is free and none of its keys is held by a running task. */
  run<T>(keys: string[], work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running += 1;
        for (const k of keys) this.busy.add(k);
        Promise.resolve()
          .then(work)
          .then(resolve, reject)
          .finally(() => {
            this.running -= 1;
            for (const k of keys) this.busy.delete(k);
            this.pump();
          });
      };
      this.waiting.push({ keys, start, cancel: reject });
      this.pump();
    });
  }

  /** Drops the tasks not started yet (their promises reject): a failed attempt stops soon. */
  cancelWaiting(reason: Error): void {
    const dropped = this.waiting.splice(0);
    for (const task of dropped) task.cancel(reason);
    this.pump();
  }

  /** Resolves when nothing runs or waits (a failed attempt settles its tasks before it ends). */
  idle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    // Keys of tasks still waiting block later tasks too: per key, tasks start in order.
    const blocked = new Set(this.busy);
    for (let i = 0; i < this.waiting.length && this.running < this.limit;) {
      const task = this.waiting[i]!;
      if (task.keys.some((k) => blocked.has(k))) {
        for (const k of task.keys) blocked.add(k);
        i += 1;
        continue;
      }
      this.waiting.splice(i, 1);
      for (const k of task.keys) blocked.add(k);
      task.start();
    }
    if (this.running === 0 && this.waiting.length === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
