// The sync connector's pure parts: the mapping file, the export read through it, the plan and the guards.
import { describe, expect, it } from 'vitest';
import { desiredUsers, missingColumns } from '../src/sync/desired.js';
import { deactivationLimit, parseDeactivationLimit, shrinkRefusal } from '../src/sync/guards.js';
import type { InputRow } from '../src/sync/input.js';
import { parseMapping, type Mapping } from '../src/sync/mapping.js';
import { planChanges } from '../src/sync/plan.js';
import type { CoupaUser } from '../src/sync/types.js';
import { fieldsParam, writeBody } from '../src/sync/values.js';

const MAPPING: Mapping = parseMapping({
  key: 'login',
  fields: {
    login: 'user_name',
    email: { column: 'work_email', transforms: ['trim', 'lower'] },
    firstname: 'given_name',
    lastname: 'family_name',
    'employee-number': 'emp_id',
  },
});

const rows = (...cells: Record<string, string>[]): InputRow[] => cells.map((c, i) => ({ line: i + 2, cells: c }));
const hr = (login: string, lastname: string, extra: Record<string, string> = {}): Record<string, string> => ({
  user_name: login,
  work_email: ` ${login.toUpperCase()}@Example.com `,
  given_name: 'Ada',
  family_name: lastname,
  emp_id: `E-${login}`,
  ...extra,
});
const coupa = (id: number, login: string, lastname: string, active = true, apiUser = false): CoupaUser => ({
  id,
  key: login,
  active,
  apiUser,
  values: { login, email: `${login}@example.com`, firstname: 'Ada', lastname, 'employee-number': `E-${login}` },
});
const byKey = (...users: CoupaUser[]): Map<string, CoupaUser> => new Map(users.map((u) => [u.key.toLowerCase(), u]));

describe('the mapping file', () => {
  it('takes a column name or a source with transforms, constants, dates and defaults', () => {
    const m = parseMapping({
      key: 'employee-number',
      fields: {
        'employee-number': 'id',
        'purchasing-user': { constant: 'Yes' },
        'department.name': { column: 'dept', default: 'General' },
      },
      status: { column: 'status', active: ['Active', 'Leave'] },
      scope: { column: 'company', in: 'ACME' },
      protect: ['admin'],
    });
    expect(m.key).toBe('employee-number');
    expect(m.fields.get('purchasing-user')).toEqual({ constant: 'Yes', transforms: [] });
    expect(m.scope).toEqual({ column: 'company', in: ['ACME'] });
    expect(m.deltas.column).toBe('action');
  });

  it.each([
    [{ fields: { login: 'a' } }, /key: must be login or employee-number/],
    [{ key: 'email', fields: { email: 'a' } }, /key: must be login or employee-number/],
    [{ key: 'login', fields: { email: 'e' } }, /must map the key element login/],
    [{ key: 'login', fields: { login: 'l', active: 'x' } }, /active cannot be mapped \(use status:/],
    [{ key: 'login', fields: { login: 'l', Email: 'x' } }, /Email is not a Coupa user element name/],
    [{ key: 'login', fields: { login: { column: 'l', transforms: ['shout'] } } }, /unknown transform shout/],
    [{ key: 'login', fields: { login: { column: 'l', constant: 'x' } } }, /exactly one of column and constant/],
    [{ key: 'login', fields: { login: 'l' }, extra: 1 }, /unknown entry extra/],
    ['just text', /must be a YAML mapping/],
  ])('refuses %j', (doc, message) => {
    expect(() => parseMapping(doc)).toThrow(message);
  });
});

describe('the export through the mapping', () => {
  it('applies transforms, reads booleans and dates, and refuses bad rows alone', () => {
    const m = parseMapping({
      key: 'login',
      fields: { login: 'u', 'purchasing-user': 'buyer', 'start-date': { column: 'start', date: 'MM/dd/yyyy' } },
    });
    const d = desiredUsers(
      rows(
        { u: 'ada', buyer: 'Y', start: '03/09/2026' },
        { u: 'bob', buyer: 'maybe', start: '' },
        { u: '', buyer: 'N', start: '' },
        { u: 'CY', buyer: 'N', start: '' },
        { u: 'cy', buyer: 'Y', start: '' },
      ),
      m,
      false,
    );
    expect(d.users.get('ada')?.values).toEqual({ login: 'ada', 'purchasing-user': 'true', 'start-date': '2026-03-09' });
    expect(d.failures).toEqual([
      { key: 'bob', action: 'input', reason: 'line 3: purchasing-user: "maybe" is not a boolean (Yes/No, True/False, Y/N, 1/0)' },
      { key: '', action: 'input', reason: 'line 4: no login' },
      { key: 'cy', action: 'input', reason: 'line 6: login cy is also on line 5; neither row is applied' },
    ]);
    // A refused row's user, and a duplicated key's, are left alone (never deactivated as absent).
    expect([d.leftAlone.has('bob'), d.leftAlone.has('cy'), d.users.has('cy')]).toEqual([true, true, false]);
  });

  it('says which mapped columns the export lacks', () => {
    expect(missingColumns(['user_name', 'work_email'], MAPPING, true)).toEqual(['given_name', 'family_name', 'emp_id', 'action']);
  });
});

describe('the plan', () => {
  it('creates, updates only what changed, reactivates, deactivates the absent, and leaves API users and protected keys alone', () => {
    const d = desiredUsers(
      rows(hr('ada', 'Lovelace'), hr('bob', 'Builder-New'), hr('cy', 'Back'), hr('dee', 'New')),
      MAPPING,
      false,
    );
    const plan = planChanges(
      d,
      byKey(
        coupa(1, 'ada', 'Lovelace'),
        coupa(2, 'bob', 'Builder'),
        coupa(3, 'cy', 'Back', false),
        coupa(4, 'gone', 'X'),
        coupa(5, 'api', 'X', true, true),
        coupa(6, 'root', 'X'),
      ),
      ['ROOT'],
      true,
    );
    expect(plan.changes).toEqual([
      { action: 'update', key: 'bob', id: 2, changes: { lastname: 'Builder-New' } },
      { action: 'reactivate', key: 'cy', id: 3, changes: {} },
      {
        action: 'create',
        key: 'dee',
        changes: { login: 'dee', email: 'dee@example.com', firstname: 'Ada', lastname: 'New', 'employee-number': 'E-dee' },
      },
      { action: 'deactivate', key: 'gone', id: 4 },
    ]);
    expect(plan.unchanged).toBe(1);
    expect(plan.activeManaged).toBe(3);
  });

  it('deactivates by the status column, and only users Coupa has active', () => {
    const m = parseMapping({ key: 'login', fields: { login: 'user_name' }, status: { column: 'status', active: ['Active'] } });
    const d = desiredUsers(
      rows(
        { user_name: 'ada', status: 'Terminated' },
        { user_name: 'bob', status: 'terminated' },
        { user_name: 'new', status: 'Leave' },
      ),
      m,
      false,
    );
    const plan = planChanges(d, byKey(coupa(1, 'ada', 'L'), coupa(2, 'bob', 'B', false)), [], true);
    expect(plan.changes).toEqual([{ action: 'deactivate', key: 'ada', id: 1 }]);
    expect([plan.unchanged, plan.skipped]).toEqual([1, 1]);
  });

  it('leaves the users of out-of-scope and refused rows alone', () => {
    const m = parseMapping({
      key: 'login',
      fields: { login: 'u', 'purchasing-user': 'p' },
      scope: { column: 'co', in: ['ACME'] },
    });
    const d = desiredUsers(rows({ u: 'ada', co: 'Other', p: 'y' }, { u: 'bob', co: 'acme', p: '??' }), m, false);
    const plan = planChanges(d, byKey(coupa(1, 'ada', 'L'), coupa(2, 'bob', 'B')), [], true);
    expect(plan.changes).toEqual([]);
    expect(plan.skipped).toBe(1);
  });

  it('with --deltas, deactivates only the rows that say so and never the absent', () => {
    const d = desiredUsers(
      rows(
        { ...hr('ada', 'New'), action: 'update' },
        { ...hr('bob', 'B'), action: 'Terminate' },
        { ...hr('cy', 'C'), action: 'fly' },
      ),
      MAPPING,
      true,
    );
    const plan = planChanges(
      d,
      byKey(coupa(1, 'ada', 'Old'), coupa(2, 'bob', 'B'), coupa(3, 'cy', 'C'), coupa(4, 'dee', 'D')),
      [],
      false,
    );
    expect(plan.changes).toEqual([
      { action: 'update', key: 'ada', id: 1, changes: { lastname: 'New' } },
      { action: 'deactivate', key: 'bob', id: 2 },
    ]);
    expect(plan.inputFailures[0]?.reason).toMatch(/action "fly" is neither an upsert/);
  });
});

describe('the guards', () => {
  it('limits deactivations to the lower of 200 and 20% by default, or N, or P%', () => {
    expect(deactivationLimit(undefined, 3)).toBe(1);
    expect(deactivationLimit(undefined, 500)).toBe(100);
    expect(deactivationLimit(undefined, 100_000)).toBe(200);
    // A --deltas run that read only its own users does not know the whole: the absolute cap.
    expect(deactivationLimit(undefined, undefined)).toBe(200);
    expect(deactivationLimit(parseDeactivationLimit('7'), 100)).toBe(7);
    expect(deactivationLimit(parseDeactivationLimit('5%'), 100)).toBe(5);
    expect(() => parseDeactivationLimit('many')).toThrow(/count \(50\) or a percentage/);
    expect(() => parseDeactivationLimit('150%')).toThrow(/over 100%/);
  });

  it('refuses an empty export, and one under half the last accepted', () => {
    expect(shrinkRefusal(0, undefined)).toMatch(/no rows in scope/);
    expect(shrinkRefusal(40, { rows: 100, at: 'then' })).toMatch(/under half the 100/);
    expect(shrinkRefusal(50, { rows: 100, at: 'then' })).toBeUndefined();
  });
});

describe('Coupa documents', () => {
  it('asks only for the mapped elements, associations nested', () => {
    expect(fieldsParam(['login', 'department.name', 'email'])).toBe(
      '["id","active","api-user","login","email",{"department":["name"]}]',
    );
  });

  it('writes booleans as booleans, empty as null, and an association by name', () => {
    expect(writeBody({ 'purchasing-user': 'true', lastname: '', 'department.name': 'Finance' })).toEqual({
      'purchasing-user': true,
      lastname: null,
      department: { name: 'Finance' },
    });
  });
});

describe('the help', () => {
  it('lists the flags, examples and exit codes', async () => {
    const { runInProcess } = await import('./helpers/cli.js');
    const run = await runInProcess('sync', '--help');
    expect(run.code).toBe(0);
    for (const text of [
      '--input <file>',
      '--max-deactivations <n|p%>',
      '--via <how>',
      'Examples:',
      '--dry-run --plan plan.json',
      'Exit status: 0 applied and validated',
    ]) {
      expect(run.stdout).toContain(text);
    }
  });
});
