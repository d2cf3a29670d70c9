import { defineConfig } from 'vitest/config';

// Suites that start the real server on an embedded data folder on purpose (kill -9 recovery, the
// folder lock, backup and restore of a running embedded database, audit rows surviving a crash):
// they test the embedded engine itself and set DATABASE_URL empty, so a PostgreSQL pass would only
// run the same thing twice. Every other suite that touches data runs on both engines.
export const embeddedOnly = ['test/platform/crash.test.ts', 'test/platform/backup.test.ts', 'test/security/audit-durability.test.ts'];

// Unit and integration suites. Each file gets its own migrated database (see test/support);
// QC_TEST_ENGINE=postgres runs the same files against TEST_DATABASE_URL.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**', ...(process.env.QC_TEST_ENGINE === 'postgres' ? embeddedOnly : [])],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
