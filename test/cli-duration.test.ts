import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../src/cli/duration.js';

describe('duration flags (--flatfile-interval, --job-lease)', () => {
  it('reads 5m, 30s, 1s, 500ms, 1h and bare seconds', () => {
    expect(['5m', '30s', '1s', '500ms', '1h', '2', ' 1.5s '].map((t) => parseDuration('--x', t))).toEqual([
      300_000, 30_000, 1000, 500, 3_600_000, 2000, 1500,
    ]);
  });

  it('refuses anything else, naming the flag', () => {
    for (const text of ['', 'soon', '5 minutes', '-1s', '1d', '0']) {
      expect(() => parseDuration('--flatfile-interval', text)).toThrow(/^--flatfile-interval must be a duration/);
    }
    expect(() => parseDuration('--job-lease', '50ms', 100)).toThrow('at least 100 ms');
  });

  it('prints the shortest flag that says a duration, and reads it back', () => {
    for (const ms of [300_000, 1000, 1500, 500, 3_600_000, 90_000]) expect(parseDuration('--x', formatDuration(ms))).toBe(ms);
    expect([300_000, 1500, 90_000].map(formatDuration)).toEqual(['5m', '1500ms', '90s']);
  });
});
