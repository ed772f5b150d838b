import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-build.ts'],
    setupFiles: ['test/helpers/setup.ts'],
    // Each test builds its own app on a fresh copy of a database migrated once per worker (test/helpers/dialects.ts).
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
