/**
 * A reference evaluator for the query language on workers, written from docs/query-language.md
 * and docs/workers-api.md and not from src/query, for test/workers-query-differential.test.ts.
 * The value rules (typing, comparison, ASCII case folding, literal `%`/`_`/`\`, NULLs) are the
 * users oracle's (query-oracle.ts), so both resources are held to one reading of the docs.
 *
 * Rows are plain objects keyed by column name, one array per table, as the test inserts them.
 * A path walks belongs-to references (a column holding the target's id) and owned children
 * (rows whose `worker_id` is the worker's id); a condition through either holds when SOME
 * reached row satisfies it, each condition on its own, so two conditions on `worker-emails` may
 * be met by two different e-mails. It knows only the elements the differential test generates;
 * anything else throws, which flags a generator mistake.
 */
import {
  fail,
  holdsThrough,
  isOp,
  orderedIds,
  readQueryWith,
  satisfies,
  underscored,
  type ConditionThrough,
  type FieldType,
  type Op,
  type OracleQuery,
  type Value,
} from './query-oracle.js';

/** A worker as the differential test stores it; keys are the column names. */
export type OracleWorker = {
  readonly id: number;
  readonly first_name: string | null;
  readonly last_name: string | null;
  readonly status: string | null;
  /** `YYYY-MM-DD`. */
  readonly date_of_birth: string | null;
  /** Decimal text (`10.0`, `12.25`), compared as a number. */
  readonly total_experience_in_years: string | null;
  /** ISO-8601 UTC instants, as `Date#toISOString` prints them. */
  readonly created_at: string;
  readonly updated_at: string;
  readonly supplier_id: number | null;
  readonly country_of_residence_id: number | null;
};

export type OracleWorkerEmail = {
  readonly id: number;
  readonly worker_id: number;
  readonly email_address: string | null;
  readonly email_type: string | null;
};

export type OracleWorkerAddress = {
  readonly id: number;
  readonly worker_id: number;
  readonly city: string | null;
  readonly active: boolean | null;
  readonly worker_address_purpose_id: number | null;
};

export type OracleSupplier = { readonly id: number; readonly name: string | null };
/** Countries and worker address purposes: an id, a code and a name. */
export type OracleCoded = { readonly id: number; readonly code: string | null; readonly name: string | null };

/** Every table a worker query reaches, keyed by table name. */
export type WorkerDataset = {
  readonly workers: readonly OracleWorker[];
  readonly suppliers: readonly OracleSupplier[];
  readonly countries: readonly OracleCoded[];
  readonly worker_emails: readonly OracleWorkerEmail[];
  readonly worker_addresses: readonly OracleWorkerAddress[];
  readonly worker_address_purposes: readonly OracleCoded[];
};

type Table = keyof WorkerDataset;
type Row = Readonly<Record<string, Value>>;

/** A belongs-to (`column` holds the target's id) or owned children (the target's `owner` holds this row's id). */
type Hop =
  | { readonly via: 'column'; readonly column: string; readonly target: Table }
  | { readonly via: 'children'; readonly owner: string; readonly target: Table };

interface TableSchema {
  readonly fields: ReadonlyMap<string, FieldType>;
  readonly hops: ReadonlyMap<string, Hop>;
}

/** Element names with underscores (the reader turns dashes into underscores first). */
const SCHEMA: Readonly<Record<Table, TableSchema>> = {
  workers: {
    fields: new Map<string, FieldType>([
      ['id', 'integer'],
      ['first_name', 'text'],
      ['last_name', 'text'],
      ['status', 'text'],
      ['date_of_birth', 'date'],
      ['total_experience_in_years', 'decimal'],
      ['created_at', 'datetime'],
      ['updated_at', 'datetime'],
    ]),
    hops: new Map<string, Hop>([
      ['supplier', { via: 'column', column: 'supplier_id', target: 'suppliers' }],
      ['country_of_residence', { via: 'column', column: 'country_of_residence_id', target: 'countries' }],
      ['worker_emails', { via: 'children', owner: 'worker_id', target: 'worker_emails' }],
      ['worker_addresses', { via: 'children', owner: 'worker_id', target: 'worker_addresses' }],
    ]),
  },
  suppliers: {
    fields: new Map<string, FieldType>([
      ['id', 'integer'],
      ['name', 'text'],
    ]),
    hops: new Map(),
  },
  countries: {
    fields: new Map<string, FieldType>([
      ['id', 'integer'],
      ['code', 'text'],
      ['name', 'text'],
    ]),
    hops: new Map(),
  },
  worker_emails: {
    fields: new Map<string, FieldType>([
      ['id', 'integer'],
      ['email_address', 'text'],
      ['email_type', 'text'],
    ]),
    hops: new Map(),
  },
  worker_addresses: {
    fields: new Map<string, FieldType>([
      ['id', 'integer'],
      ['city', 'text'],
      ['active', 'boolean'],
    ]),
    hops: new Map<string, Hop>([
      ['worker_address_purpose', { via: 'column', column: 'worker_address_purpose_id', target: 'worker_address_purposes' }],
    ]),
  },
  worker_address_purposes: {
    fields: new Map<string, FieldType>([
      ['id', 'integer'],
      ['code', 'text'],
      ['name', 'text'],
    ]),
    hops: new Map(),
  },
};

type Condition = ConditionThrough<Hop>;

const fieldType = (table: Table, field: string): FieldType =>
  SCHEMA[table].fields.get(field) ?? fail(`${table} have no ${field}`);

/**
 * Reads `worker-addresses[worker-address-purpose][code][in]` into hops, a field and an operator.
 * A belongs-to's foreign key names its id, as the docs say Rails spells it: `supplier_id=3` is
 * `supplier[id]=3`, and `supplier_id[blank]=true` is `supplier[id][blank]=true` (no supplier).
 */
function readCondition(key: string, raw: string): Condition {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!m) fail(`malformed parameter ${key}`);
  const names = [m[1] ?? '', ...[...(m[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((g) => g[1] ?? '')].map(underscored);
  let op: Op = 'eq';
  const last = names.at(-1) ?? '';
  if (names.length > 1 && isOp(last)) {
    op = last;
    names.pop();
  }
  let table: Table = 'workers';
  const hops: Hop[] = [];
  for (const [i, name] of names.entries()) {
    const isLast = i === names.length - 1;
    const hop: Hop | undefined = SCHEMA[table].hops.get(name);
    if (hop) {
      hops.push(hop);
      table = hop.target;
      continue;
    }
    if (SCHEMA[table].fields.has(name) && isLast) return { hops, field: name, op, raw };
    const fk = /^(.+)_id$/.exec(name)?.[1];
    const viaKey = fk === undefined ? undefined : SCHEMA[table].hops.get(fk);
    if (viaKey?.via === 'column' && isLast) {
      hops.push(viaKey);
      return { hops, field: 'id', op, raw };
    }
    fail(`cannot read ${key}`);
  }
  return fail(`${key} names an association without an element`);
}

const readQuery = (params: Readonly<Record<string, string>>): OracleQuery<Condition> =>
  readQueryWith(params, (field) => SCHEMA.workers.fields.has(field), readCondition);

interface Node {
  readonly table: Table;
  readonly row: Row;
}

function valueOf(node: Node, field: string): Value {
  fieldType(node.table, field);
  return node.row[field] ?? null;
}

/** The rows a hop leads to: none or one through a belongs-to, any number of owned children. */
function follow(data: WorkerDataset, node: Node, hop: Hop): Node[] {
  const rows: readonly Row[] = data[hop.target];
  const hit =
    hop.via === 'column'
      ? rows.filter((r) => node.row[hop.column] !== null && r['id'] === node.row[hop.column])
      : rows.filter((r) => r[hop.owner] === node.row['id']);
  return hit.map((row) => ({ table: hop.target, row }));
}

const holds = (data: WorkerDataset, worker: OracleWorker, c: Condition): boolean =>
  holdsThrough<Node, Hop>(
    { table: 'workers', row: worker },
    c,
    (n, hop) => follow(data, n, hop),
    (n, field) => satisfies(fieldType(n.table, field), valueOf(n, field), c.op, c.raw),
  );

/** Every matching worker id in the query's order, before paging. */
export function workerOracleAll(data: WorkerDataset, params: Readonly<Record<string, string>>): number[] {
  const q = readQuery(params);
  const matched = data.workers.filter((w) => q.conditions.every((c) => holds(data, w, c)));
  return orderedIds(
    matched,
    q,
    (field) => fieldType('workers', field),
    (w, field) => valueOf({ table: 'workers', row: w }, field),
  );
}

/** The page of ids the query asks for: `offset` skipped, at most `limit` (capped at 50). */
export function workerOraclePage(data: WorkerDataset, params: Readonly<Record<string, string>>): number[] {
  const { offset, limit } = readQuery(params);
  return workerOracleAll(data, params).slice(offset, offset + limit);
}
