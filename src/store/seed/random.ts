/** A pseudo-random source returning numbers in [0, 1). */
export type Random = () => number;

/** mulberry32: tiny, fast and good enough for fake data; Math.random cannot be seeded. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pickFrom = <T>(rnd: Random, list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;

/** Seeded rows spread over three years, so `updated-at[gt]=…` selects a realistic slice. */
export const HISTORY_MS = 3 * 365 * 24 * 3600 * 1000;

/** A row's stamps as stored: created within the last three years, updated some time after. */
export interface Stamps {
  readonly 'created-at': string;
  readonly 'updated-at': string;
}

/** Whole seconds, as the server stamps them; updates lean recent, as in a live directory. */
export function drawStamps(rnd: Random, now: number): Stamps {
  const created = now - Math.floor(rnd() * HISTORY_MS);
  const updated = created + Math.floor(rnd() ** 3 * (now - created));
  const iso = (ms: number) => new Date(ms - (ms % 1000)).toISOString();
  return { 'created-at': iso(created), 'updated-at': iso(updated) };
}
