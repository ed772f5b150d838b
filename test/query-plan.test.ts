import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../src/domain/engine.js';
import { compileQuery } from '../src/query/compile.js';
import type { Store } from '../src/store/database.js';
import { seedUsers } from '../src/store/user-seeder.js';
import { seedWorkers } from '../src/store/worker-seeder.js';
import { DIALECTS } from './helpers/dialects.js';

/** The id-picking query an index request on `table` runs, as SQL text with its parameters. */
function pageQuery(store: Store, params: Record<string, string>, table: string) {
  const apply = compileQuery(store.dialect, table, Engine.detached(store).service(table).parseQuery(params));
  return apply(store.db.selectFrom(table).select('id')).offset(0).limit(50).compile();
}

async function plan(store: Store, params: Record<string, string>, table = 'users'): Promise<string> {
  const q = pageQuery(store, params, table);
  if (store.sqlite) {
    const rows = store.sqlite.prepare(`explain query plan ${q.sql}`).all(...q.parameters) as Array<{ detail: string }>;
    return rows.map((r) => r.detail).join('\n');
  }
  // Ask whether an index can serve: with sequential scans priced out, one remains only where no index fits.
  return store.db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    const text = q.sql.replace(/\$(\d+)/g, (_m, n: string) => {
      const v = q.parameters[Number(n) - 1];
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      if (typeof v === 'string') return `'${v.replaceAll("'", "''")}'`;
      throw new Error(`unexpected parameter ${JSON.stringify(v)}`);
    });
    const rows = await sql<{ 'QUERY PLAN': string }>`explain ${sql.raw(text)}`.execute(trx);
    return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}

const DAY_AGO = new Date(Date.now() - 24 * 3600 * 1000).toISOString();

/** Each lookup, and the index its plan must use on SQLite / PostgreSQL. */
const LOOKUPS: ReadonlyArray<readonly [Record<string, string>, RegExp]> = [
  // Text matches ignore case (src/query/caseless.ts): the lower() indexes of migration 10.
  [{ login: 'USER_TEST' }, /users_login_caseless/],
  [{ email: 'a@example.com' }, /users_email_caseless/],
  [{ 'employee-number': 'E123' }, /users_employee_number_caseless/],
  [{ 'mention-name': 'ada' }, /users_mention_name_caseless/],
  [{ 'sso-identifier': 'ada@idp' }, /users_sso_identifier_caseless/],
  [{ 'updated-at[gt]': DAY_AGO }, /users_updated_at/],
  [{ 'created_at[gt_or_eq]': DAY_AGO }, /users_created_at/],
  [{ status: 'inactive' }, /users_active/],
  [{ 'department[name]': 'Finance' }, /users_department_id/],
  [{ 'manager[login]': 'boss' }, /users_manager_id/],
  // Where many users match, walking ids in page order and stopping at 50 beats the join-key index.
  [{ 'default-address[country][code]': 'US' }, /users_default_address_id|Index Scan using users_pkey/],
  [{ 'roles[name]': 'Buyer' }, /user_memberships_kind_ref/],
  [{ 'roles[name][in]': 'Buyer,Admin' }, /user_memberships_kind_ref/],
];

/** The Worker API's lookups (seed 004), each by its index: by supplier, and through the e-mails a worker owns. */
const WORKER_LOOKUPS: ReadonlyArray<readonly [Record<string, string>, RegExp]> = [
  // A quarter of the workers are Acme's: walking ids in page order may beat the index here too.
  [{ 'supplier[name]': 'Acme Staffing' }, /workers_supplier_id|suppliers_name_caseless|Index Scan using workers_pkey/],
  [{ 'worker-emails[email-address]': 'ada@acme.example' }, /worker_emails_email_address_caseless/],
  [{ 'updated-at[gt]': DAY_AGO }, /workers_updated_at/],
  // Two workers in five are assigned: walking ids in page order may beat the index.
  [{ status: 'assigned' }, /workers_status|Index Scan using workers_pkey/],
];

for (const dialect of DIALECTS) {
  describe(`query plans on ${dialect.name}`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    // Planners choose by statistics, so the plans are asked of a populated, analysed table.
    beforeAll(async () => {
      ({ store, drop } = await dialect.open());
      await seedUsers(store, { users: 3000, randomSeed: 7 });
      await seedWorkers(store, { workers: 3000, randomSeed: 7 });
    }, 60_000);

    for (const [params, index] of WORKER_LOOKUPS) {
      const name = Object.entries(params)
        .map(([k, v]) => `${k}=${v}`)
        .join('&');
      it(`serves workers' ${name} from an index, not a scan of workers`, async () => {
        const text = await plan(store, params, 'workers');
        expect(text).toMatch(index);
        expect(text).not.toMatch(/^SCAN (workers|worker_emails)$|Seq Scan on (workers|worker_emails)/m);
      });
    }
    afterAll(async () => {
      await drop();
    });

    for (const [params, index] of LOOKUPS) {
      const name = Object.entries(params)
        .map(([k, v]) => `${k}=${v}`)
        .join('&');
      it(`serves ${name} from an index, not a scan of users`, async () => {
        const text = await plan(store, params);
        expect(text).toMatch(index);
        expect(text).not.toMatch(/^SCAN users$|Seq Scan on users/m);
      });
    }
  });
}
