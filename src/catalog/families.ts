/**
 * The API families Roster serves: each is a product's API with its own listener, credentials,
 * wire format, error shape and bulk answer, over the one resource engine and database.
 *
 * - `core`: Coupa's core API (`https://<instance>.coupahost.com/api/...`, seed 000): XML or
 *   JSON, OAuth 2.0 scopes or `X-COUPA-API-KEY`, integer ids.
 * - `cso`: Coupa Sourcing Optimization (`https://<company>.cso.coupahost.com/api/...`, seed
 *   001, reference docs 0461/0462/0468): JSON, `X-CSO-API-KEY`, 19-digit ids as strings,
 *   lenient bulk writes, nulls left out.
 */
import type { ResourceApi } from './resource.js';

export type ApiFamily = 'core' | 'cso';

export const API_FAMILIES: readonly ApiFamily[] = ['core', 'cso'];

/** What a family's routes declare as their access, where the family has no OAuth scopes of its own. */
export interface FamilySpec {
  readonly name: ApiFamily;
  /** For messages and docs: `Coupa core API`, `CSO API`. */
  readonly title: string;
  /** The header an API key of this family travels in (lower case). */
  readonly keyHeader: string;
  /**
   * The scopes its routes may declare: Coupa's OAuth scopes for core (catalog/scopes.ts);
   * CSO has no OAuth, and its key opens every route, so its routes declare `cso.read` or
   * `cso.write` only to say what they do (docs/cso-api.md).
   */
  readonly scopes: 'oauth' | { readonly read: string; readonly write: string };
  /** The most records an index page holds, and its size unless `limit` asks fewer (core: 50, seed 000; CSO: 250, doc 0462). */
  readonly pageSize: number;
}

export const FAMILIES: Readonly<Record<ApiFamily, FamilySpec>> = {
  core: { name: 'core', title: 'Coupa core API', keyHeader: 'x-coupa-api-key', scopes: 'oauth', pageSize: 50 },
  cso: {
    name: 'cso',
    title: 'CSO API',
    keyHeader: 'x-cso-api-key',
    scopes: { read: 'cso.read', write: 'cso.write' },
    pageSize: 250,
  },
};

/** Whether `text` names an API family. */
export const isApiFamily = (text: string): text is ApiFamily => (API_FAMILIES as readonly string[]).includes(text);

/**
 * The API of a CSO resource at `path`: CSO's four routes (index, show, create, update; CSO
 * deletes no users or companies), under the CSO family's two scope labels.
 */
export function csoResourceApi(path: string): ResourceApi {
  const { scopes } = FAMILIES.cso;
  if (scopes === 'oauth') throw new Error('The CSO family has no OAuth scopes');
  return { family: 'cso', path, operations: ['index', 'show', 'create', 'update'], scopes };
}
