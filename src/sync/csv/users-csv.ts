import { stringify } from 'csv-stringify/sync';
import { SyncFatalError } from '../types.js';

/**
 * Coupa's Users Import CSV (Compass, "Users Import", 0443-Users_Import.md; its column list as a
 * table: coupa-user-csv-columns.tsv), as `roster sync --via csv` writes it.
 *
 * What the loader does with a file, which decides how it is written (checked against Roster's
 * loader, src/domain/loads/, which follows Coupa's page):
 * - A blank cell (empty, or only spaces) leaves the element as it is: Coupa documents nothing, and
 *   Roster reads a blank cell as "not given". So one file can carry rows that change different
 *   elements: a row leaves the cells of elements it does not change empty. The other side of
 *   it: a CSV row cannot clear an element (`''` is written as an empty cell, which changes
 *   nothing); a run that must clear a value needs the API, and its check afterwards sees it.
 * - Cells are trimmed: leading and trailing spaces of a value do not survive a load.
 * - Keys are `Id`, then `Employee Number`, then `Login`, in that order (Coupa's "Validations"): the
 *   first key cell a row fills names the user; a key that names no one creates a user. So
 *   `Employee Number` is a key of its own (no `Login` needed to update), and "you cannot update
 *   `Employee Number` using `Login`": a row keyed by login that also changes the employee number is
 *   read as a new user (and fails "Login has already been taken") unless it carries the user's `Id`
 *   (`CsvUserRow.id`), which comes first.
 * - Upload errors are numbered by CSV record, the header being row 1 (not by text line: a value
 *   with a line break is one record); `CsvFile.keys[row - 2]` is the row's key.
 */

/** A column's kind: how a value is spelled in its cells. */
type ColumnKind = 'text' | 'boolean' | 'status';

interface ColumnSpec {
  readonly header: string;
  readonly kind: ColumnKind;
  /** The association's natural key, when the element is one (`department.name` as well as `department`). */
  readonly natural?: string;
}

const text = (header: string, natural?: string): ColumnSpec =>
  natural === undefined ? { header, kind: 'text' } : { header, kind: 'text', natural };
const flag = (header: string): ColumnSpec => ({ header, kind: 'boolean' });

/**
 * Users API element → Users Import column, vendored from Coupa's column list (Coupa's "Users
 * Import" page, https://compass.coupa.com/en-us/products/product-documentation/integration-technical-documentation/coupa-core-flat-files-(csv)/flat-file-(csv)-import/users-import, as a table; the
 * titles as the page spells them, without the `*` the list puts on `Email*` and `Default
 * Currency*`), plus the columns the page itself lists beyond that table (Invoicing User, the CLM
 * licence, Seniority Level, Business Function, the mobile-upload flag). Element names are the
 * Users API's (0100-Users_API). Columns with no Users API element (Approver Login, the
 * account-code segments, the default address, pcards, Projects, Generate Password And Notify
 * User, Receive Coupa Emails, Limit Showing of DataTable Views) are left out: a sync maps
 * elements. Cross-checked with Roster's loader (src/catalog/resources/users.ts `csv:` names,
 * src/catalog/csv.ts: otherwise the element's name in title case); both agree on every entry.
 */
const COLUMNS: ReadonlyMap<string, ColumnSpec> = new Map<string, ColumnSpec>([
  ['login', text('Login')],
  // Coupa: "Possible values are active or inactive"; the Users API's `active` boolean.
  ['active', { header: 'Status', kind: 'status' }],
  ['purchasing-user', flag('Purchasing User')],
  ['expense-user', flag('Expense User')],
  ['sourcing-user', flag('Sourcing User')],
  ['inventory-user', flag('Inventory User')],
  ['contracts-user', flag('Contracts User')],
  ['analytics-user', flag('Analytics User')],
  ['aic-user', flag('AI Classification User')],
  ['spend-guard-user', flag('Spend Guard User')],
  ['ccw-user', flag('Contingent Workforce User')],
  ['risk-assess-user', flag('Risk Assess User')],
  ['supply-chain-user', flag('Supply Chain User')],
  ['travel-user', flag('Travel User')],
  ['treasury-user', flag('Treasury User')],
  ['invoicing-user', flag('Invoicing User')],
  ['clm-advanced-user', flag('Does the user have a Contract Lifecycle Management Advanced License?')],
  ['authentication-method', text('Authentication Method')],
  ['sso-identifier', text('Sso Identifier')],
  ['email', text('Email')],
  ['firstname', text('First Name')],
  ['middlename', text('Middle Name')],
  ['lastname', text('Last Name')],
  ['employee-number', text('Employee Number')],
  ['department', text('Department', 'name')],
  ['phone-work', text('Phone Work')],
  ['phone-mobile', text('Phone Mobile')],
  // Approval limits: "1000.00 USD", or the name of an existing limit (Coupa's page).
  ['approval-limit', text('Approval Limit')],
  ['requisition-approval-limit', text('Requisition Approval Limit')],
  ['expense-approval-limit', text('Expense Approval Limit')],
  ['invoice-approval-limit', text('Invoice Approval Limit')],
  ['contract-approval-limit', text('Contract Approval Limit')],
  ['work-confirmation-approval-limit', text('Service/Time Sheets Approval Limit')],
  ['self-approval-limit', text('Self Approval Limit')],
  ['requisition-self-approval-limit', text('Requisition Self Approval Limit')],
  ['expense-self-approval-limit', text('Expense Self Approval Limit')],
  ['invoice-self-approval-limit', text('Invoice Self Approval Limit')],
  ['contract-self-approval-limit', text('Contract Self Approval Limit')],
  ['escalation-threshold', text('Escalation Threshold Limit')],
  ['default-account-type', text('Default Chart of Accounts Name', 'name')],
  ['default-account', text('Default Account Code', 'code')],
  // Lists: comma-separated names (Coupa: "If entering more than one, use a comma to separate").
  ['roles', text('User Role Names', 'name')],
  ['content-groups', text('Content Groups', 'name')],
  ['account-groups', text('Account Group Names', 'name')],
  ['approval-groups', text('Approval Group Names', 'name')],
  ['user-groups', text('Groups', 'name')],
  ['working-warehouses', text('Warehouses', 'name')],
  ['inventory-organizations', text('Inventory Organizations', 'name')],
  ['default-currency', text('Default Currency', 'code')],
  ['default-locale', text('Default Locale')],
  ['account-security-type', text('Account Security Type')],
  ['business-group-security-type', text('Business Group Security Type')],
  ['edit-invoice-on-quick-entry', flag('Edit Invoice On Quick Entry')],
  ['mention-name', text('Mention Name')],
  ['country-of-residence', text('Country Of Residence Code', 'code')],
  ['employee-payment-channel', text('Employee Payment Channel')],
  ['legal-entity', text('Legal Entity Name', 'name')],
  ['allow-employee-payment-account-creation', flag('Allow Employee Payment Account Creation')],
  ['allow-user-to-upload-invoice-from-mobile', flag('Allow user to upload Invoice images from Coupa Mobile to Invoice Inbox')],
  ['seniority-level', text('Seniority Level')],
  ['business-function', text('Business Function')],
]);

/** The column of an element path: `department` and `department.name` alike; undefined for any other path. */
function specOf(element: string): ColumnSpec | undefined {
  const direct = COLUMNS.get(element);
  if (direct) return direct;
  const dot = element.indexOf('.');
  if (dot < 0) return undefined;
  const base = COLUMNS.get(element.slice(0, dot));
  return base?.natural !== undefined && element.slice(dot + 1) === base.natural ? base : undefined;
}

/**
 * The Users Import CSV column (Coupa's published title) for a user element path as the sync
 * mapping names it: `login` → `Login`, `firstname` → `First Name`, `active` → `Status`,
 * `department.name` (or `department`) → `Department`, `purchasing-user` → `Purchasing User`.
 * Undefined for an element no Users Import column writes (an unknown name, a read-only element,
 * an association by anything but its natural key).
 */
export function usersCsvColumn(element: string): string | undefined {
  return specOf(element)?.header;
}

/** One user's changes as a CSV row. */
export interface CsvUserRow {
  /** The key element's value (the login, or the employee number). */
  readonly key: string;
  /** Element path → text, only the elements the row changes; `active` and licences as `'true'`/`'false'`. */
  readonly values: Readonly<Record<string, string>>;
  /**
   * Coupa's id of the user, for an update (addition to the first contract): written in an `Id`
   * column, which Coupa's loader tries before any other key, so a row keyed by login may also
   * change the employee number. Leave it out for a create.
   */
  readonly id?: number | string;
}

/** One file to upload. */
export interface CsvFile {
  /** `${baseName}-${n}.csv`, n from 1. */
  readonly name: string;
  /** UTF-8 without a BOM, CRLF line ends. */
  readonly data: Buffer;
  /** `keys[i]` is the key of data row i: Coupa's upload error `row` r is `keys[r - 2]` (the header is row 1). */
  readonly keys: readonly string[];
}

/** Coupa's row limit per file (its Best Practices: "not more than 5000 rows (excluding the header row)"). */
export const MAX_CSV_ROWS = 5000;
/** Coupa's file size limit for CSV integrations: 8 MB (8,388,608 bytes). */
export const MAX_CSV_BYTES = 8 * 1024 * 1024;

/** A cell as Coupa reads it: booleans Yes/No, `active` as active/inactive, other text as is. */
function cellOf(spec: ColumnSpec, value: string): string {
  if (spec.kind === 'status') return value === 'true' ? 'active' : value === 'false' ? 'inactive' : value;
  if (spec.kind === 'boolean') return value === 'true' ? 'Yes' : value === 'false' ? 'No' : value;
  return value;
}

/**
 * RFC 4180 with CRLF record ends (Coupa's sample files, test/fixtures/flat-files, use CRLF; its
 * flat-file conventions: comma, `""` inside quotes, UTF-8 without a BOM). A field is quoted only
 * when it must be; csv-stringify quotes a lone CR or LF only when asked (`quoted_match`).
 */
const toCsv = (records: readonly (readonly string[])[]): string =>
  stringify(records as string[][], { record_delimiter: 'windows', quoted_match: /[\r\n]/ });

/**
 * Writes Coupa Users Import CSV files for `rows`: the key element's column first (`Login` or
 * `Employee Number`), then `Id` when any row carries one, then one column per element any row
 * carries (their union, in first-seen order). A row leaves the cells of elements it does not
 * change empty, which Coupa and Roster read as "leave as is" (see the top of this file), so one
 * column set serves every row. Booleans are written Yes/No, `active` active/inactive.
 *
 * Files hold at most `maxRows` data rows (default 5,000, Coupa's limit) and `maxBytes` bytes
 * (default 8 MB, Coupa's limit; an addition to the first contract), rows in the given order;
 * named `${baseName}-${n}.csv` from n = 1. No rows, no files.
 *
 * Throws SyncFatalError for an element with no Users Import column, an empty key, or a single row
 * larger than `maxBytes`.
 */
export function writeUsersCsv(
  rows: readonly CsvUserRow[],
  keyElement: 'login' | 'employee-number',
  options: { readonly maxRows?: number; readonly maxBytes?: number; readonly baseName: string },
): CsvFile[] {
  const maxRows = options.maxRows ?? MAX_CSV_ROWS;
  const maxBytes = options.maxBytes ?? MAX_CSV_BYTES;
  if (!Number.isInteger(maxRows) || maxRows < 1)
    throw new SyncFatalError(`maxRows must be a whole number from 1, not ${maxRows}`);
  const keySpec = COLUMNS.get(keyElement);
  if (!keySpec) throw new SyncFatalError(`${keyElement} is not a key of Coupa's Users Import`);

  // The columns after the key (and Id), in first-seen order.
  const columns: Array<{ readonly element: string; readonly spec: ColumnSpec }> = [];
  const seen = new Set<string>();
  // Header (case folded, as the loader matches) → the element writing it.
  const headers = new Map<string, string>([[keySpec.header.toLowerCase(), keyElement]]);
  let withId = false;
  for (const row of rows) {
    if (row.key.trim() === '') throw new SyncFatalError(`A CSV row has an empty ${keySpec.header}`);
    if (row.id !== undefined) withId = true;
    for (const element of Object.keys(row.values)) {
      // The key element's own column is the first one, filled from `key`.
      if (element === keyElement || seen.has(element)) continue;
      const spec = specOf(element);
      if (!spec) throw new SyncFatalError(`Coupa's Users Import has no column for the user element ${element}`);
      // `department` and `department.name` both write Department: one column (the loader refuses a column twice).
      const other = headers.get(spec.header.toLowerCase());
      if (other !== undefined) {
        throw new SyncFatalError(`The user elements ${other} and ${element} both write the column ${spec.header}`);
      }
      headers.set(spec.header.toLowerCase(), element);
      seen.add(element);
      columns.push({ element, spec });
    }
  }
  const header = [keySpec.header, ...(withId ? ['Id'] : []), ...columns.map((c) => c.spec.header)];
  const headerText = toCsv([header]);
  const headerBytes = Buffer.byteLength(headerText);

  const files: CsvFile[] = [];
  let lines: string[] = [];
  let keys: string[] = [];
  let bytes = headerBytes;
  const flush = (): void => {
    if (keys.length === 0) return;
    files.push({
      name: `${options.baseName}-${files.length + 1}.csv`,
      data: Buffer.from(headerText + lines.join(''), 'utf8'),
      keys,
    });
    lines = [];
    keys = [];
    bytes = headerBytes;
  };
  for (const row of rows) {
    const cells = [
      row.key,
      ...(withId ? [row.id === undefined ? '' : String(row.id)] : []),
      ...columns.map(({ element, spec }) => {
        const value = row.values[element];
        return value === undefined ? '' : cellOf(spec, value);
      }),
    ];
    const line = toCsv([cells]);
    const size = Buffer.byteLength(line);
    if (headerBytes + size > maxBytes) {
      throw new SyncFatalError(
        `The CSV row of ${row.key} takes ${size} bytes: with the header, more than a file may (${maxBytes})`,
      );
    }
    if (keys.length >= maxRows || bytes + size > maxBytes) flush();
    lines.push(line);
    keys.push(row.key);
    bytes += size;
  }
  flush();
  return files;
}
