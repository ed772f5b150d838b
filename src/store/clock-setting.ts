import type { Store } from './database.js';
import { REAL_TIME, type ClockState } from './server-clock.js';

/** The `roster_settings` row that holds the clock, shared by every process on the database. */
const CLOCK = 'clock';

function parseState(text: string | undefined): ClockState {
  if (text === undefined) return REAL_TIME;
  const value = JSON.parse(text) as Partial<ClockState>;
  const offsetMs = typeof value.offsetMs === 'number' && Number.isFinite(value.offsetMs) ? value.offsetMs : 0;
  const frozenAt = typeof value.frozenAt === 'number' && Number.isFinite(value.frozenAt) ? value.frozenAt : null;
  return { offsetMs, frozenAt };
}

/** Reads the database's clock setting into the store's clock (at start, and when another process changed it). */
export async function loadClock(store: Store): Promise<ClockState> {
  const row = await store.db.selectFrom('roster_settings').select('value').where('name', '=', CLOCK).executeTakeFirst();
  const state = parseState(row ? String(row['value']) : undefined);
  store.clock.adopt(state);
  return state;
}

/** Keeps `state` as the database's clock and sets the store's clock to it; real time deletes the row. */
export async function saveClock(store: Store, state: ClockState): Promise<void> {
  const real = state.offsetMs === 0 && state.frozenAt === null;
  if (real) await store.db.deleteFrom('roster_settings').where('name', '=', CLOCK).execute();
  else {
    const value = JSON.stringify(state);
    await store.db
      .insertInto('roster_settings')
      .values({ name: CLOCK, value })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
      .execute();
  }
  store.clock.adopt(state);
}

/** The settings table, as the change feed names it when the clock changed. */
export const SETTINGS_TABLE = 'roster_settings';
