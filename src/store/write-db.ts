import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database.js';

/** The database, or the write transaction a request runs in: repositories' writes take one. */
export type WriteDb = Kysely<Database> | Transaction<Database>;
