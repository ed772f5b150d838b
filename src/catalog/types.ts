/**
 * The element catalogue: one declarative description per resource. Storage columns,
 * input parsing, validation, rendering, query filters (and later CSV columns and API
 * docs) are all derived from these definitions, so an element is spelled out once.
 */

/** Value types as Coupa documents them; `symbol` renders as `type="symbol"` in XML. */
export type ScalarType = 'string' | 'text' | 'integer' | 'boolean' | 'datetime' | 'decimal' | 'symbol';

export type ScalarValue = string | number | boolean;

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
}

/** A value stored in its own column of the resource's table. */
export interface ScalarElement extends ElementBase {
  readonly kind: 'scalar';
  readonly type: ScalarType;
  readonly column: string;
  /** Maximum length for strings, as in Coupa's `string(40)`. */
  readonly length?: number;
  readonly required?: boolean;
  readonly unique?: boolean;
  /** Allowable values (case-sensitive, as Coupa documents them). */
  readonly allowed?: readonly string[];
  /** Value stored when a create does not send the element. */
  readonly default?: ScalarValue;
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

/** A belongs-to association: one foreign-key column pointing at a reference table or at users. */
export interface ReferenceElement extends ElementBase {
  readonly kind: 'reference';
  readonly target: string;
  readonly column: string;
}

/** A has-many association kept in the membership table under `membership`. */
export interface CollectionElement extends ElementBase {
  readonly kind: 'collection';
  readonly target: string;
  readonly membership: string;
}

/** A small value object stored in prefixed columns of the owner (phone numbers). */
export interface CompositeElement extends ElementBase {
  readonly kind: 'composite';
  readonly fields: readonly CompositeField[];
}

export interface CompositeField {
  readonly name: string;
  readonly column: string;
  readonly length: number;
}

export type Element = ScalarElement | ComputedElement | SecretElement | ReferenceElement | CollectionElement | CompositeElement;

/** A field of a reference-data table (roles, currencies, addresses...). */
export interface RefField {
  readonly name: string;
  readonly type: ScalarType;
  readonly column: string;
  readonly length?: number;
}

/** A belongs-to link between two reference tables (address -> country). */
export interface RefLink {
  readonly name: string;
  readonly column: string;
  readonly target: string;
}

export interface RefTable {
  /** Table name, also the key used by elements' `target`. */
  readonly table: string;
  /** Singular element name used for items of an array in XML (`<role>`). */
  readonly tag: string;
  /** Field a client may use instead of the id to name a row. */
  readonly key: string;
  readonly fields: readonly RefField[];
  readonly links?: readonly RefLink[];
  /**
   * When set, a nested object without id or natural key creates a new row from its fields,
   * or reuses an identical one (approval limits are given as amount + currency).
   */
  readonly findOrCreateBy?: readonly string[];
}

export interface ResourceCatalog {
  /** Singular name: XML root element and JSON error key (`user`). */
  readonly singular: string;
  /** Plural name: XML array root and table name (`users`). */
  readonly plural: string;
  readonly table: string;
  readonly elements: readonly Element[];
}
