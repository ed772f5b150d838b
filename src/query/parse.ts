import { findElement, indexCatalog, normalizeName } from '../catalog/lookup.js';
import type { ResourceCatalog, ScalarElement, ScalarValue } from '../catalog/types.js';
import { coerceScalar } from '../domain/coerce.js';

export interface Filter {
  readonly element: ScalarElement;
  readonly op: 'eq';
  readonly value: ScalarValue | null;
}

export interface ParsedQuery {
  readonly filters: readonly Filter[];
  readonly offset: number;
  readonly limit: number;
  readonly orderBy: ScalarElement | undefined;
  readonly dir: 'asc' | 'desc';
}

export type QueryParseResult = { ok: true; query: ParsedQuery } | { ok: false; problems: string[] };

/** Core resources return at most 50 records a page; a larger limit is capped, not refused. */
export const MAX_LIMIT = 50;

/** Query-string aliases per resource: Coupa's `status=active|inactive` on users. */
export interface QueryAliases {
  readonly [param: string]: { readonly element: string; readonly values: Readonly<Record<string, string>> };
}

const NOT_YET = new Set(['return_object', 'fields', 'filter']);

function nonNegativeInt(raw: string): number | undefined {
  return /^\d+$/.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : undefined;
}

/**
 * Reads a query string into typed exact-match filters, paging and ordering. Anything it
 * cannot honour is a problem naming the parameter; nothing is silently dropped.
 */
export function parseQuery(
  catalog: ResourceCatalog,
  params: Record<string, unknown>,
  aliases: QueryAliases = {},
): QueryParseResult {
  const index = indexCatalog(catalog);
  const problems: string[] = [];
  const filters: Filter[] = [];
  let offset = 0;
  let limit = MAX_LIMIT;
  let orderBy: ScalarElement | undefined;
  let dir: 'asc' | 'desc' = 'asc';

  for (const [name, rawValue] of Object.entries(params)) {
    if (Array.isArray(rawValue)) {
      problems.push(`Query parameter '${name}' is given more than once`);
      continue;
    }
    const value = typeof rawValue === 'string' ? rawValue : '';
    const param = normalizeName(name);
    if (param === 'offset' || param === 'limit') {
      const n = nonNegativeInt(value);
      if (n === undefined) problems.push(`Query parameter '${name}' must be a non-negative integer`);
      else if (param === 'offset') offset = n;
      else limit = Math.min(n, MAX_LIMIT);
      continue;
    }
    if (param === 'order-by') {
      const el = findElement(index, value);
      if (el?.kind === 'scalar') orderBy = el;
      else problems.push(`Query parameter 'order_by' names no sortable element: '${value}'`);
      continue;
    }
    if (param === 'dir') {
      if (value === 'asc' || value === 'desc') dir = value;
      else problems.push(`Query parameter 'dir' must be asc or desc`);
      continue;
    }
    if (NOT_YET.has(name) || name.includes('[')) {
      problems.push(`Query parameter '${name}' is not supported yet: only exact matches (element=value) are`);
      continue;
    }
    const alias = aliases[param];
    const el = findElement(index, alias ? alias.element : param);
    if (!el || el.kind !== 'scalar') {
      problems.push(`Unknown query parameter '${name}': ${catalog.plural} have no such element`);
      continue;
    }
    const mapped = alias ? alias.values[value.toLowerCase()] : value;
    if (mapped === undefined) {
      problems.push(`Query parameter '${name}' must be one of ${Object.keys(alias?.values ?? {}).join(', ')}`);
      continue;
    }
    const c = coerceScalar(el.type, mapped);
    if (!c.ok) problems.push(`Query parameter '${name}' ${c.problem}`);
    else filters.push({ element: el, op: 'eq', value: c.value });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, query: { filters, offset, limit, orderBy, dir } };
}
