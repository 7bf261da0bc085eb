// String interning for prepared records: a 200,000-record run holds the same suburb, state,
// name and nickname-group strings thousands of times; one shared copy each saves hundreds
// of megabytes. Bounded, so a long-running process does not grow without limit.
const MAX_ENTRIES = 200_000;
let table = new Map<string, string>();

export function intern(value: string): string {
  const existing = table.get(value);
  if (existing !== undefined) return existing;
  if (table.size >= MAX_ENTRIES) table = new Map();
  table.set(value, value);
  return value;
}

export function internOrNull(value: string | null): string | null {
  return value === null ? null : intern(value);
}

/** One shared empty array for the many records without emails or phones. */
export const NONE: readonly string[] = Object.freeze([]);

/**
 * A function of a string, remembered: names, nickname groups and phonetic keys repeat across
 * a population (a few thousand names for 100,000 patients), so each is worked out once and
 * the result — immutable — is shared by every record that has it. Bounded like the table above.
 */
export function memoized<T>(fn: (key: string) => T, maxEntries = MAX_ENTRIES): (key: string) => T {
  let memo = new Map<string, T>();
  return (key: string): T => {
    const known = memo.get(key);
    if (known !== undefined || memo.has(key)) return known as T;
    const value = fn(key);
    if (memo.size >= maxEntries) memo = new Map();
    memo.set(key, value);
    return value;
  };
}
