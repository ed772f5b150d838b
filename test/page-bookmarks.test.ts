// Deep pages start from bookmarks (store/page-bookmarks.ts, issue 23): the same rows as the plain
// OFFSET query, whatever was written since, by this engine or another on the same database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../src/store/seed/random.js';
import { Engine } from '../src/domain/engine.js';
import { compileQuery } from '../src/query/compile.js';
import { BOOKMARK_EVERY } from '../src/store/page-bookmarks.js';
import type { Store } from '../src/store/database.js';
import { seedUsers } from '../src/store/user-seeder.js';
import { seedCso } from '../src/domain/seed/cso-seeder.js';
import { DIALECTS } from './helpers/dialects.js';

const USERS = 5 * BOOKMARK_EVERY + 500;
const actor = { name: 'test', userId: null };

for (const dialect of DIALECTS) {
  describe(`deep pages on ${dialect.name}`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    let engine: Engine;
    let other: Engine;

    beforeAll(async () => {
      ({ store, drop } = await dialect.open());
      await seedUsers(store, { users: USERS, randomSeed: 23 });
      engine = await Engine.open(store);
      // A second engine on the same database: another process's writes.
      other = await Engine.open(store);
    }, 120_000);
    afterAll(async () => {
      await other.close();
      await engine.close();
      await drop();
    });

    it('answer the plain query’s rows after random writes through either engine', async () => {
      const next = mulberry32(Number(process.env['BOOKMARK_SEED'] ?? 7));
      const users = engine.service('users');
      const plain = async (params: Record<string, string>): Promise<number[]> => {
        const q = users.parseQuery(params);
        // No keyset: the OFFSET query as it was before bookmarks.
        const ids = await engine.repository('users').pickPage(compileQuery(store.dialect, 'users', q), q.offset, q.limit);
        return ids.map(Number);
      };
      const paged = async (params: Record<string, string>): Promise<number[]> =>
        (await users.list(users.parseQuery(params))).map((r) => Number(r.id));
      const queries = [
        (offset: number) => ({ offset: String(offset) }),
        (offset: number) => ({ offset: String(offset), order_by: 'id', dir: 'desc' }),
        (offset: number) => ({ offset: String(offset), active: 'true' }),
      ];
      let created = 0;
      for (let step = 0; step < 12; step++) {
        const writer = next() < 0.5 ? engine : other;
        const service = writer.service('users');
        const id = 1 + Math.floor(next() * USERS);
        switch (Math.floor(next() * 3)) {
          case 0:
            await service.create(
              { login: `deep.${++created}`, email: `deep.${created}@example.com`, firstname: 'D', lastname: 'P' },
              actor,
            );
            break;
          case 1:
            await service.update(id, { active: next() < 0.5 }, actor);
            break;
          default:
            await service.update(id, { firstname: `Renamed ${step}` }, actor);
        }
        for (const query of queries) {
          for (const offset of [
            BOOKMARK_EVERY - 1,
            BOOKMARK_EVERY + Math.floor(next() * 4 * BOOKMARK_EVERY),
            5 * BOOKMARK_EVERY + 3,
          ]) {
            const params = query(offset);
            // The first deep page finds its bookmarks in the background; the next one uses them.
            await paged(params);
            await engine.repository('users').bookmarksFound();
            const want = await plain(params);
            let got = await paged(params);
            // Another engine's write reaches this one through the change feed: within milliseconds.
            for (let i = 0; writer === other && i < 100 && JSON.stringify(got) !== JSON.stringify(want); i++) {
              await new Promise((resolve) => setTimeout(resolve, 20));
              got = await paged(params);
            }
            expect(got, JSON.stringify(params)).toEqual(want);
          }
        }
      }
    }, 120_000);

    it('serve CSO users too, whose 19-digit ids are read as text', async () => {
      await seedCso(engine, store, { companies: 2, users: 2 * BOOKMARK_EVERY + 300, randomSeed: 23 });
      const cso = engine.service('cso_users');
      const repo = engine.repository('cso_users');
      for (const dir of ['asc', 'desc']) {
        repo.forgetBookmarks();
        for (const offset of [BOOKMARK_EVERY - 1, BOOKMARK_EVERY + 401, 2 * BOOKMARK_EVERY + 7]) {
          const q = cso.parseQuery({ offset: String(offset), order_by: 'id', dir });
          const ids = async () => (await cso.list(q)).map((r) => String(r.id));
          await ids();
          await repo.bookmarksFound();
          // Past the first thousand rows the page started from a bookmark (none is found for a page before it).
          expect(repo.bookmarksKnown() > 0, `${dir} ${offset}`).toBe(offset >= BOOKMARK_EVERY);
          const plain = await repo.pickPage(compileQuery(store.dialect, 'cso_users', q), q.offset, q.limit);
          expect(plain.length).toBeGreaterThan(0);
          expect(await ids(), `${dir} ${offset}`).toEqual(plain.map(String));
        }
      }
    }, 120_000);
  });
}
