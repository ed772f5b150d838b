/**
 * The element catalogue: one declarative description per resource. Storage columns,
 * input parsing, validation, rendering, query filters (and later CSV columns and API
 * docs) are all derived from these definitions, so an element is spelled out once.
 */

/**
 * Value types as Coupa documents them; `symbol` renders as `type="symbol"` in XML. A `date`
 * is a calendar day (`2000-07-01`, the Worker API's `date-of-birth`); a `datetime` an instant.
 * A `bigint` is a signed 64-bit integer carried as its decimal text, never as a JS number (whose
 * 53 bits would round it): CSO's 19-digit ids (`"9219595862193003588"`, seed 001), stored as
 * `bigint`/`int8`.
 */
export type ScalarType = 'string' | 'text' | 'integer' | 'bigint' | 'boolean' | 'datetime' | 'date' | 'decimal' | 'symbol';

export type ScalarValue = string | number | boolean;

/**
 * A row's id: a number for core Coupa resources (`integer` ids, numbered by the database from
 * 1), the decimal text for resources whose id element is a `bigint` (CSO's 19-digit ids).
 * catalog/ids.ts reads and writes both.
 */
export type RecordId = number | string;

interface ElementBase {
  /** Wire name, dashed, exactly as Coupa spells it in XML and JSON. */
  readonly name: string;
  readonly description: string;
  /** Accepted on create/update (Coupa's Api_In). */
  readonly in: boolean;
  /** Rendered in responses (Coupa's Api_Out). */
  readonly out: boolean;
  /** Other spellings a client may send for this element (older seed names). */
  readonly aliases?: readonly string[];
  /**
   * The migration that added this element's column (1 when absent). Migrations build tables
   * from the catalogue, each taking only the elements of its own version, so a released
   * migration never changes when an element is added (test/migration-ddl.test.ts pins them).
   */
  readonly since?: number;
  /**
   * Its column in Coupa's CSV flat files (`First Name` for `firstname`), where that is not the
   * element name in title case (`Employee Number`); catalog/csv.ts derives the columns.
   */
  readonly csv?: string;
}

/**
 * Values the engine keeps itself rather than taking from the client: the id, the timestamps
 * and the audit users. Each resource gives them with the builders in `catalog/elements.ts`.
 */
export type AutoValue = 'id' | 'created-at' | 'updated-at' | 'created-by' | 'updated-by';

/** Settings of one Roster instance that a creation default may name (`roster serve --reporting-currency`). */
export interface InstanceSettings {
  /** ISO 4217 code of the instance's reporting currency (Coupa's default for a user's `default-currency`). */
  readonly reportingCurrency: string;
}

/** What an association gets when a create does not send it: a row named by its natural key, or by an instance setting. */
export type AssociationDefault = { readonly key: string } | { readonly setting: keyof InstanceSettings };

/** A value stored in its own column of the resource's table. */
export interface ScalarElement extends ElementBase {
  readonly kind: 'scalar';
  readonly type: ScalarType;
  readonly column: string;
  /** Maximum length for strings, as in Coupa's `string(40)`. */
  readonly length?: number;
  readonly required?: boolean;
  readonly unique?: boolean;
  /**
   * Allowable values, spelled as Coupa documents them. A value sent in another ASCII case is
   * accepted and stored in this spelling (`F` → `f`; domain/record-input.ts), unless
   * `caseSensitive`.
   */
  readonly allowed?: readonly string[];
  /** The allowed values must be sent exactly as spelled: Coupa says so of a user's authentication method. */
  readonly caseSensitive?: boolean;
  /** Value stored when a create does not send the element. */
  readonly default?: ScalarValue;
  /**
   * A create that gives no value (or a blank one) gets the non-blank values of these elements,
   * in this order, joined by "-": an account's `code` from its segments (Coupa's Accounts
   * example answers segments `SF`, `Marketing`, `Expense` with `SF-Marketing-Expense`).
   */
  readonly defaultJoin?: readonly string[];
  /** Shortest accepted text, in characters, as Rails' `length: { minimum: }` (a login has at least 2). */
  readonly minLength?: number;
  /** A format the text must have, checked after the length (Rails' `format:` validations). */
  readonly format?: 'email';
  /** Least value of an integer or decimal (Rails' `numericality: { greater_than_or_equal_to: }`). */
  readonly minimum?: number;
  /**
   * A decimal's size as Coupa's element table gives it, `decimal(19,2)`: values are rounded to
   * `scale` places and may have at most `precision - scale` digits before the point. Unless
   * given, Coupa's Swagger size for amounts, `decimal(32,4)` (`DEFAULT_DECIMAL` in values.ts).
   */
  readonly decimal?: DecimalSize;
  /** A `date` that may not be after today, UTC (a date of birth): Rails' "can't be in the future". */
  readonly past?: boolean;
  /**
   * Settable while the row has no value (on create, or an update of a row without one), never
   * changed once set: an update that sends another value is refused (CSO's user `name`, seed
   * 001: "Once set cannot be changed").
   */
  readonly immutable?: boolean;
  /** Has a lookup index (with the id, for paging); test/catalog-indexes.test.ts checks the migrations made one. */
  readonly indexed?: boolean;
  readonly auto?: Extract<AutoValue, 'id' | 'created-at' | 'updated-at'>;
}

/** Total digits and digits after the point of a decimal, as SQL's `decimal(precision, scale)`. */
export interface DecimalSize {
  readonly precision: number;
  readonly scale: number;
}

/** A read-only value derived from stored columns (fullname, active?). */
export interface ComputedElement extends ElementBase {
  readonly kind: 'computed';
  readonly type: ScalarType;
  /** Names of the elements it is computed from. */
  readonly from: readonly string[];
  readonly compute: (values: ReadonlyMap<string, ScalarValue | null>) => ScalarValue | null;
}

/** A write-only secret: stored hashed, never rendered (password). */
export interface SecretElement extends ElementBase {
  readonly kind: 'secret';
  readonly column: string;
  readonly length?: number;
}

/** A belongs-to association: one foreign-key column holding the id of a row of the `target` resource. */
export interface ReferenceElement extends ElementBase {
  readonly kind: 'reference';
  /** Name of the target resource in the registry (`departments`, `users`). */
  readonly target: string;
  readonly column: string;
  /** A create must name a row; an update may not clear it. */
  readonly required?: boolean;
  readonly auto?: Extract<AutoValue, 'created-by' | 'updated-by'>;
  /** Set once, as a scalar's `immutable`: a CSO user's company (seed 001). */
  readonly immutable?: boolean;
  /** Names the row that owns this one (an owned child's owner): set by the engine, never null, removed with it. */
  readonly owner?: boolean;
  /**
   * The row a create that does not send this element gets, and an update of a row that has
   * none (Coupa's rule for a user's default currency: "if a value is not provided and the user
   * record doesn't have a default currency already set").
   */
  readonly default?: AssociationDefault;
  /**
   * The target's elements rendered when nested here, where this reference's shape differs from
   * the target's `simple` one (a worker's `created-by` is `id`, `login`, `employee-number`,
   * `fullname`, seed 004's sample, where other records nest a UserSimple).
   */
  readonly nested?: readonly string[];
}

/** A has-many association kept in the owner's membership table (`membershipTable`) under the kind `membership`. */
export interface CollectionElement extends ElementBase {
  readonly kind: 'collection';
  readonly target: string;
  readonly membership: string;
  /** The rows a create that does not send this element gets (a new user's `User` role); skipped if they are gone. */
  readonly default?: readonly AssociationDefault[];
}

/** A small value object stored in prefixed columns of the owner (phone numbers). */
export interface CompositeElement extends ElementBase {
  readonly kind: 'composite';
  readonly fields: readonly CompositeField[];
  /** Splits the value written as one string into its parts (a phone number); absent, the text is the first part. */
  readonly fromText?: (text: string) => ReadonlyMap<string, string | null>;
}

export interface CompositeField {
  readonly name: string;
  readonly column: string;
  readonly length: number;
  /**
   * What the part renders as when the value is set but this part is empty; null if absent.
   * A worker's phone number shows `"extension": ""` (seed 004's sample).
   */
  readonly blank?: string;
}

/**
 * An owned has-many: rows of the `target` resource that belong to this row alone, each with its
 * own id and timestamps (a warehouse's locations, a worker's emails). They are written through
 * the owner with Rails' nested-attributes rules (an item with an `id` updates that row, one
 * without creates a row, one with `_destroy` removes it) and removed with it.
 */
export interface ChildrenElement extends ElementBase {
  readonly kind: 'children';
  /** The child resource in the registry (`warehouse_locations`). */
  readonly target: string;
  /** The child's reference element that names its owner (`warehouse`); never written by a client. */
  readonly owner: string;
}

/**
 * A value of the row a reference of the same resource points at, shown under its own name:
 * Rails' foreign key (`account-type-id`, the referenced id) or a delegated attribute
 * (`warehouse-name`). Not stored. Queried as the reference's path (`account-type[id]`); written,
 * where `in`, it names the referenced row by that element (`"account-type-id": 5`).
 */
export interface ThroughElement extends ElementBase {
  readonly kind: 'through';
  /** The reference element it reads through (`account-type`). */
  readonly reference: string;
  /** That reference's target resource (`account_types`). */
  readonly target: string;
  /** The target's element shown: `id` or one of its scalars. */
  readonly field: string;
  readonly type: ScalarType;
}

export type Element =
  | ScalarElement
  | ComputedElement
  | SecretElement
  | ReferenceElement
  | CollectionElement
  | CompositeElement
  | ChildrenElement
  | ThroughElement;
