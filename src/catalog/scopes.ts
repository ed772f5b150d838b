/**
 * OAuth scopes Roster knows, in Coupa's `service.object.right` form. A client is granted some
 * of them; a token carries those it asked for; each route needs one (http/route-scopes.ts).
 */
export interface ScopeDef {
  readonly name: string;
  readonly description: string;
}

export const SCOPES: readonly ScopeDef[] = [
  { name: 'core.user.read', description: 'Read users: index, show and avatar' },
  { name: 'core.user.write', description: 'Create and update users and their avatars' },
  { name: 'core.services_procurement.workers.read', description: 'Read workers' },
  { name: 'core.services_procurement.workers.write', description: 'Create and update workers' },
];

const NAMES = new Set(SCOPES.map((s) => s.name));

export const isKnownScope = (name: string): boolean => NAMES.has(name);

/** Scope lists travel space-separated (RFC 6749 §3.3); empty items from extra spaces are dropped. */
export const splitScopes = (text: string): string[] => [...new Set(text.split(' ').filter((s) => s !== ''))];
