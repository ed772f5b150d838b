import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { indexCatalog } from '../src/catalog/lookup.js';
import { RESOURCES, resourceNamed, servedResources } from '../src/catalog/registry.js';
import { familyOf, type ResourceDef } from '../src/catalog/resource.js';
import { isKnownScope } from '../src/catalog/scopes.js';
import { routeScopes } from '../src/http/route-scopes.js';
import { FAMILIES } from '../src/catalog/families.js';
import { openPreparedStore } from '../src/store/prepare.js';
import { comparedCaseless } from '../src/query/caseless.js';
import { GOLDEN_DIR } from './helpers/golden.js';
import { REFERENCE_APIS } from './helpers/reference-apis.js';

/** The golden files that pin a resource's show and index in both formats (users' predate the naming rule). */
function goldenFiles(def: ResourceDef): string[] {
  // CSO answers JSON alone: cso-users-show.json.txt, cso-users-index.json.txt.
  if (familyOf(def) === 'cso') return ['show', 'index'].map((kind) => `cso-${def.plural}-${kind}.json.txt`);
  if (def.name === 'users')
    return ['show-user.xml.txt', 'show-user.json.txt', 'index-two-users.xml.txt', 'index-two-users.json.txt'];
  if (def.name in API_PAGES) {
    // The Worker API's: show-worker.xml.txt, index-workers.json.txt, show-worker-document.xml.txt, show-remit-to-address…
    const one = def.singular;
    const many = def.plural;
    return ['show', 'index'].flatMap((kind) => ['xml', 'json'].map((f) => `${kind}-${kind === 'show' ? one : many}.${f}.txt`));
  }
  const name = def.name.replaceAll('_', '-');
  return ['show', 'index'].flatMap((kind) => ['xml', 'json'].map((format) => `ref-${name}-${kind}.${format}.txt`));
}

/** The resources with a page (and tests) of their own; the others are reference data. */
const API_PAGES: Readonly<Record<string, string>> = {
  users: 'docs/users-api.md',
  workers: 'docs/workers-api.md',
  worker_documents: 'docs/workers-api.md',
  // Served under its supplier, so the generic reference-data tests cannot reach it: test/suppliers-api.test.ts.
  remit_to_addresses: 'docs/reference-data.md',
  // Loaded by the flat-file loader, not written by clients: test/flat-file-load.test.ts.
  data_file_sources: 'docs/flat-files.md',
  // The CSO family (test/cso-api.test.ts).
  cso_users: 'docs/cso-api.md',
  cso_companies: 'docs/cso-api.md',
};

/**
 * What docs/adding-a-resource.md promises: a registered resource is complete (consistent
 * definition, known scopes, routes in the scope table, golden files, docs), or this fails.
 */
describe('the resource registry', () => {
  it('holds consistent definitions: unique names, a unique key, known targets in dependency order', () => {
    expect(new Set(RESOURCES.map((r) => r.name)).size).toBe(RESOURCES.length);
    // Owned children are named by id within their owner, so their key (shown in shallow renderings) need not be unique.
    const owned = new Set(RESOURCES.flatMap((r) => indexCatalog(r).children.map((el) => el.target)));
    expect([...owned]).toEqual([
      'warehouse_locations',
      'supplier_contacts',
      'supplier_addresses',
      'remit_to_addresses',
      'worker_emails',
      'worker_skills',
      'worker_addresses',
      'worker_external_identifiers',
      'worker_documents',
      'worker_phone_numbers',
      'worker_national_identifiers',
      'worker_document_attachments',
      'upload_errors',
    ]);
    RESOURCES.forEach((def, i) => {
      const index = indexCatalog(def);
      // A resource without a natural key (workers) is named by its id.
      const unique = index.key.unique === true || index.key.auto === 'id' || owned.has(def.name);
      expect([def.name, unique]).toEqual([def.name, true]);
      for (const el of def.elements) {
        if (el.kind !== 'reference' && el.kind !== 'collection' && el.kind !== 'children') continue;
        const target = resourceNamed(el.target);
        // A reference points back only at users (audit users), which come last, or at its own resource
        // (a lookup value's parent); anything else, an owner included, comes earlier, and owned children come later.
        if (el.kind === 'children') expect([def.name, el.name, RESOURCES.indexOf(target) > i]).toEqual([def.name, el.name, true]);
        else if (target.name !== 'users' && target !== def) {
          // Or added by a later migration than the one that made the target's table.
          const later = (el.since ?? def.since ?? 1) > (target.since ?? 1);
          expect([def.name, el.name, RESOURCES.indexOf(target) < i || later]).toEqual([def.name, el.name, true]);
        }
      }
    });
  });

  for (const def of servedResources()) {
    const api = def.api;
    if (!api) continue;
    const family = familyOf(def);
    describe(`${family} ${api.path}`, () => {
      it('has known scopes and every route in the scope table', () => {
        // Core routes declare Coupa's OAuth scopes; CSO's key opens every CSO route, which declare its two labels.
        const scopes = FAMILIES[family].scopes;
        const known = (scope: string) => (scopes === 'oauth' ? isKnownScope(scope) : [scopes.read, scopes.write].includes(scope));
        expect(known(api.scopes.read)).toBe(true);
        expect(known(api.scopes.write)).toBe(true);
        const table = routeScopes(family);
        if (api.operations.includes('index')) expect(table[`GET ${api.path}`]).toBe(api.scopes.read);
        if (api.operations.includes('show')) expect(table[`GET ${api.path}/:id`]).toBe(api.scopes.read);
        if (api.operations.includes('create')) expect(table[`POST ${api.path}`]).toBe(api.scopes.write);
        if (api.operations.includes('update')) expect(table[`PUT ${api.path}/:id`]).toBe(api.scopes.write);
      });

      it('has golden files for a show and an index in XML and JSON', () => {
        expect(goldenFiles(def).filter((file) => !existsSync(`${GOLDEN_DIR}${file}`))).toEqual([]);
      });

      it('is documented: its page, the scope table, the README', () => {
        const pages = {
          [API_PAGES[def.name] ?? 'docs/reference-data.md']: api.path,
          // In the scope table: a row of `| … \`/api/x\` … |` (core: CSO has no scopes).
          ...(family === 'core' ? { 'docs/auth.md': `\`${api.path}\`` } : {}),
          'README.md': api.path,
        };
        const text = (file: string): string => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
        expect(
          Object.entries(pages)
            .filter(([file, needle]) => !text(file).includes(needle))
            .map(([file]) => file),
        ).toEqual([]);
      });
    });
  }

  it('every served resource without its own page has an entry in the reference-data tests (REFERENCE_APIS)', () => {
    const tested = new Set(REFERENCE_APIS.map((api) => api.path));
    const served = servedResources().flatMap((def) => (def.name in API_PAGES || !def.api ? [] : [def.api.path]));
    expect(served.filter((path) => !tested.has(path))).toEqual([]);
  });

  it('every indexed element has an index led by its column, in a migrated database', async () => {
    const store = await openPreparedStore({ kind: 'sqlite', filename: ':memory:' });
    try {
      const sqlite = store.sqlite;
      if (!sqlite) throw new Error('test setup: no SQLite handle');
      for (const def of RESOURCES) {
        const leading = new Set(
          (sqlite.pragma(`index_list(${def.table})`) as Array<{ name: string }>).map(
            (ix) =>
              (sqlite.pragma(`index_info(${ix.name})`) as Array<{ seqno: number; name: string }>).find((c) => c.seqno === 0)
                ?.name,
          ),
        );
        const names = new Set((sqlite.pragma(`index_list(${def.table})`) as Array<{ name: string }>).map((ix) => ix.name));
        for (const el of indexCatalog(def).scalars) {
          // Text is looked up as lower(column) (src/query/caseless.ts), by migration 10's index.
          const indexed =
            leading.has(el.column) || (comparedCaseless(el.type) && names.has(`${def.table}_${el.column}_caseless`));
          if (el.indexed || el.unique) expect([def.name, el.column, indexed]).toEqual([def.name, el.column, true]);
        }
      }
    } finally {
      await store.close();
    }
  });
});
