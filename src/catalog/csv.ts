import { resourceNamed } from './registry.js';
import type { ResourceDef } from './resource.js';
import type { Element, ScalarType } from './types.js';

/**
 * The CSV codec of a resource, derived from its definition: one column per element a client
 * may write (and the id), named as Coupa's Import page names it. A cell reads into the value
 * the same element takes in an API document, so a CSV row is validated and written exactly as
 * a JSON body is. Used by the flat-file loader (domain/loads/) and, later, by `roster sync
 * --via csv` to write files.
 */

/** What one cell gives: a document value, nothing (a blank cell leaves the element as it is), or a problem. */
export type CellRead =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: string } | { readonly ok: 'blank' };

export interface CsvColumn {
  /** The header as Coupa spells it: `First Name`. */
  readonly header: string;
  /** The element it writes: `firstname`. */
  readonly element: string;
  readonly read: (cell: string) => CellRead;
}

/** Coupa's boolean spellings in flat files (Users Import: "Yes/No, True/False, Y/N, T/F"), any case. */
const TRUE = new Set(['yes', 'true', 'y', 't', '1']);
const FALSE = new Set(['no', 'false', 'n', 'f', '0']);

/** `employee-number` → `Employee Number`: Coupa's column for an element its Import page does not spell otherwise. */
export const titleCase = (name: string): string =>
  name
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');

/** A header as matched: trimmed, case folded, without the `*` Coupa's templates put on required columns. */
export const headerKey = (header: string): string =>
  header
    .trim()
    .replace(/\s*\*$/, '')
    .toLowerCase();

function scalarReader(type: ScalarType): (cell: string) => CellRead {
  if (type !== 'boolean') return (cell) => ({ ok: true, value: cell });
  return (cell) => {
    const word = cell.toLowerCase();
    if (TRUE.has(word)) return { ok: true, value: true };
    if (FALSE.has(word)) return { ok: true, value: false };
    return { ok: false, problem: 'is not Yes/No, True/False, Y/N or T/F' };
  };
}

/** A cell naming a row of `target`: by its key, or as the target reads cells (`1000.00 USD`). */
const refValue = (target: string, cell: string): unknown => resourceNamed(target).fromCell?.(cell) ?? cell;

function columnOf(el: Element): CsvColumn | undefined {
  const header = el.csv ?? titleCase(el.name);
  const blankOr =
    (read: (cell: string) => CellRead) =>
    (raw: string): CellRead => {
      const cell = raw.trim();
      return cell === '' ? { ok: 'blank' } : read(cell);
    };
  switch (el.kind) {
    case 'scalar':
      if (!el.in && el.auto !== 'id') return undefined;
      return { header: el.auto === 'id' ? 'Id' : header, element: el.name, read: blankOr(scalarReader(el.type)) };
    case 'composite':
      return el.in ? { header, element: el.name, read: blankOr((cell) => ({ ok: true, value: cell })) } : undefined;
    case 'reference':
      if (!el.in || el.owner) return undefined;
      return { header, element: el.name, read: blankOr((cell) => ({ ok: true, value: refValue(el.target, cell) })) };
    case 'collection':
      if (!el.in) return undefined;
      // Coupa: "If entering more than one, use a comma to separate" (User Role Names).
      return {
        header,
        element: el.name,
        read: blankOr((cell) => ({
          ok: true,
          value: cell
            .split(',')
            .map((part) => part.trim())
            .filter((part) => part !== '')
            .map((part) => refValue(el.target, part)),
        })),
      };
    case 'secret':
    case 'computed':
    case 'children':
    case 'through':
      return undefined;
  }
}

const cache = new WeakMap<ResourceDef, readonly CsvColumn[]>();

/**
 * The CSV columns of `def`, in element order: the id as `Id`, every writable element under its
 * `csv` name or its name in title case, and each query alias as a column of its own (a user's
 * `Status`, `active`/`inactive`, is `active` true or false).
 */
export function csvColumns(def: ResourceDef): readonly CsvColumn[] {
  let columns = cache.get(def);
  if (!columns) {
    const list = def.elements.flatMap((el) => {
      const column = columnOf(el);
      return column ? [column] : [];
    });
    for (const [param, alias] of Object.entries(def.api?.aliases ?? {})) {
      const values = new Map(Object.entries(alias.values).map(([word, value]) => [word.toLowerCase(), value]));
      const words = Object.keys(alias.values).join(' or ');
      list.push({
        header: titleCase(param),
        element: alias.element,
        read: (raw) => {
          const cell = raw.trim();
          if (cell === '') return { ok: 'blank' };
          const value = values.get(cell.toLowerCase());
          return value === undefined ? { ok: false, problem: `must be ${words}` } : { ok: true, value };
        },
      });
    }
    columns = list;
    cache.set(def, columns);
  }
  return columns;
}

/** The columns of `def` by `headerKey`; two columns of one header are a definition error. */
export function csvColumnsByHeader(def: ResourceDef): ReadonlyMap<string, CsvColumn> {
  const map = new Map<string, CsvColumn>();
  for (const column of csvColumns(def)) {
    const key = headerKey(column.header);
    if (map.has(key)) throw new Error(`${def.name}: two CSV columns named ${column.header}`);
    map.set(key, column);
  }
  return map;
}
