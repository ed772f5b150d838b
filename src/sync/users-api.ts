import type { CoupaClient, CoupaOutcome } from './client/coupa-client.js';
import { assertNever } from './assert-never.js';
import { mapPool } from './pool.js';
import type { CoupaUser, KeyElement } from './types.js';
import { coupaUserOf, fieldsParam, foldKey } from './values.js';

/** Coupa's Users API, as seeds 000, 002 and 003 use it, over a CoupaClient (JSON). */
export interface UsersApi {
  /** Every user with a key, paged (Coupa's `limit` is at most 50) with only the mapped elements; folded key → user. */
  readAll(onPage?: (users: number) => void): Promise<Map<string, CoupaUser>>;
  /** The users with these keys, each found as `find` does (a `--deltas` run of a few rows need not read everyone). */
  readKeys(keys: readonly string[], onUser?: () => void): Promise<Map<string, CoupaUser>>;
  /** The seeds' step 2: `GET /api/users?<key>=<value>` for the user (and its id). */
  find(key: string): Promise<Found>;
  /** `GET /api/users/:id` with the mapped elements (the seeds' step 5, validation). */
  show(id: number | string, key: string): Promise<Found>;
  /** `POST /api/users` (201 expected) or `PUT /api/users/:id` (200 expected). */
  write(id: number | string | undefined, body: Readonly<Record<string, unknown>>, key: string): Promise<Written>;
}

export type Found =
  | { readonly kind: 'found'; readonly user: CoupaUser }
  | { readonly kind: 'absent' }
  | { readonly kind: 'error'; readonly reason: string };
/** `unknown`: a write whose fate the client cannot know (a timeout, a reset): re-read before writing again. */
export type Written =
  | { readonly kind: 'ok'; readonly user: CoupaUser | undefined }
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'unknown'; readonly reason: string };

/**
 * Whether an answer is Coupa's "no results" (an index with nothing to show: `[]` in JSON, or a 404 whose
 * error says "No results match your search criteria."). Any other 404 (a wrong URL, a missing route) is an
 * error: taking it for an empty Coupa would plan to create everyone.
 */
function noResults(outcome: CoupaOutcome): boolean {
  if (outcome.kind !== 'answer') return false;
  if (outcome.status === 200) return Array.isArray(outcome.body) && outcome.body.length === 0;
  return outcome.status === 404 && /no results/i.test(outcome.errorText ?? '');
}

/** Coupa's largest index page (seed 000: `limit` up to 50). */
export const PAGE_SIZE = 50;

/** What a non-answer or an unexpected status says, Coupa's error text first. */
export function reasonOf(outcome: CoupaOutcome): string {
  switch (outcome.kind) {
    case 'answer':
      return `HTTP ${outcome.status}${outcome.errorText === undefined ? '' : `: ${outcome.errorText}`}`;
    case 'unknown':
    case 'failed':
      return outcome.reason;
    default:
      return assertNever(outcome);
  }
}

/**
 * The Users API for one mapping. `elements`: the mapped element paths; `concurrency`: requests at once
 * while reading every user (offset pages; a short page ends the read) or a list of keys.
 */
export function usersApi(
  client: CoupaClient,
  keyElement: KeyElement,
  elements: readonly string[],
  concurrency: number,
): UsersApi {
  const fields = fieldsParam(elements);
  const userOf = (doc: unknown): CoupaUser | undefined => coupaUserOf(doc, keyElement, elements);

  const page = async (offset: number): Promise<CoupaUser[]> => {
    const outcome = await client.send({
      method: 'GET',
      path: '/api/users',
      query: { fields, limit: String(PAGE_SIZE), offset: String(offset), order_by: 'id' },
    });
    if (noResults(outcome)) return [];
    if (outcome.kind !== 'answer' || outcome.status !== 200 || !Array.isArray(outcome.body)) {
      const hint =
        outcome.kind === 'answer' && outcome.status === 400 ? ' (is every element in the mapping a Coupa user element?)' : '';
      throw new Error(`reading users at offset ${offset}: ${reasonOf(outcome)}${hint}`);
    }
    return (outcome.body as unknown[]).flatMap((doc) => userOf(doc) ?? []);
  };

  const find = async (key: string): Promise<Found> => {
    const outcome = await client.send({ method: 'GET', path: '/api/users', query: { [keyElement]: key, fields }, key });
    if (noResults(outcome)) return { kind: 'absent' };
    if (outcome.kind !== 'answer' || outcome.status !== 200 || !Array.isArray(outcome.body))
      return { kind: 'error', reason: reasonOf(outcome) };
    // An exact match first: a caseless database may answer several spellings.
    const found = (outcome.body as unknown[]).flatMap((doc) => userOf(doc) ?? []);
    const user = found.find((u) => u.key === key) ?? found.find((u) => foldKey(u.key) === foldKey(key));
    return user === undefined ? { kind: 'absent' } : { kind: 'found', user };
  };

  return {
    async readAll(onPage) {
      const users = new Map<string, CoupaUser>();
      // The first page alone (a small instance ends there), then `concurrency` pages in flight, each worker
      // taking the next offset, until a short page says the end is reached.
      const keep = (p: readonly CoupaUser[]): boolean => {
        for (const u of p) if (u.key !== '') users.set(foldKey(u.key), u);
        onPage?.(p.length);
        return p.length === PAGE_SIZE;
      };
      let more = keep(await page(0));
      let next = PAGE_SIZE;
      const worker = async (): Promise<void> => {
        while (more) {
          const offset = next;
          next += PAGE_SIZE;
          if (!keep(await page(offset))) more = false;
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
      return users;
    },
    async readKeys(keys, onUser) {
      const users = new Map<string, CoupaUser>();
      await mapPool(keys, concurrency, async (key) => {
        const found = await find(key);
        if (found.kind === 'error') throw new Error(`reading the user ${key}: ${found.reason}`);
        if (found.kind === 'found') users.set(foldKey(key), found.user);
        onUser?.();
      });
      return users;
    },
    find,
    async show(id, key) {
      const outcome = await client.send({
        method: 'GET',
        path: `/api/users/${encodeURIComponent(String(id))}`,
        query: { fields },
        key,
      });
      if (outcome.kind === 'answer' && outcome.status === 404) return { kind: 'absent' };
      const user = outcome.kind === 'answer' && outcome.status === 200 ? userOf(outcome.body) : undefined;
      return user === undefined ? { kind: 'error', reason: reasonOf(outcome) } : { kind: 'found', user };
    },
    async write(id, body, key) {
      const outcome =
        id === undefined
          ? await client.send({ method: 'POST', path: '/api/users', query: { fields }, body, key })
          : await client.send({
              method: 'PUT',
              path: `/api/users/${encodeURIComponent(String(id))}`,
              query: { fields },
              body,
              key,
            });
      if (outcome.kind === 'unknown') return { kind: 'unknown', reason: outcome.reason };
      const expected = id === undefined ? 201 : 200;
      if (outcome.kind === 'answer' && (outcome.status === expected || outcome.status === 200))
        return { kind: 'ok', user: userOf(outcome.body) };
      return { kind: 'refused', reason: reasonOf(outcome) };
    },
  };
}
