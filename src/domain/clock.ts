/** Milliseconds since the epoch. Injected where time decides an outcome (token expiry, rate limits) so tests can set it. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
