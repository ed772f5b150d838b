import type { ResourceDef } from './resource.js';
import type { ChildrenElement, ReferenceElement } from './types.js';
import { ACCOUNT_GROUPS } from './resources/account-groups.js';
import { ACCOUNT_TYPES } from './resources/account-types.js';
import { ACCOUNTS } from './resources/accounts.js';
import { ADDRESSES } from './resources/addresses.js';
import { APPROVAL_LIMITS } from './resources/approval-limits.js';
import { BUSINESS_GROUPS } from './resources/business-groups.js';
import { COUNTRIES } from './resources/countries.js';
import { CURRENCIES } from './resources/currencies.js';
import { DEPARTMENTS } from './resources/departments.js';
import { INVENTORY_ORGANIZATIONS } from './resources/inventory-organizations.js';
import { LEGAL_ENTITIES } from './resources/legal-entities.js';
import { PCARDS } from './resources/pcards.js';
import { ROLES } from './resources/roles.js';
import { SUPPLIERS } from './resources/suppliers.js';
import { USER_GROUPS } from './resources/user-groups.js';
import { USERS } from './resources/users.js';
import { WAREHOUSE_LOCATIONS } from './resources/warehouse-locations.js';
import { WAREHOUSE_TYPES } from './resources/warehouse-types.js';
import { WAREHOUSES } from './resources/warehouses.js';

/**
 * Every resource Roster knows, in dependency order: a resource comes after those its own
 * references point at (currencies before account types), so tables are created and seeded
 * in this order. Users come last; reference rows' `created-by` points back at them, which
 * migrations add once the users table exists.
 */
export const RESOURCES: readonly ResourceDef[] = [
  CURRENCIES,
  COUNTRIES,
  ROLES,
  DEPARTMENTS,
  BUSINESS_GROUPS,
  ACCOUNT_GROUPS,
  USER_GROUPS,
  INVENTORY_ORGANIZATIONS,
  WAREHOUSE_TYPES,
  WAREHOUSES,
  WAREHOUSE_LOCATIONS,
  ADDRESSES,
  ACCOUNT_TYPES,
  ACCOUNTS,
  LEGAL_ENTITIES,
  PCARDS,
  APPROVAL_LIMITS,
  SUPPLIERS,
  USERS,
];

const byName = new Map(RESOURCES.map((r) => [r.name, r]));

/**
 * Owned children must point back at their owner and stay one level deep (a child row is
 * written and read with its owner; its own associations are references only).
 */
for (const def of RESOURCES) {
  for (const el of def.elements) {
    if (el.kind !== 'children') continue;
    const child = byName.get(el.target);
    const owner = child?.elements.find((e) => e.name === el.owner);
    if (!child || owner?.kind !== 'reference' || owner.target !== def.name || owner.owner !== true) {
      throw new Error(`${def.name}.${el.name}: ${el.target} needs an ownerReference ${el.owner} to ${def.name}`);
    }
    if (child.api || child.elements.some((e) => e.kind === 'children' || e.kind === 'collection')) {
      throw new Error(`${def.name}.${el.name}: ${el.target} must be unserved and hold no collections of its own`);
    }
  }
}

/**
 * The child resource of a children element and its reference naming the owner (its column
 * holds the owner's id); the check above guarantees both exist.
 */
export function ownedBy(el: ChildrenElement): { readonly child: ResourceDef; readonly owner: ReferenceElement } {
  const child = resourceNamed(el.target);
  const owner = child.elements.find((e): e is ReferenceElement => e.kind === 'reference' && e.name === el.owner);
  if (!owner) throw new Error(`${child.name} has no reference ${el.owner}`);
  return { child, owner };
}

/** The resource of that name; throws for a name no definition has (a programming error). */
export function resourceNamed(name: string): ResourceDef {
  const def = byName.get(name);
  if (!def) throw new Error(`No resource ${name}`);
  return def;
}

/** The resources served over HTTP. */
export const servedResources = (): ResourceDef[] => RESOURCES.filter((r) => r.api !== undefined);
