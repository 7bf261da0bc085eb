import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Generous: end-to-end tests wait on real retries and backoff, and two workers share two cores.
    testTimeout: 90_000,
    // Hooks start and stop whole worlds (Tandem, emulators, a browser); stopping waits for the
    // jobs in flight to finish. 60 s was met once under a heavily loaded machine.
    hookTimeout: 180_000,
    pool: 'forks',
    // Two cores: more workers than that only adds contention.
    maxWorkers: 2,
  },
});
