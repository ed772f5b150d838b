import { readFile } from 'node:fs/promises';
import { SyncFatalError, type KeyElement } from './types.js';

/** A text transform, applied in the order listed (docs/sync.md, "The mapping file"). */
export type Transform = 'trim' | 'lower' | 'upper' | 'collapse-spaces';
const TRANSFORMS: readonly Transform[] = ['trim', 'lower', 'upper', 'collapse-spaces'];

/**
 * Where one Coupa user element's value comes from.
 * - `column`: the input column (CSV header or JSON Lines property) to read; absent with `constant`.
 * - `constant`: a fixed value for every row.
 * - `transforms`: applied in order after reading (trim is always applied first to columns).
 * - `date`: `{from, to}` date-fns patterns (`MM/dd/yyyy` → `yyyy-MM-dd`); an unparseable date refuses the row.
 * - `default`: the value when the cell is empty.
 */
export interface FieldSource {
  readonly column?: string;
  readonly constant?: string;
  readonly transforms: readonly Transform[];
  readonly date?: { readonly from: string; readonly to: string };
  readonly default?: string;
}

/** Which rows say a person is active: `column`'s value (any ASCII case) is one of `active`; any other value is inactive. */
export interface StatusRule {
  readonly column: string;
  readonly active: readonly string[];
}

/** Which rows the run considers: `column`'s value is one of `in` (any ASCII case). Other rows, and their users, are left alone. */
export interface ScopeRule {
  readonly column: string;
  readonly in: readonly string[];
}

/** The action column of a `--deltas` export: values (any ASCII case) meaning create-or-update, and deactivate. */
export interface DeltaRule {
  readonly column: string;
  readonly upsert: readonly string[];
  readonly deactivate: readonly string[];
}

/** A mapping file, checked (docs/sync.md). */
export interface Mapping {
  readonly key: KeyElement;
  /** Coupa user element path (`email`, `department.name`) → its source, in file order. */
  readonly fields: ReadonlyMap<string, FieldSource>;
  readonly status?: StatusRule;
  readonly scope?: ScopeRule;
  readonly deltas: DeltaRule;
  /** Keys (any ASCII case) of users a run never deactivates (admins, integration users). */
  readonly protect: readonly string[];
}

const DEFAULT_DELTAS: DeltaRule = {
  column: 'action',
  upsert: ['upsert', 'add', 'create', 'update', 'modify', 'hire', 'rehire', 'change'],
  deactivate: ['deactivate', 'delete', 'remove', 'terminate', 'disable'],
};

/** An element path: a user element name, or `association.name` for an association by its natural key. */
const ELEMENT_PATH = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)?$/;
/** Elements a mapping may not set: the server owns them, or the run derives them. */
const NOT_MAPPABLE = new Set(['id', 'created-at', 'updated-at', 'api-user', 'active', 'fullname']);

/** Reads and checks a mapping file. Throws SyncFatalError naming the file and the problem. */
export async function loadMapping(file: string): Promise<Mapping> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new SyncFatalError(`cannot read the mapping ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let doc: unknown;
  try {
    // Loaded when a mapping is read: YAML is a large module a server start never needs.
    doc = (await import('yaml')).parse(text);
  } catch (err) {
    throw new SyncFatalError(`the mapping ${file} is not valid YAML: ${(err as Error).message.split('\n')[0] ?? ''}`);
  }
  try {
    return parseMapping(doc);
  } catch (err) {
    if (err instanceof MappingError) throw new SyncFatalError(`the mapping ${file}: ${err.message}`);
    throw err;
  }
}

class MappingError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(v: unknown, at: string): string {
  if (typeof v === 'string' && v.trim() !== '') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new MappingError(`${at} must be a non-empty string`);
}

/** A YAML scalar as text (`Yes`, `42`, `true`, `''`). */
function scalar(v: unknown, at: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new MappingError(`${at} must be a single value`);
}

function texts(v: unknown, at: string): string[] {
  const list = Array.isArray(v) ? (v as unknown[]) : [v];
  if (list.length === 0) throw new MappingError(`${at} must list at least one value`);
  return list.map((item, i) => text(item, `${at}[${i}]`));
}

function only(obj: Record<string, unknown>, allowed: readonly string[], at: string): void {
  const unknown = Object.keys(obj).filter((k) => !allowed.includes(k));
  if (unknown.length > 0)
    throw new MappingError(
      `${at} has unknown ${unknown.length === 1 ? 'entry' : 'entries'} ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`,
    );
}

function fieldSource(spec: unknown, at: string): FieldSource {
  if (typeof spec === 'string') return { column: text(spec, at), transforms: [] };
  if (!isObject(spec)) throw new MappingError(`${at} must be a column name or {column, constant, transforms, date, default}`);
  only(spec, ['column', 'constant', 'transforms', 'transform', 'date', 'default'], at);
  const column = spec['column'] === undefined ? undefined : text(spec['column'], `${at}.column`);
  const constant = spec['constant'] === undefined ? undefined : scalar(spec['constant'], `${at}.constant`);
  if ((column === undefined) === (constant === undefined))
    throw new MappingError(`${at} needs exactly one of column and constant`);
  const rawTransforms = spec['transforms'] ?? spec['transform'];
  const transforms = rawTransforms === undefined ? [] : texts(rawTransforms, `${at}.transforms`);
  for (const t of transforms) {
    if (!TRANSFORMS.includes(t as Transform))
      throw new MappingError(`${at}.transforms: unknown transform ${t} (known: ${TRANSFORMS.join(', ')})`);
  }
  let date: FieldSource['date'];
  if (spec['date'] !== undefined) {
    const d = spec['date'];
    if (typeof d === 'string') date = { from: d, to: 'yyyy-MM-dd' };
    else if (isObject(d)) {
      only(d, ['from', 'to'], `${at}.date`);
      date = {
        from: text(d['from'], `${at}.date.from`),
        to: d['to'] === undefined ? 'yyyy-MM-dd' : text(d['to'], `${at}.date.to`),
      };
    } else throw new MappingError(`${at}.date must be a pattern or {from, to}`);
  }
  const dflt = spec['default'] === undefined ? undefined : scalar(spec['default'], `${at}.default`);
  return {
    transforms: transforms as Transform[],
    ...(column === undefined ? {} : { column }),
    ...(constant === undefined ? {} : { constant }),
    ...(date === undefined ? {} : { date }),
    ...(dflt === undefined ? {} : { default: dflt }),
  };
}

/** Checks a parsed mapping document (exported for tests). Throws MappingError-derived SyncFatalError via loadMapping. */
export function parseMapping(doc: unknown): Mapping {
  if (!isObject(doc)) throw new MappingError('must be a YAML mapping with key: and fields:');
  only(doc, ['key', 'fields', 'status', 'scope', 'deltas', 'protect'], 'the file');
  const key = doc['key'];
  if (key !== 'login' && key !== 'employee-number') throw new MappingError('key: must be login or employee-number');
  const rawFields = doc['fields'];
  if (!isObject(rawFields) || Object.keys(rawFields).length === 0)
    throw new MappingError('fields: must map Coupa user elements to input columns');
  const fields = new Map<string, FieldSource>();
  for (const [element, spec] of Object.entries(rawFields)) {
    if (!ELEMENT_PATH.test(element))
      throw new MappingError(
        `fields: ${element} is not a Coupa user element name (lower case, dashed: employee-number, department.name)`,
      );
    if (NOT_MAPPABLE.has(element)) {
      throw new MappingError(
        `fields: ${element} cannot be mapped${element === 'active' ? ' (use status: to say which rows are active)' : ''}`,
      );
    }
    fields.set(element, fieldSource(spec, `fields.${element}`));
  }
  if (!fields.has(key)) throw new MappingError(`fields: must map the key element ${key}`);

  let status: StatusRule | undefined;
  if (doc['status'] !== undefined) {
    const s = doc['status'];
    if (!isObject(s)) throw new MappingError('status: must be {column, active: [values]}');
    only(s, ['column', 'active'], 'status');
    status = { column: text(s['column'], 'status.column'), active: texts(s['active'], 'status.active') };
  }
  let scope: ScopeRule | undefined;
  if (doc['scope'] !== undefined) {
    const s = doc['scope'];
    if (!isObject(s)) throw new MappingError('scope: must be {column, in: [values]}');
    only(s, ['column', 'in'], 'scope');
    scope = { column: text(s['column'], 'scope.column'), in: texts(s['in'], 'scope.in') };
  }
  let deltas = DEFAULT_DELTAS;
  if (doc['deltas'] !== undefined) {
    const d = doc['deltas'];
    if (!isObject(d)) throw new MappingError('deltas: must be {column, upsert: [values], deactivate: [values]}');
    only(d, ['column', 'upsert', 'deactivate'], 'deltas');
    deltas = {
      column: d['column'] === undefined ? DEFAULT_DELTAS.column : text(d['column'], 'deltas.column'),
      upsert: d['upsert'] === undefined ? DEFAULT_DELTAS.upsert : texts(d['upsert'], 'deltas.upsert'),
      deactivate: d['deactivate'] === undefined ? DEFAULT_DELTAS.deactivate : texts(d['deactivate'], 'deltas.deactivate'),
    };
  }
  const protect = doc['protect'] === undefined ? [] : texts(doc['protect'], 'protect');
  return { key, fields, deltas, protect, ...(status === undefined ? {} : { status }), ...(scope === undefined ? {} : { scope }) };
}
