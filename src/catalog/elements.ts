import { splitPhone, splitRegionalPhone } from './phone.js';
import type {
  ChildrenElement,
  CollectionElement,
  CompositeElement,
  ComputedElement,
  ReferenceElement,
  ScalarElement,
  ScalarType,
  ThroughElement,
} from './types.js';

/**
 * Builders for catalogue elements, shared by every resource definition. The column is the
 * dashed wire name with underscores; a reference's column adds `_id`.
 */

export const columnOf = (name: string): string => name.replaceAll('-', '_');

export type ScalarOpts = Partial<Omit<ScalarElement, 'kind' | 'name' | 'type' | 'column' | 'description'>>;

/** A stored value a client may write and reads back. */
export function scalar(name: string, type: ScalarType, description: string, opts: ScalarOpts = {}): ScalarElement {
  return { kind: 'scalar', name, type, description, column: columnOf(name), in: true, out: true, ...opts };
}

/** A stored value only the server writes. */
export function readOnly(name: string, type: ScalarType, description: string, opts: ScalarOpts = {}): ScalarElement {
  return scalar(name, type, description, { in: false, ...opts });
}

/** A belongs-to association to a row of the `target` resource. */
export function reference(
  name: string,
  target: string,
  description: string,
  opts: Partial<Omit<ReferenceElement, 'kind' | 'name' | 'target' | 'description'>> = {},
): ReferenceElement {
  return { kind: 'reference', name, target, description, column: `${columnOf(name)}_id`, in: true, out: true, ...opts };
}

/** An owned child's link to its owner: neither written by a client nor rendered (the owner renders its children). */
export function ownerReference(name: string, target: string, description: string): ReferenceElement {
  return { ...reference(name, target, description, { in: false, out: false, required: true }), owner: true };
}

/** A has-many association to rows of the `target` resource, kept in the owner's membership table. */
export function collection(
  name: string,
  target: string,
  description: string,
  opts: Partial<Omit<CollectionElement, 'kind' | 'name' | 'target' | 'description'>> = {},
): CollectionElement {
  return { kind: 'collection', name, target, description, membership: name, in: true, out: true, ...opts };
}

/**
 * `reference`'s target's `field`, shown as its own element (`account-type-id`, `warehouse-name`);
 * read-only unless `in` is given (docs/reference-data.md lists which Coupa accepts).
 */
export function through(
  name: string,
  reference: ReferenceElement,
  field: string,
  type: ScalarType,
  description: string,
  opts: { readonly in?: boolean } = {},
): ThroughElement {
  return {
    kind: 'through',
    name,
    reference: reference.name,
    target: reference.target,
    field,
    type,
    description,
    in: false,
    out: true,
    ...opts,
  };
}

/** Rows of the `target` resource owned by this one, whose reference element `owner` points back. */
export function children(name: string, target: string, owner: string, description: string): ChildrenElement {
  return { kind: 'children', name, target, owner, description, in: true, out: true };
}

/**
 * A composite of string parts `[name, length, blank?]`, stored in columns prefixed with the
 * element's; `blank` is what an empty part renders as (`CompositeField.blank`).
 */
function composite(
  name: string,
  description: string,
  parts: ReadonlyArray<readonly [string, number, string?]>,
  fromText: CompositeElement['fromText'],
): CompositeElement {
  const fields = parts.map(([part, length, blank]) => ({
    name: part,
    column: `${columnOf(name)}_${columnOf(part)}`,
    length,
    ...(blank === undefined ? {} : { blank }),
  }));
  return { kind: 'composite', name, description, in: true, out: true, fields, ...(fromText ? { fromText } : {}) };
}

/** A phone number as Coupa structures it on a user: country code, area code, number, extension. */
export const phone = (name: string, description: string): CompositeElement =>
  composite(
    name,
    description,
    [
      ['country-code', 8],
      ['area-code', 16],
      ['number', 64],
      ['extension', 16],
    ],
    splitPhone,
  );

/** A phone number as a worker's is structured (seed 004): number, extension, and the country as an ISO region (`AL`). */
export const regionalPhone = (name: string, description: string): CompositeElement =>
  composite(
    name,
    description,
    [
      ['number', 64],
      // Coupa shows a worker phone's missing extension as "" (seed 004's sample).
      ['extension', 16, ''],
      ['country-code', 2],
    ],
    splitRegionalPhone,
  );

const text = (v: string | number | boolean | null | undefined): string => (typeof v === 'string' ? v : '');

/**
 * A read-only text of other elements' non-empty values joined by `separator`, trimmed: a user's
 * `fullname` (first and last name, by a space), a warehouse location's `label`.
 */
export function joinedText(name: string, description: string, from: readonly string[], separator: string): ComputedElement {
  return {
    kind: 'computed',
    name,
    type: 'string',
    description,
    in: false,
    out: true,
    from,
    compute: (v) =>
      from
        .map((part) => text(v.get(part)))
        .filter((part) => part !== '')
        .join(separator)
        .trim(),
  };
}

/** A `flag?` element mirrors the stored `flag`, as Coupa renders both. */
export function mirror(of: string): ComputedElement {
  return {
    kind: 'computed',
    name: `${of}?`,
    type: 'boolean',
    description: `${of}?`,
    in: false,
    out: true,
    from: [of],
    compute: (v) => v.get(of) === true,
  };
}

/** Coupa's integer id; `since` is the migration that created the table. */
export const idElement = (since?: number): ScalarElement =>
  readOnly('id', 'integer', 'Coupa unique identifier', { auto: 'id', ...(since === undefined ? {} : { since }) });

/**
 * A CSO id: a 19-digit integer the database numbers from `FIRST_BIGINT_ID`, sent as a JSON
 * string (seed 001: `"id": "9219595862193003588"`); `since` is the migration that made the table.
 */
export const bigintIdElement = (since?: number): ScalarElement =>
  readOnly('id', 'bigint', 'CSO unique identifier (19 digits, a JSON string)', {
    auto: 'id',
    ...(since === undefined ? {} : { since }),
  });

const STAMP = 'Automatically created by Coupa in the format YYYY-MM-DDTHH:MM:SS+HH:MMZ';

/** `created-at` and `updated-at`, kept by the engine on every write. */
export function timestamps(since?: number): [ScalarElement, ScalarElement] {
  const at = since === undefined ? {} : { since };
  return [
    readOnly('created-at', 'datetime', STAMP, { auto: 'created-at', ...at }),
    readOnly('updated-at', 'datetime', STAMP, { auto: 'updated-at', ...at }),
  ];
}

/** `created-by` and `updated-by`: the user behind the credential that wrote the row. */
export function auditUsers(since?: number): [ReferenceElement, ReferenceElement] {
  const at = since === undefined ? {} : { since };
  return [
    reference('created-by', 'users', 'User who created', { in: false, auto: 'created-by', ...at }),
    reference('updated-by', 'users', 'User who updated', { in: false, auto: 'updated-by', ...at }),
  ];
}
