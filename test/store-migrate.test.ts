import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Store, StoreOptions } from '../src/store/database.js';
import { openPreparedStore } from '../src/store/prepare.js';
import { adminQuery as admin, DIALECTS, PG_URL } from './helpers/dialects.js';

/**
 * Two Roster instances sharing one PostgreSQL database, each in its own schema (as the test
 * harness and multi-tenant deployments do), must each be able to migrate: Kysely's Migrator
 * must look for its bookkeeping tables in the store's own schema, not in any schema.
 */
for (const dialect of DIALECTS) {
  describe(`migrations on ${dialect.name}`, () => {
    it('migrates a second store while a first, already migrated, is open', async () => {
      const schemas: string[] = [];
      const stores: Store[] = [];
      const options = async (): Promise<StoreOptions> => {
        if (dialect.name === 'sqlite') return { kind: 'sqlite', filename: ':memory:' };
        const schema = `roster_mig_${randomBytes(6).toString('hex')}`;
        await admin(`create schema ${schema}`);
        schemas.push(schema);
        return { kind: 'postgres', url: PG_URL ?? '', schema, poolSize: 2 };
      };
      try {
        stores.push(await openPreparedStore(await options()));
        const second = openPreparedStore(await options());
        await expect(second).resolves.toBeDefined();
        stores.push(await second);
        for (const store of stores) {
          const roles = await store.db.selectFrom('roles').select('name').where('name', '=', 'Buyer').execute();
          expect(roles).toEqual([{ name: 'Buyer' }]);
        }
      } finally {
        for (const store of stores) await store.close();
        for (const schema of schemas) await admin(`drop schema ${schema} cascade`);
      }
    });
  });
}
