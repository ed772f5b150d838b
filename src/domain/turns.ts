import { setImmediate } from 'node:timers/promises';

/**
 * Lets the event loop serve what is waiting (other requests' sockets and timers) before a
 * batch writes its next item. better-sqlite3 answers synchronously, so without it a batch of
 * SQLite writes is one unbroken run of microtasks: a 1,000-item bulk held every other request,
 * `/health` included, for over a second. Costs a few microseconds an item.
 */
export const yieldTurn = (): Promise<void> => setImmediate();
