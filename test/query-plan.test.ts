import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseUserQuery } from '../src/domain/user-service.js';
import { compileQuery } from '../src/query/compile.js';
import type { Store } from '../src/store/database.js';
import { DIALECTS } from './helpers/dialects.js';

/** The id-picking query an index request runs, as SQL text with its parameters. */
function pageQuery(store: Store, params: Record<string, string>) {
  const apply = compileQuery(store.dialect, 'users', parseUserQuery(params));
  return apply(store.db.selectFrom('users').select('id')).offset(0).limit(50).compile();
}

async function plan(store: Store, params: Record<string, string>): Promise<string> {
  const q = pageQuery(store, params);
  if (store.sqlite) {
    const rows = store.sqlite.prepare(`explain query plan ${q.sql}`).all(...q.parameters) as Array<{ detail: string }>;
    return rows.map((r) => r.detail).join('\n');
  }
  // A tiny test table would always be scanned; forbid scans to ask whether an index can serve.
  return store.db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    const text = q.sql.replace(/\$(\d+)/g, (_m, n: string) => {
      const v = q.parameters[Number(n) - 1];
      if (typeof v === 'number') return String(v);
      if (typeof v === 'string') return `'${v.replaceAll("'", "''")}'`;
      throw new Error(`unexpected parameter ${JSON.stringify(v)}`);
    });
    const rows = await sql<{ 'QUERY PLAN': string }>`explain ${sql.raw(text)}`.execute(trx);
    return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}

for (const dialect of DIALECTS) {
  describe(`query plans on ${dialect.name}`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    beforeEach(async () => {
      ({ store, drop } = await dialect.open());
    });
    afterEach(async () => {
      await drop();
    });

    for (const [param, value] of [
      ['login', 'USER_TEST'],
      ['email', 'a@example.com'],
      ['employee-number', 'E123'],
      ['mention-name', 'ada'],
    ] as const) {
      it(`looks ${param} up through an index, not a scan`, async () => {
        const text = await plan(store, { [param]: value });
        if (dialect.name === 'sqlite')
          expect(text).toMatch(new RegExp(`USING (COVERING )?INDEX users_${param.replace('-', '_')}`));
        else expect(text).toMatch(/Index (Only )?Scan using users_/);
        expect(text).not.toMatch(/^SCAN users$|Seq Scan/m);
      });
    }
  });
}
