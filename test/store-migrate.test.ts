import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Store, StoreOptions } from '../src/store/database.js';
import { openPreparedStore } from '../src/store/prepare.js';
import { adminQuery as admin, PG_URL } from './helpers/dialects.js';

/**
 * Two Roster instances sharing one PostgreSQL database, each in its own schema (as the test
 * harness and multi-tenant deployments do), must each be able to migrate: Kysely's Migrator
 * must look for its bookkeeping tables in the store's own schema, not in any schema.
 */
// PostgreSQL only: two SQLite stores are two unrelated in-memory databases, so the test could not fail there.
describe.skipIf(!PG_URL)('migrations on postgres', () => {
  it('migrates a second store while a first, already migrated, is open', async () => {
    const schemas: string[] = [];
    const stores: Store[] = [];
    const options = async (): Promise<StoreOptions> => {
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

describe.skipIf(!PG_URL)('two servers starting at once on a fresh PostgreSQL schema', () => {
  it('both open it: one migrates and fills the defaults, the other finds them', async () => {
    const schema = `roster_mig_${randomBytes(6).toString('hex')}`;
    await admin(`create schema ${schema}`);
    const options: StoreOptions = { kind: 'postgres', url: PG_URL ?? '', schema, poolSize: 2 };
    const opened = await Promise.allSettled([openPreparedStore(options), openPreparedStore(options)]);
    try {
      expect(opened.map((o) => (o.status === 'rejected' ? String(o.reason) : 'ok'))).toEqual(['ok', 'ok']);
      const store = opened[0].status === 'fulfilled' ? opened[0].value : undefined;
      const rows = await store?.db.selectFrom('currencies').select('code').where('code', '=', 'USD').execute();
      expect(rows).toEqual([{ code: 'USD' }]);
    } finally {
      for (const o of opened) if (o.status === 'fulfilled') await o.value.close();
      await admin(`drop schema ${schema} cascade`);
    }
  });
});
