import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-build.ts'],
    setupFiles: ['test/helpers/setup.ts'],
    // Each test builds its own app on a fresh copy of a database migrated once per worker (test/helpers/dialects.ts).
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Vitest's default (one worker fewer than the CPUs) leaves this 2-CPU machine running one test
    // file at a time; much of a test's time is spent waiting on PostgreSQL or a child process, so
    // one worker per CPU finishes the suite in about 70 % of the time.
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
