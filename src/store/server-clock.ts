/**
 * The server's time: real time, or a time set through `PUT /_roster/clock` that runs on from
 * there or stands still (docs/controls.md). Everything the server decides or writes by time
 * (`created-at`, `updated-at`, load times, mail times, token expiry, rate limits) reads it;
 * leases, timeouts and sessions keep real time.
 *
 * One clock belongs to each store: every process on one database keeps the same setting
 * (`roster_settings`, told through the change feed).
 */
export class ServerClock {
  private offsetMs = 0;
  private frozenAt: number | null = null;
  private stamp = { second: Number.NaN, text: '' };

  /** Milliseconds since the epoch, as the server sees them. */
  now(): number {
    return this.frozenAt ?? Date.now() + this.offsetMs;
  }

  /**
   * The current time as stored: ISO 8601 UTC (it sorts as text in SQLite), to the whole second
   * as Coupa keeps and renders it, so `updated-at[gt]=<a rendered value>` never returns the
   * same second's rows again.
   */
  iso(): string {
    const second = Math.floor(this.now() / 1000);
    // A bulk write stamps hundreds of rows in the same second: the text is made once per second.
    if (second !== this.stamp.second) this.stamp = { second, text: new Date(second * 1000).toISOString() };
    return this.stamp.text;
  }

  /** The setting, as kept in the database: real time is `{offsetMs: 0, frozenAt: null}`. */
  get state(): ClockState {
    return { offsetMs: this.offsetMs, frozenAt: this.frozenAt };
  }

  /** Takes a setting (read from the database, or just written there). */
  adopt(state: ClockState): void {
    this.offsetMs = state.offsetMs;
    this.frozenAt = state.frozenAt;
  }
}

/** A clock setting: real time shifted by `offsetMs`, or stopped at `frozenAt` (ms since the epoch). */
export interface ClockState {
  readonly offsetMs: number;
  readonly frozenAt: number | null;
}

/** Real time. */
export const REAL_TIME: ClockState = { offsetMs: 0, frozenAt: null };
