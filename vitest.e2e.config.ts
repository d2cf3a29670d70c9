import { defineConfig } from 'vitest/config';

// Browser tests: the real server with a small demo city, driven in Debian's Chromium through
// playwright-core (no browser is ever downloaded). One worker, files one after another; the
// global setup builds the web app when needed and starts one shared server for the run.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    reporters: ['default'],
    // A page answers within seconds, not the one second expect.poll waits by default.
    expect: { poll: { timeout: 15_000, interval: 100 } },
  },
});
