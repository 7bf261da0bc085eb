// Due-time queue for webhook retries on the emulator clock. The shared clock scans all of
// its timers on every tick, so thousands of retrying deliveries (a receiver that is down)
// would cost CPU continuously; this keeps them sorted here and holds one clock timer, for
// the earliest.
import type { EmulatorClock, TimerHandle } from '../shared/clock.ts';

interface Entry<T> {
  at: number;
  seq: number;
  item: T;
}

export class RetryQueue<T> {
  private entries: Entry<T>[] = [];
  private timer: TimerHandle | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private seq = 0;

  constructor(
    private readonly clock: EmulatorClock,
    private readonly onDue: (item: T) => void,
  ) {}

  schedule(item: T, delayMs: number): void {
    const entry = { at: this.clock.now() + Math.max(0, delayMs), seq: this.seq++, item };
    // Binary search for the insertion point: delays are mostly equal, so this is usually the end.
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const other = this.entries[mid];
      if (other && (other.at < entry.at || (other.at === entry.at && other.seq < entry.seq))) low = mid + 1;
      else high = mid;
    }
    this.entries.splice(low, 0, entry);
    this.arm();
  }

  remove(predicate: (item: T) => boolean): void {
    this.entries = this.entries.filter((e) => !predicate(e.item));
  }

  get size(): number {
    return this.entries.length;
  }

  clear(): void {
    this.entries = [];
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  private arm(): void {
    const first = this.entries[0];
    if (!first || first.at >= this.timerAt) return;
    this.clock.clearTimeout(this.timer);
    this.timerAt = first.at;
    this.timer = this.clock.setTimeout(() => this.fire(), first.at - this.clock.now());
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    let due = 0;
    while (due < this.entries.length && (this.entries[due]?.at ?? Infinity) <= now) due += 1;
    const ready = this.entries.splice(0, due);
    for (const entry of ready) this.onDue(entry.item);
    this.arm();
  }
}
