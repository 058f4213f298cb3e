import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (pure code, no services, runs anywhere in seconds) and `integration`
 * (real Kafka and a real ClickHouse engine, found or started by test/support/global-setup.ts).
 * Integration files run in forked processes because chdb binds one data directory per process.
 * Every project's temporary files go in one folder per run, removed at its end (temp-root.ts).
 */
export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            '{core,ingest,enrich,store,api,cli,scripts,training,dashboards,alerts,reports}/**/*.test.ts',
            'test/unit/**/*.test.ts',
          ],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
          globalSetup: ['test/support/temp-root.ts'],
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.int.test.ts', 'test/e2e/**/*.int.test.ts'],
          globalSetup: ['test/support/temp-root.ts', 'test/support/global-setup.ts'],
          pool: 'forks',
          // Kafka consumer-group joins and the chdb engine are slow to start on 2 cores.
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'faults',
          // Faults the runtime must ride out on a real broker (test/faults/README in the files):
          // a startup race on fresh topics, a broker outage through a TCP proxy, a killed member.
          include: ['test/faults/**/*.faults.test.ts'],
          globalSetup: ['test/support/temp-root.ts', 'test/support/global-setup.ts'],
          pool: 'forks',
          testTimeout: 240_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          // Playwright driving the machine's Chromium against `earshot start` (see test/browser/).
          include: ['test/browser/**/*.browser.test.ts'],
          globalSetup: ['test/support/temp-root.ts'],
          pool: 'forks',
          testTimeout: 120_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
