import { beforeEach, expect } from 'vitest';

// A test whose assertions never run (a loop over an empty table, a callback never called) fails.
beforeEach(() => {
  expect.hasAssertions();
});
