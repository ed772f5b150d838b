const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration flag (`5m`, `30s`, `1s`, `250ms`, `1h`; a bare number is seconds) → milliseconds.
 * Throws, naming the flag, on anything else or on less than `minMs`.
 */
export function parseDuration(flag: string, text: string, minMs = 1): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  const ms = match ? Number(match[1]) * (UNITS[match[2] ?? 's'] ?? 1000) : Number.NaN;
  if (!Number.isFinite(ms) || ms < minMs) {
    throw new Error(`${flag} must be a duration such as 5m, 30s or 500ms (at least ${minMs} ms), got '${text}'`);
  }
  return Math.round(ms);
}

/** Milliseconds as the shortest duration flag that says them: 300000 → `5m`, 1500 → `1500ms`. */
export function formatDuration(ms: number): string {
  for (const unit of ['h', 'm', 's'] as const) {
    const size = UNITS[unit] ?? 1;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
