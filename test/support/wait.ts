// The one polling helper of the tests: waits, within a deadline, for a probe to report that
// something happened (a row written, a webhook received, a page updated). Real components
// take real time; a test waits on the observable outcome, never on a fixed sleep.
export interface WaitOptions<T> {
  /** Give up after this long (default 20 s: generous for a loaded 2-core machine). */
  timeoutMs?: number;
  /** Between probes (default 100 ms). */
  intervalMs?: number;
  /** When the probe's value counts as done (default: truthy). */
  done?: (value: T) => boolean;
  /** Keep polling when the probe throws (default true; the last error is named on timeout). */
  retryOnError?: boolean;
}

type Done<T> = Exclude<T, false | null | undefined>;

/** The value not undefined, null or false (0 and '' count): for probes that return counts or strings. */
export const present = (value: unknown): boolean => value !== undefined && value !== null && value !== false;

/** Polls `probe` until its value is done (truthy by default) and returns it; throws naming `what` on timeout. */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  what: string,
  options: WaitOptions<T> | number = {},
): Promise<Done<T>> {
  const {
    timeoutMs = 20_000,
    intervalMs = 100,
    done = Boolean,
    retryOnError = true,
  } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (done(value)) return value as Done<T>;
      last = value;
    } catch (error) {
      if (!retryOnError) throw error;
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
