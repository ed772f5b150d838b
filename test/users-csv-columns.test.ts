import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { csvColumns, csvColumnsByHeader, headerKey } from '../src/catalog/csv.js';
import { RESOURCES } from '../src/catalog/registry.js';
import { USERS } from '../src/catalog/resources/users.js';

/**
 * The Users CSV codec against Coupa's own column list (Users Import; vendored at
 * test/fixtures/coupa/coupa-user-csv-columns.tsv, one column a row): every column Coupa's file
 * can hold is either one Roster reads into an element or one it names as not kept, and no
 * two of a definition's columns share a header.
 */
const COUPA_COLUMNS = readFileSync(new URL('./fixtures/coupa/coupa-user-csv-columns.tsv', import.meta.url), 'utf8')
  .split('\n')
  .slice(1)
  .map((line) => line.split('\t')[0]?.trim() ?? '')
  // Rows that continue the description above them (the security types' values, the locale list).
  .filter((name) => name !== '' && !/^\d|^Locale values/.test(name));

describe("the Users CSV columns (Coupa's Users Import)", () => {
  it("reads or names as not kept every column of Coupa's list", () => {
    const known = csvColumnsByHeader(USERS);
    const unkept = new Set((USERS.flatFile?.unkept ?? []).map(headerKey));
    expect(COUPA_COLUMNS.length).toBeGreaterThan(90);
    expect(COUPA_COLUMNS.filter((name) => !known.has(headerKey(name)) && !unkept.has(headerKey(name)))).toEqual([]);
  });

  it("reads Coupa's key columns and the seeds' changes into the Users API's elements", () => {
    const known = csvColumnsByHeader(USERS);
    const element = (header: string) => known.get(headerKey(header))?.element;
    expect(
      [
        'Id',
        'Login',
        'Employee Number',
        'Email*',
        'First Name',
        'Last Name',
        'Status',
        'User Role Names',
        'Default Currency*',
      ].map(element),
    ).toEqual(['id', 'login', 'employee-number', 'email', 'firstname', 'lastname', 'active', 'roles', 'default-currency']);
  });

  it('gives every loadable definition one column per header', () => {
    for (const def of RESOURCES.filter((d) => d.flatFile)) {
      expect(() => csvColumnsByHeader(def)).not.toThrow();
      expect(csvColumns(def).length).toBeGreaterThan(0);
    }
  });

  it('reads cells as the API reads documents: booleans, lists, limits, blanks', () => {
    const known = csvColumnsByHeader(USERS);
    const read = (header: string, cell: string) => known.get(headerKey(header))?.read(cell);
    expect(['Yes', 'no', 'T', 'f', 'TRUE', 'n'].map((cell) => read('Purchasing User', cell))).toEqual(
      [true, false, true, false, true, false].map((value) => ({ ok: true, value })),
    );
    expect(read('Purchasing User', 'maybe')).toEqual({ ok: false, problem: 'is not Yes/No, True/False, Y/N or T/F' });
    expect(read('User Role Names', ' User , Admin,')).toEqual({ ok: true, value: ['User', 'Admin'] });
    expect(read('Approval Limit', '1000.00 usd')).toEqual({ ok: true, value: { amount: '1000.00', currency: 'USD' } });
    expect(read('Approval Limit', 'Director')).toEqual({ ok: true, value: 'Director' });
    expect(read('Status', 'Inactive')).toEqual({ ok: true, value: 'false' });
    expect(read('Last Name', '   ')).toEqual({ ok: 'blank' });
  });
});
