import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-build.ts'],
    // Each test builds its own app and database; PostgreSQL tests get their own schema.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
