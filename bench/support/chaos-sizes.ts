// The chaos suite's sizes: FULL for bench/chaos.ts (figures in bench/RESULTS.md), SMALL for
// bench/chaos.ts --small and test/hub/chaos.test.ts (a few seconds of each scenario).
export const FULL = {
  apis: 2,
  workers: 3,
  burst: { patients: 2000, edits: 4, concurrency: 32, killEveryMs: 4000, settleMs: 600_000 },
  outage: { patients: 500, edits: 3, concurrency: 16, outageMs: 20_000, spreadOverMs: 40_000, settleMs: 600_000 },
  hintStorm: { patients: 300, stormMs: 60_000 },
  heStorm: { bookings: 20, stormMs: 15_000 },
};
export const SMALL = {
  apis: 1,
  workers: 2,
  burst: { patients: 40, edits: 2, concurrency: 8, killEveryMs: 1500, settleMs: 90_000 },
  outage: { patients: 30, edits: 2, concurrency: 4, outageMs: 3000, spreadOverMs: 6000, settleMs: 90_000 },
  hintStorm: { patients: 20, stormMs: 4000 },
  heStorm: { bookings: 3, stormMs: 4000 },
};
