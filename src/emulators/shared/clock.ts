// A controllable clock for emulators: real time multiplied by a scale, plus manual jumps,
// optionally frozen. Timers are scheduled in emulated time, so a retry "after 1000 s"
// fires after 1 s of real time at scale 1000, or at once when a test advances the clock.
export interface TimerHandle {
  readonly id: number;
}

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

export interface ClockState {
  now: string;
  timeScale: number;
  frozen: boolean;
}

export class EmulatorClock {
  private offsetMs = 0;
  private realStart = Date.now();
  private scale: number;
  private frozenAt: number | undefined;
  private timers: Timer[] = [];
  private nextId = 1;
  private ticker: NodeJS.Timeout | undefined;

  constructor(options: { timeScale?: number; startAt?: number; frozen?: boolean } = {}) {
    this.scale = options.timeScale ?? 1;
    if (options.startAt !== undefined) this.offsetMs = options.startAt - this.realStart;
    // Frozen at exactly startAt: reading now() here could already be a millisecond later.
    if (options.frozen) this.frozenAt = options.startAt ?? this.now();
  }

  now(): number {
    if (this.frozenAt !== undefined) return this.frozenAt;
    const elapsed = (Date.now() - this.realStart) * this.scale;
    return Math.floor(this.realStart + this.offsetMs + elapsed);
  }

  date(): Date {
    return new Date(this.now());
  }

  get timeScale(): number {
    return this.scale;
  }

  state(): ClockState {
    return { now: new Date(this.now()).toISOString(), timeScale: this.scale, frozen: this.frozenAt !== undefined };
  }

  /** Moves emulated time forward and fires every timer that became due, in order. */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError('cannot move the clock backwards');
    if (this.frozenAt !== undefined) this.frozenAt += ms;
    else this.offsetMs += ms;
    this.fireDue();
  }

  /** Sets the time (forward or backward), the scale, or freezes/unfreezes. */
  configure(options: { now?: number; timeScale?: number; frozen?: boolean }): void {
    const current = this.now();
    this.realStart = Date.now();
    this.offsetMs = (options.now ?? current) - this.realStart;
    if (options.timeScale !== undefined) this.scale = options.timeScale;
    if (options.frozen === true) this.frozenAt = options.now ?? current;
    else if (options.frozen === false) this.frozenAt = undefined;
    else if (this.frozenAt !== undefined) this.frozenAt = options.now ?? current;
    this.fireDue();
  }

  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.now() + Math.max(0, delayMs), fn };
    this.timers.push(timer);
    this.ensureTicker();
    return { id: timer.id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    this.timers = this.timers.filter((t) => t.id !== handle.id);
  }

  pendingTimers(): number {
    return this.timers.length;
  }

  /** Stops the background ticker; pending timers are dropped. */
  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    this.timers = [];
  }

  private ensureTicker(): void {
    if (this.ticker) return;
    this.ticker = setInterval(() => this.fireDue(), 10);
    this.ticker.unref();
  }

  private fireDue(): void {
    for (;;) {
      const now = this.now();
      const due = this.timers.filter((t) => t.at <= now).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      try {
        due.fn();
      } catch {
        /* a timer's failure is its owner's business */
      }
    }
    if (this.timers.length === 0 && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }
}
