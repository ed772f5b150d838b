import { format as formatDate, isValid, parse as parseDate } from 'date-fns';
import type { InputRow } from './input.js';
import type { FieldSource, Mapping, Transform } from './mapping.js';
import type { DesiredUser, Failure } from './types.js';
import { assertNever } from './assert-never.js';
import { booleanText, foldKey, isBooleanElement } from './values.js';

/**
 * The export read through the mapping.
 * - `users`: folded key → what the export says of that user (snapshot rows, and `--deltas` upserts).
 * - `deactivate`: folded keys a `--deltas` export names for deactivation (always empty for a snapshot).
 * - `skipped`: rows out of scope.
 * - `failures`: rows refused (no key, a duplicate key, a value that cannot be read, an unknown action).
 * - `leftAlone`: folded keys of rows out of scope or refused: a snapshot never deactivates their users,
 *   since the export did not say they left.
 */
export interface Desired {
  readonly users: ReadonlyMap<string, DesiredUser>;
  readonly deactivate: ReadonlyMap<string, { readonly key: string; readonly line: number }>;
  readonly skipped: number;
  readonly failures: readonly Failure[];
  readonly leftAlone: ReadonlySet<string>;
}

const caseless = (list: readonly string[]): Set<string> => new Set(list.map((v) => v.trim().toLowerCase()));

function applyTransform(value: string, t: Transform): string {
  switch (t) {
    case 'trim':
      return value.trim();
    case 'lower':
      return value.toLowerCase();
    case 'upper':
      return value.toUpperCase();
    case 'collapse-spaces':
      return value.replace(/\s+/g, ' ').trim();
    default:
      return assertNever(t);
  }
}

/** One field's value for a row, or an Error saying why it cannot be read. */
function fieldValue(element: string, source: FieldSource, cells: Readonly<Record<string, string>>): string | Error {
  let value = source.constant ?? (cells[source.column ?? ''] ?? '').trim();
  if (value === '' && source.default !== undefined) value = source.default;
  for (const t of source.transforms) value = applyTransform(value, t);
  if (source.date !== undefined && value !== '') {
    const d = parseDate(value, source.date.from, new Date(2000, 0, 1));
    if (!isValid(d)) return new Error(`${element}: "${value}" is not a date in the form ${source.date.from}`);
    value = formatDate(d, source.date.to);
  }
  if (isBooleanElement(element)) {
    const b = booleanText(value);
    if (b === undefined) return new Error(`${element}: "${value}" is not a boolean (Yes/No, True/False, Y/N, 1/0)`);
    value = b;
  }
  return value;
}

/**
 * Reads the export's rows through the mapping. `deltas`: rows carry the mapping's action column.
 * Columns the mapping names but the export lacks are a fatal problem the caller checks first
 * (`missingColumns`); here every row is read on its own and a bad row fails alone.
 */
export function desiredUsers(rows: readonly InputRow[], mapping: Mapping, deltas: boolean): Desired {
  const users = new Map<string, DesiredUser>();
  const deactivate = new Map<string, { key: string; line: number }>();
  const failures: Failure[] = [];
  const leftAlone = new Set<string>();
  const seen = new Map<string, number>();
  const scope = mapping.scope === undefined ? undefined : { column: mapping.scope.column, in: caseless(mapping.scope.in) };
  const activeValues = mapping.status === undefined ? undefined : caseless(mapping.status.active);
  const upsert = caseless(mapping.deltas.upsert);
  const down = caseless(mapping.deltas.deactivate);
  let skipped = 0;

  const keySource = mapping.fields.get(mapping.key);
  for (const { line, cells } of rows) {
    const key = keySource === undefined ? '' : fieldValue(mapping.key, keySource, cells);
    if (scope !== undefined && !scope.in.has((cells[scope.column] ?? '').trim().toLowerCase())) {
      if (typeof key === 'string' && key !== '') leftAlone.add(foldKey(key));
      skipped++;
      continue;
    }
    if (key instanceof Error || key === '') {
      failures.push({ key: '', action: 'input', reason: `line ${line}: no ${mapping.key}` });
      continue;
    }
    const folded = foldKey(key);
    const earlier = seen.get(folded);
    if (earlier !== undefined) {
      // Which row is right is not the run's to guess: neither is applied, and the user is left alone.
      users.delete(folded);
      deactivate.delete(folded);
      leftAlone.add(folded);
      failures.push({
        key,
        action: 'input',
        reason: `line ${line}: ${mapping.key} ${key} is also on line ${earlier}; neither row is applied`,
      });
      continue;
    }
    seen.set(folded, line);

    if (deltas) {
      const action = (cells[mapping.deltas.column] ?? '').trim().toLowerCase();
      if (down.has(action)) {
        deactivate.set(folded, { key, line });
        continue;
      }
      if (!upsert.has(action)) {
        leftAlone.add(folded);
        failures.push({
          key,
          action: 'input',
          reason: `line ${line}: ${mapping.deltas.column} "${action}" is neither an upsert (${mapping.deltas.upsert.join(', ')}) nor a deactivation (${mapping.deltas.deactivate.join(', ')})`,
        });
        continue;
      }
    }

    const values: Record<string, string> = {};
    const problems: string[] = [];
    for (const [element, source] of mapping.fields) {
      const v = fieldValue(element, source, cells);
      if (v instanceof Error) problems.push(v.message);
      else values[element] = v;
    }
    if (problems.length > 0) {
      failures.push({ key, action: 'input', reason: `line ${line}: ${problems.join('; ')}` });
      leftAlone.add(folded);
      continue;
    }
    const active =
      activeValues === undefined || activeValues.has((cells[mapping.status?.column ?? ''] ?? '').trim().toLowerCase());
    users.set(folded, { key, line, active, values });
  }
  return { users, deactivate, skipped, failures, leftAlone };
}

/** The columns the mapping reads that the export lacks (checked once, before any row). */
export function missingColumns(columns: readonly string[], mapping: Mapping, deltas: boolean): string[] {
  const have = new Set(columns);
  const wanted = [
    ...[...mapping.fields.values()].flatMap((s) => (s.column === undefined ? [] : [s.column])),
    ...(mapping.status ? [mapping.status.column] : []),
    ...(mapping.scope ? [mapping.scope.column] : []),
    ...(deltas ? [mapping.deltas.column] : []),
  ];
  return [...new Set(wanted.filter((c) => !have.has(c)))];
}
