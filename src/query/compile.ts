import { sql, type SelectQueryBuilder } from 'kysely';
import { toDb } from '../store/codec.js';
import type { Database, DialectName } from '../store/database.js';
import type { ParsedQuery } from './parse.js';

/** Turns a parsed query into WHERE and ORDER BY clauses; a tie-break on id keeps paging stable. */
export function compileQuery<T extends string>(dialect: DialectName, query: ParsedQuery) {
  return <O>(qb: SelectQueryBuilder<Database, T, O>): SelectQueryBuilder<Database, T, O> => {
    let q = qb;
    for (const f of query.filters) {
      const value = toDb(dialect, f.element.type, f.value);
      const column = sql.ref(f.element.column);
      q = q.where(value === null ? sql<boolean>`${column} is null` : sql<boolean>`${column} = ${value}`);
    }
    if (query.orderBy && query.orderBy.column !== 'id') q = q.orderBy(query.orderBy.column, query.dir);
    return q.orderBy('id', query.orderBy?.column === 'id' ? query.dir : 'asc');
  };
}
