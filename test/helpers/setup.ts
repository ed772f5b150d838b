import { afterEach, beforeEach, expect } from 'vitest';
import { takeContractViolations } from './swagger-contract.js';

// A test whose assertions never run (a loop over an empty table, a callback never called) fails.
beforeEach(() => {
  expect.hasAssertions();
});

// Every JSON user the test's apps answered with meets Coupa's Swagger `User` contract (test/helpers/swagger-contract.ts).
afterEach(() => {
  expect(takeContractViolations(), "a response broke Coupa's Swagger User contract").toEqual([]);
});
