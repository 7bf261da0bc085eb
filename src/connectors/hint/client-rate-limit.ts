// Spaces requests evenly per token: at most `perSecond` start in any second, without bursts
// (Hint counts in one-second windows; an even spacing never crosses its limit, and the
// client never has to learn the limit from a 429).
export class RequestSpacer {
  private nextSlot = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds to wait before this request may start, reserving its slot. */
  reserve(key: string, perSecond: number): number {
    if (perSecond <= 0) return 0;
    const interval = 1000 / perSecond;
    const now = this.now();
    const slot = Math.max(now, this.nextSlot.get(key) ?? 0);
    this.nextSlot.set(key, slot + interval);
    if (this.nextSlot.size > 10_000) this.forgetIdle(now);
    return slot - now;
  }

  /** After a 429, nobody on this token starts again before `until`. */
  pushBack(key: string, until: number): void {
    this.nextSlot.set(key, Math.max(this.nextSlot.get(key) ?? 0, until));
  }

  private forgetIdle(now: number): void {
    for (const [key, slot] of this.nextSlot) if (slot < now) this.nextSlot.delete(key);
  }
}

/** Exponential backoff with full jitter, capped; Retry-After (seconds or HTTP date) wins when given. */
export function backoffMs(
  attempt: number,
  retryAfter: string | null,
  random: () => number = Math.random,
  now = Date.now(),
): number {
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, 60_000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.min(Math.max(0, at - now), 60_000);
  }
  const ceiling = Math.min(8000, 250 * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
