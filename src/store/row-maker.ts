import type { Row } from './database.js';

/** Builds a row object from the values a statement returned by position (raw or array mode). */
export type RowMaker = (values: readonly unknown[]) => Row;

/**
 * The row maker for a statement's column `names`, in order: an object literal compiled once per
 * statement (issue 23, part 1). V8 makes each row in one step with its final shape, where
 * better-sqlite3 and `pg` add a hundred properties one by one: reading a user row by id went
 * from 35 to 20 µs on SQLite (docs/performance.md). The names are the statement's own columns,
 * quoted by JSON.stringify; `__proto__`, which a literal would take for the prototype, gets a loop.
 */
export function rowMaker(names: readonly string[]): RowMaker {
  if (names.includes('__proto__')) {
    return (values) => {
      const row: Row = {};
      names.forEach((name, i) => {
        Object.defineProperty(row, name, { value: values[i], enumerable: true, writable: true, configurable: true });
      });
      return row;
    };
  }
  const fields = names.map((name, i) => `${JSON.stringify(name)}: v[${i}]`).join(', ');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from the statement's column names, quoted
  return new Function('v', `return { ${fields} };`) as RowMaker;
}
