// The chaos suite at a small size (bench/chaos.ts --small runs the same; the full size is in
// bench/RESULTS.md): real `tandem start --role api|worker` processes on one database, the Hint
// and Healthengine emulators in processes of their own, and things broken while they work.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SMALL } from '../../bench/support/chaos-sizes.ts';
import { databaseOutage, killBurst } from '../../bench/support/chaos-scenarios.ts';
import { startWorld, type ChaosWorld } from '../../bench/support/chaos-world.ts';

let world: ChaosWorld | undefined;
beforeAll(async () => {
  world = await startWorld({ serverUrl: inject('dbServerUrl'), apis: SMALL.apis, workers: SMALL.workers });
}, 120_000);
afterAll(async () => world?.stop(), 60_000);

describe('chaos, small', () => {
  it('a burst of duplicated, shuffled Hint events while workers are SIGKILLed: each applied once, no echo', async () => {
    const r = await killBurst(world!, SMALL.burst);
    expect(r).toMatchObject({
      lost: 0,
      duplicateEffects: 0,
      acknowledgedNotStored: 0,
      unexpectedAnswers: 0,
      crashes: 0,
    });
    expect(r.kills).toBeGreaterThan(0);
    expect(r.duplicatesSuppressed).toBeGreaterThan(0);
  }, 180_000);

  it('database sessions cut mid-burst: 503 with Retry-After, never 200 unstored; workers carry on by themselves', async () => {
    const r = await databaseOutage(world!, SMALL.outage);
    expect(r).toMatchObject({
      lost: 0,
      duplicateEffects: 0,
      acknowledgedNotStored: 0,
      unexpectedAnswers: 0,
      crashes: 0,
    });
    expect(r.unavailable503).toBeGreaterThan(0);
  }, 180_000);
  // The Healthengine poller's failover between real processes is bench/chaos.ts's
  // poller-owner-killed; test/hub/scale-out.test.ts covers the takeover itself.
});
