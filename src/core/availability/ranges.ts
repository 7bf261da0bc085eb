// Half-open minute intervals [start, end) within one local day, kept sorted and disjoint.
export type Interval = readonly [number, number];

export function normalize(intervals: Interval[]): Interval[] {
  const sorted = intervals
    .filter(([s, e]) => e > s)
    .map(([s, e]) => [s, e] as [number, number])
    .sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out.at(-1);
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** `from` minus every interval of `remove`. */
export function subtract(from: Interval[], remove: Interval[]): Interval[] {
  let current = normalize(from);
  for (const [rs, re] of normalize(remove)) {
    const next: Interval[] = [];
    for (const [s, e] of current) {
      if (re <= s || rs >= e) {
        next.push([s, e]);
        continue;
      }
      if (rs > s) next.push([s, rs]);
      if (re < e) next.push([re, e]);
    }
    current = next;
  }
  return current;
}

export function contains(intervals: Interval[], [s, e]: Interval): boolean {
  return intervals.some(([is, ie]) => is <= s && e <= ie);
}
