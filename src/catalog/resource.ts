import type { ApiFamily } from './families.js';
import type { Element } from './types.js';

/** What a resource's HTTP API offers; the routes are registered from this (http/records/routes.ts). */
export type Operation = 'index' | 'show' | 'create' | 'update' | 'destroy';

/** Query-string aliases: Coupa's `status=active|inactive` on users means `active=true|false`. */
export interface QueryAliases {
  readonly [param: string]: { readonly element: string; readonly values: Readonly<Record<string, string>> };
}

/** A route of a resource beyond the standard four (a user's avatar), with the access its scope grants. */
export interface ExtraRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path after the resource's base: `/:id/avatar`. */
  readonly path: string;
  readonly access: 'read' | 'write';
  /** The status of a success, where Coupa documents one other than 200 (a user's avatar POST: 201). */
  readonly status?: number;
}

/**
 * A resource Coupa loads from CSV flat files (its Import page: Users Import, 0443-…): where
 * its files go over SFTP, what a data file source calls it, which columns name a row.
 */
export interface FlatFileSpec {
  /** The folder under `/Incoming` (and `/Incoming/Archive`): `Users`. */
  readonly folder: string;
  /** The data file source's `source-for`: `User`. */
  readonly sourceFor: string;
  /**
   * The elements a row names its record by, tried in this order (Coupa's "Keys": `Id`,
   * `Employee Number`, `Login`): the first one given finds the row to update; given and not
   * found, the row creates one (an `id` that finds nothing is the row's error).
   */
  readonly keys: readonly string[];
  /** Columns of Coupa's file that Roster reads but does not keep (reported once per file, never an error). */
  readonly unkept?: readonly string[];
}

/** A resource served over HTTP, under Coupa's path, with the scopes Coupa names for it. */
export interface ResourceApi {
  /** The API family that serves it (catalog/families.ts); `core` when absent. */
  readonly family?: ApiFamily;
  /**
   * Base path: `/api/users`. An owned child served under its owner names the owner's id by its
   * owner column: `/api/workers/:worker_id/worker_documents` (its rows are then only reached
   * through that owner, and a create belongs to it).
   */
  readonly path: string;
  readonly operations: readonly Operation[];
  /** OAuth scope for reads (index, show) and for writes (create, update). */
  readonly scopes: { readonly read: string; readonly write: string };
  readonly aliases?: QueryAliases;
  readonly extraRoutes?: readonly ExtraRoute[];
}

/**
 * Everything the engine needs to store, validate, query, render and serve one resource. A new
 * resource is one of these plus its few real specifics; see docs/adding-a-resource.md.
 */
export interface ResourceDef {
  /** Registry key, also the table name and what other resources' `target` names: `users`, `departments`. */
  readonly name: string;
  /** XML root of one record and the JSON error key: `user`, `account-type`. */
  readonly singular: string;
  /** XML root of a list: `users`, `account-types`. */
  readonly plural: string;
  /** Rails model name, in messages such as "Couldn't find User with 'id'=5". */
  readonly model: string;
  readonly table: string;
  /** Every element, in render order. */
  readonly elements: readonly Element[];
  /** The element a client may use instead of the id to name a row (`login`, `name`, `code`). */
  readonly key: string;
  /**
   * Other elements Coupa documents as naming a row in an association, tried after the id and
   * `key`, in this order (a supplier's `number`: `{"supplier": {"number": "SUP-0132"}}`).
   * Scalars of this resource; a reference names its target by the first one it gives a value
   * for (domain/record-input.ts).
   */
  readonly alternateKeys?: readonly string[];
  /**
   * The elements a seed fixture names a row by (`--seed`, `GET /_roster/export`, docs/controls.md)
   * where `key` is the id, which differs from one database to the next: a worker's names and
   * date of birth. `key` when absent.
   */
  readonly fixtureKey?: readonly string[];
  /** Elements rendered when a row is nested in another record (Coupa's `UserSimple`, a role inside a user). */
  readonly simple: readonly string[];
  /** What `return_object=shallow` keeps of a nested row; the id and the natural key unless given. */
  readonly shallow?: readonly string[];
  /**
   * Small, read-mostly data (reference data): each process keeps the rows it renders in memory,
   * dropped when any process writes the table. Other resources are joined into the read instead.
   */
  readonly cached?: boolean;
  /**
   * A nested object without id or natural key names the row whose elements equal these, or
   * creates one (approval limits are given as amount and currency).
   */
  readonly findOrCreateBy?: readonly string[];
  /** Absent for resources that are only stored and nested (approval limits, pcards, owned children). */
  readonly api?: ResourceApi;
  /**
   * Each row may have one avatar image (users, workers), kept in this table under the owner's
   * id (`avatarOwner`); the owner's `avatar-thumb-url`, `avatar-file-name` and
   * `avatar-content-type`, those it has, describe it.
   */
  readonly avatar?: { readonly table: string };
  /** The migration that created the table; an element without its own `since` came with it (1 when absent). */
  readonly since?: number;
  /** Loaded from CSV files dropped in its SFTP folder (docs/flat-files.md). */
  readonly flatFile?: FlatFileSpec;
  /**
   * How a CSV cell names a row of this resource, where not by its key: an approval limit's
   * `1000.00 USD` is its amount and currency. Returns the document value a reference takes.
   */
  readonly fromCell?: (cell: string) => unknown;
}

/** The family serving a resource (`core` unless its API says otherwise). */
export const familyOf = (def: ResourceDef): ApiFamily => def.api?.family ?? 'core';

/** The table holding a resource's has-many memberships: `user_memberships`. */
export const membershipTable = (def: ResourceDef): string => `${def.singular.replaceAll('-', '_')}_memberships`;

/** The owner column of that table: `user_id`. */
export const membershipOwner = (def: ResourceDef): string => `${def.singular.replaceAll('-', '_')}_id`;

/** The column of a resource's avatar table naming the owner: `user_id`, as in its membership table. */
export const avatarOwner = (def: ResourceDef): string => membershipOwner(def);

/** The elements nested rows keep under `return_object=shallow`. */
export const shallowKeys = (def: ResourceDef): readonly string[] => def.shallow ?? ['id', def.key];

/** `account-type` -> `AccountType`, as Rails names the model. */
const modelName = (singular: string): string =>
  singular
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

/**
 * A definition with Coupa's naming conventions filled in: the table is the name, the plural its
 * dashed form (`account_types` -> `account-types`), the model the camel-cased singular.
 */
export function defineResource(
  def: Omit<ResourceDef, 'plural' | 'model' | 'table'> & Partial<Pick<ResourceDef, 'plural' | 'model' | 'table'>>,
): ResourceDef {
  return {
    plural: def.name.replaceAll('_', '-'),
    model: modelName(def.singular),
    table: def.name,
    ...def,
  };
}
