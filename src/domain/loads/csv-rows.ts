import { csvColumnsByHeader, headerKey, type CsvColumn } from '../../catalog/csv.js';
import { humanize } from '../../catalog/lookup.js';
import type { FlatFileSpec, ResourceDef } from '../../catalog/resource.js';
import type { Document } from '../record-input.js';

/** The column each position of a row reads, undefined for a column Roster ignores. */
export type PlannedColumns = ReadonlyArray<CsvColumn | undefined>;

/** How a file's header maps onto a resource's columns, or why it cannot be loaded. */
export type HeaderPlan =
  | {
      readonly ok: true;
      readonly columns: PlannedColumns;
      /** Headers no column of the resource has, as the file spells them. */
      readonly unknown: readonly string[];
      /** Headers of Coupa's file that Roster does not keep (`FlatFileSpec.unkept`). */
      readonly unkept: readonly string[];
    }
  | { readonly ok: false; readonly reason: string };

/**
 * Matches a header row to `def`'s CSV columns: case and order do not matter, nor a trailing
 * `*`. The file must have one of the key columns (`Id`, `Employee Number`, `Login` for users:
 * without one no row can name a record) and no column twice.
 */
export function planHeader(def: ResourceDef, spec: FlatFileSpec, header: readonly string[]): HeaderPlan {
  const byHeader = csvColumnsByHeader(def);
  const unkept = new Set((spec.unkept ?? []).map(headerKey));
  const seen = new Set<string>();
  const columns: Array<CsvColumn | undefined> = [];
  const unknown: string[] = [];
  const unkeptSeen: string[] = [];
  for (const raw of header) {
    const key = headerKey(raw);
    if (key === '') {
      columns.push(undefined);
      continue;
    }
    if (seen.has(key)) return { ok: false, reason: `The column ${raw.trim()} appears twice in the header` };
    seen.add(key);
    const column = byHeader.get(key);
    columns.push(column);
    if (column) continue;
    if (unkept.has(key)) unkeptSeen.push(raw.trim());
    else unknown.push(raw.trim());
  }
  const keyHeaders = spec.keys.map((k) => [...byHeader.values()].find((c) => c.element === k)?.header ?? k);
  if (!columns.some((c) => c !== undefined && spec.keys.includes(c.element))) {
    const found = header.map((h) => h.trim()).filter((h) => h !== '');
    const shown = found.length > 10 ? `${found.slice(0, 10).join(', ')}, …` : found.join(', ');
    return { ok: false, reason: `The header needs one of the key columns ${keyHeaders.join(', ')}; it has ${shown || 'none'}` };
  }
  return { ok: true, columns, unknown, unkept: unkeptSeen };
}

/** A row read into a document, with the problems of cells that did not read. */
export interface RowDocument {
  readonly doc: Document;
  /** The header of each element the row gives, to name the column of an error. */
  readonly headers: ReadonlyMap<string, string>;
  readonly problems: ReadonlyArray<{ readonly header: string; readonly value: string; readonly message: string }>;
}

/** Reads one row's cells by the plan; a blank cell is left out, so the record keeps its value. */
export function rowDocument(columns: PlannedColumns, cells: readonly string[]): RowDocument {
  const doc: Document = {};
  const headers = new Map<string, string>();
  const problems: Array<{ header: string; value: string; message: string }> = [];
  columns.forEach((column, i) => {
    if (!column) return;
    const cell = cells[i] ?? '';
    const read = column.read(cell);
    if (read.ok === 'blank') return;
    headers.set(column.element, column.header);
    if (read.ok) doc[column.element] = read.value;
    else problems.push({ header: column.header, value: cell, message: `${column.header} ${read.problem}` });
  });
  return { doc, headers, problems };
}

/**
 * The column a refusal is about: the row's element whose humanized name begins one of the
 * messages (`Email is invalid` → `Email`), the first such message in order. Undefined when no
 * message names an element the row gives.
 */
export function columnOfMessages(messages: readonly string[], headers: ReadonlyMap<string, string>): string | undefined {
  for (const message of messages) {
    let best: { element: string; length: number } | undefined;
    for (const element of headers.keys()) {
      const name = humanize(element).toLowerCase();
      if (message.toLowerCase().startsWith(name) && (!best || name.length > best.length)) best = { element, length: name.length };
    }
    if (best) return headers.get(best.element);
  }
  return undefined;
}
