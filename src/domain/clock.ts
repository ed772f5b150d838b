/**
 * Milliseconds since the epoch. Injected where time decides an outcome (token expiry, rate
 * limits): the store's clock (`store.clock.now`, which `PUT /_roster/clock` sets) unless a test
 * gives its own.
 */
export type Clock = () => number;
