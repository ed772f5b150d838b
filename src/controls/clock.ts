import type { Engine } from '../domain/engine.js';
import { isPlainObject } from '../domain/record-input.js';
import { RosterError } from '../domain/errors.js';
import { saveClock, SETTINGS_TABLE } from '../store/clock-setting.js';
import { REAL_TIME, type ClockState } from '../store/server-clock.js';

/** The clock as `/_roster/clock` answers it. */
export interface ClockView {
  /** The server's time now, ISO 8601 UTC with milliseconds. */
  readonly now: string;
  readonly frozen: boolean;
  /** Whether the server keeps real time (no clock set). */
  readonly 'real-time': boolean;
}

/** An ISO 8601 date and time with its zone (`Z` or `±hh:mm`), seconds and fractions optional. */
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** The earliest and latest times the clock takes: what every stored timestamp can hold and render. */
const EARLIEST = Date.parse('1970-01-01T00:00:00Z');
const LATEST = Date.parse('9999-12-31T23:59:59Z');

const ELEMENTS = ['now', 'frozen'];

/**
 * A `PUT /_roster/clock` body → the clock setting it asks for: `now` sets the time, which runs
 * on from there unless `frozen` is true; `{"frozen": true}` alone stops the clock where it is,
 * `{"frozen": false}` starts it again from there. `invalid_control` names what does not parse.
 *
 * @param current the setting now; `realNow` real time in ms since the epoch.
 */
export function clockSetting(body: unknown, current: ClockState, realNow: number): ClockState {
  if (!isPlainObject(body))
    throw new RosterError('invalid_control', 'The clock takes a JSON object: {"now": "2027-01-01T00:00:00Z", "frozen": false}');
  const unknown = Object.keys(body).filter((k) => !ELEMENTS.includes(k));
  if (unknown.length > 0) throw new RosterError('invalid_control', `The clock has no ${unknown.join(', ')} (it has now, frozen)`);
  const { now, frozen } = body as { now?: unknown; frozen?: unknown };
  if (now === undefined && frozen === undefined)
    throw new RosterError('invalid_control', 'The clock needs "now", "frozen" or both');
  if (frozen !== undefined && typeof frozen !== 'boolean')
    throw new RosterError('invalid_control', 'The clock\'s "frozen" is true or false');
  let at: number;
  if (now === undefined) at = current.frozenAt ?? realNow + current.offsetMs;
  else {
    const ms = typeof now === 'string' && DATETIME.test(now) ? Date.parse(now) : Number.NaN;
    if (!Number.isFinite(ms) || ms < EARLIEST || ms > LATEST) {
      throw new RosterError(
        'invalid_control',
        `The clock's "now" is an ISO 8601 date and time with its zone, from 1970 to 9999 (2027-01-01T00:00:00Z), not ${JSON.stringify(now)}`,
      );
    }
    at = ms;
  }
  return frozen === true ? { offsetMs: 0, frozenAt: at } : { offsetMs: at - realNow, frozenAt: null };
}

/** The store's clock as answered. */
export function clockView(engine: Engine): ClockView {
  const { state } = engine.store.clock;
  return {
    now: new Date(engine.store.clock.now()).toISOString(),
    frozen: state.frozenAt !== null,
    'real-time': state.frozenAt === null && state.offsetMs === 0,
  };
}

/**
 * Sets the server's clock (`PUT /_roster/clock`) for every process on the database: kept in
 * `roster_settings`, announced through the change feed.
 */
export async function setClock(engine: Engine, body: unknown): Promise<ClockView> {
  await saveClock(engine.store, clockSetting(body, engine.store.clock.state, Date.now()));
  await engine.announce(SETTINGS_TABLE);
  return clockView(engine);
}

/** Back to real time (`DELETE /_roster/clock`), everywhere. */
export async function clearClock(engine: Engine): Promise<ClockView> {
  await saveClock(engine.store, REAL_TIME);
  await engine.announce(SETTINGS_TABLE);
  return clockView(engine);
}
