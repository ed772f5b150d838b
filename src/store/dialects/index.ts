import type { DialectName, StoreDialect } from './dialect.js';
import { POSTGRES } from './postgres.js';
import { SQLITE } from './sqlite.js';

export type { DataType, DialectName, StoreDialect } from './dialect.js';

/** The dialect object of a database kind. */
export const dialectNamed = (name: DialectName): StoreDialect => (name === 'postgres' ? POSTGRES : SQLITE);
