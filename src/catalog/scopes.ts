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
  // Descriptions as Coupa's Swagger gives them (reference/coupa-core-users.swagger.json).
  {
    name: 'core.common.read',
    description: 'Allows to view Coupa core set up entities: departments, roles, currencies, addresses, content groups',
  },
  {
    name: 'core.common.write',
    description: 'Allows to create or update Coupa core set up entities: departments, roles, addresses, content groups',
  },
  {
    name: 'core.accounting.read',
    description: 'Allows to view accounts and related setup: accounts, account types, account groups',
  },
  { name: 'core.accounting.write', description: 'Allows to modifications to accounts: accounts, account types' },
  { name: 'core.user_group.read', description: 'Allows user groups to be read' },
  { name: 'core.user_group.write', description: 'Allows user groups to be modified' },
  { name: 'core.legal_entity.read', description: 'Allows legal entities to be read' },
  { name: 'core.legal_entity.write', description: 'Allows legal entities to be modified' },
  {
    name: 'core.inventory.common.read',
    description: 'Allows to view inventory set up entities: warehouses, inventory organizations',
  },
  { name: 'core.inventory.common.write', description: 'Allows to modify inventory set up entities' },
  { name: 'core.supplier.read', description: 'Allows suppliers to be read' },
  { name: 'core.supplier.write', description: 'Allows suppliers to be modified' },
  // OpenID Connect scopes Coupa issues beside the core ones: its Okta provisioning set-up grants
  // `openid` and `offline_access` (0021-Set_Up_Okta_User_Provisioning_with_OAuth_2.md), and a
  // client's "Oidc Scopes" add `email`, `profile` and `login`. They open no API route; a token
  // may carry them (and still no scope its client was not granted).
  { name: 'openid', description: 'OpenID Connect: identify the client or user the token was issued to' },
  { name: 'offline_access', description: 'OpenID Connect: a token usable while the user is not present' },
  { name: 'email', description: 'OpenID Connect: the e-mail address of the user' },
  { name: 'profile', description: 'OpenID Connect: the name and profile of the user' },
  { name: 'login', description: 'OpenID Connect: the Coupa login of the user' },
];

const NAMES = new Set(SCOPES.map((s) => s.name));

export const isKnownScope = (name: string): boolean => NAMES.has(name);

/** Scope lists travel space-separated (RFC 6749 §3.3); empty items from extra spaces are dropped. */
export const splitScopes = (text: string): string[] => [...new Set(text.split(' ').filter((s) => s !== ''))];
