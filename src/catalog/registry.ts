import type { ApiFamily } from './families.js';
import { idCodecOf } from './ids.js';
import { familyOf, type ResourceDef } from './resource.js';
import type { ChildrenElement, ReferenceElement } from './types.js';
import { DECIMAL_PRECISION, DECIMAL_SCALE } from './values.js';
import { ACCOUNT_GROUPS } from './resources/account-groups.js';
import { ACCOUNT_TYPES } from './resources/account-types.js';
import { ACCOUNTS } from './resources/accounts.js';
import { ADDRESSES } from './resources/addresses.js';
import { APPROVAL_LIMITS } from './resources/approval-limits.js';
import { BUSINESS_GROUPS } from './resources/business-groups.js';
import { CONTACTS, SUPPLIER_CONTACTS } from './resources/contacts.js';
import { COUNTRIES } from './resources/countries.js';
import { CURRENCIES } from './resources/currencies.js';
import { CSO_COMPANIES } from './resources/cso-companies.js';
import { CSO_USERS } from './resources/cso-users.js';
import { DATA_FILE_SOURCES } from './resources/data-file-sources.js';
import { DOCUMENT_TYPES } from './resources/document-types.js';
import { DEPARTMENTS } from './resources/departments.js';
import { IDENTIFIER_TYPES } from './resources/identifier-types.js';
import { INVENTORY_ORGANIZATIONS } from './resources/inventory-organizations.js';
import { LEGAL_ENTITIES } from './resources/legal-entities.js';
import { LOOKUP_VALUES } from './resources/lookup-values.js';
import { LOOKUPS } from './resources/lookups.js';
import { PAYMENT_TERMS } from './resources/payment-terms.js';
import { PCARDS } from './resources/pcards.js';
import { PURPOSES } from './resources/purposes.js';
import { REMIT_TO_ADDRESSES } from './resources/remit-to-addresses.js';
import { ROLES } from './resources/roles.js';
import { SHIPPING_TERMS } from './resources/shipping-terms.js';
import { SKILLS } from './resources/skills.js';
import { SUPPLIER_ADDRESSES } from './resources/supplier-addresses.js';
import { SUPPLIERS } from './resources/suppliers.js';
import { UPLOAD_ERRORS } from './resources/upload-errors.js';
import { USER_GROUPS } from './resources/user-groups.js';
import { USERS } from './resources/users.js';
import { WAREHOUSE_LOCATIONS } from './resources/warehouse-locations.js';
import { WAREHOUSE_TYPES } from './resources/warehouse-types.js';
import { WAREHOUSES } from './resources/warehouses.js';
import { WORKER_ADDRESS_PURPOSES } from './resources/worker-address-purposes.js';
import { WORKER_ADDRESSES } from './resources/worker-addresses.js';
import { WORKER_DOCUMENT_ATTACHMENTS } from './resources/worker-document-attachments.js';
import { WORKER_DOCUMENTS } from './resources/worker-documents.js';
import { WORKER_EMAILS } from './resources/worker-emails.js';
import { WORKER_EXTERNAL_IDENTIFIERS, WORKER_NATIONAL_IDENTIFIERS } from './resources/worker-identifiers.js';
import { WORKER_PHONE_NUMBERS } from './resources/worker-phone-numbers.js';
import { WORKER_SKILLS } from './resources/worker-skills.js';
import { WORKERS } from './resources/workers.js';

/**
 * Every resource Roster knows, in dependency order: a resource comes after those its own
 * references point at (currencies before account types), so tables are created and seeded
 * in this order. Users come after reference data; reference rows' `created-by` points back at them, which
 * migrations add once the users table exists.
 */
export const RESOURCES: readonly ResourceDef[] = [
  CURRENCIES,
  COUNTRIES,
  // Purposes and contacts (migration 9), before the addresses and account types that name them.
  PURPOSES,
  CONTACTS,
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
  PAYMENT_TERMS,
  SHIPPING_TERMS,
  SUPPLIERS,
  // A supplier's owned rows (migration 9).
  SUPPLIER_CONTACTS,
  SUPPLIER_ADDRESSES,
  REMIT_TO_ADDRESSES,
  USERS,
  // The Worker API's resources (migration 7): after users, as workers' audit users point at them.
  WORKER_ADDRESS_PURPOSES,
  SKILLS,
  IDENTIFIER_TYPES,
  DOCUMENT_TYPES,
  WORKERS,
  WORKER_EMAILS,
  WORKER_SKILLS,
  WORKER_ADDRESSES,
  WORKER_EXTERNAL_IDENTIFIERS,
  WORKER_DOCUMENTS,
  WORKER_DOCUMENT_ATTACHMENTS,
  WORKER_PHONE_NUMBERS,
  WORKER_NATIONAL_IDENTIFIERS,
  // Lookups and their values (migration 8); a lookup value's `parent` is another lookup value.
  LOOKUPS,
  LOOKUP_VALUES,
  // Flat-file loads and their upload errors (migration 11).
  DATA_FILE_SOURCES,
  UPLOAD_ERRORS,
  // Coupa Sourcing Optimization's companies and users (migration 12): the CSO API family.
  CSO_COMPANIES,
  CSO_USERS,
];

const byName = new Map(RESOURCES.map((r) => [r.name, r]));

/**
 * Owned children must point back at their owner. A child is written with its owner (nested
 * attributes) or, when it has owned children of its own, only through its own API under the
 * owner's path (a worker's documents, with their attachments): nested writes go one level deep.
 */
for (const def of RESOURCES) {
  for (const el of def.elements) {
    if (el.kind !== 'children') continue;
    const child = byName.get(el.target);
    const owner = child?.elements.find((e) => e.name === el.owner);
    if (!child || owner?.kind !== 'reference' || owner.target !== def.name || owner.owner !== true) {
      throw new Error(`${def.name}.${el.name}: ${el.target} needs an ownerReference ${el.owner} to ${def.name}`);
    }
    if (child.elements.some((e) => e.kind === 'collection'))
      throw new Error(`${def.name}.${el.name}: ${el.target} holds collections`);
    if (child.api && !servedOwner(child)) {
      throw new Error(`${el.target} is served, but not under its owner's path (:${owner.column})`);
    }
    if (el.in && child.elements.some((e) => e.kind === 'children')) {
      throw new Error(`${def.name}.${el.name}: ${el.target} has children of its own, so it is written only through its API`);
    }
  }
}

/** A decimal's own size fits the column every decimal is stored in (`numeric(32,4)`). */
for (const def of RESOURCES) {
  for (const el of def.elements) {
    if (el.kind !== 'scalar' || !el.decimal) continue;
    const { precision, scale } = el.decimal;
    const fits =
      el.type === 'decimal' && scale >= 0 && scale <= DECIMAL_SCALE && precision - scale <= DECIMAL_PRECISION - DECIMAL_SCALE;
    if (!fits || scale > precision) {
      throw new Error(
        `${def.name}.${el.name}: decimal(${precision},${scale}) does not fit numeric(${DECIMAL_PRECISION},${DECIMAL_SCALE})`,
      );
    }
  }
}

/** A reference's own nested shape names elements of its target. */
for (const def of RESOURCES) {
  for (const el of def.elements) {
    if (el.kind !== 'reference' || !el.nested) continue;
    const target = byName.get(el.target);
    const missing = el.nested.filter((name) => !target?.elements.some((e) => e.name === name));
    if (missing.length > 0) throw new Error(`${def.name}.${el.name} nests unknown ${el.target} elements: ${missing.join(', ')}`);
  }
}

/**
 * Every id is an integer or a bigint (catalog/ids.ts), and a resource's associations stay in its
 * API family: a CSO user's company is a CSO company, never a core row (audit users included).
 */
for (const def of RESOURCES) {
  idCodecOf(def);
  for (const el of def.elements) {
    if (el.kind !== 'reference' && el.kind !== 'collection' && el.kind !== 'children') continue;
    const target = byName.get(el.target);
    if (target && familyOf(target) !== familyOf(def) && target.api !== undefined && def.api !== undefined) {
      throw new Error(
        `${def.name}.${el.name}: ${el.target} is of the ${familyOf(target)} family, ${def.name} of ${familyOf(def)}`,
      );
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

/** The reference naming an owned child's owner (`worker` of a worker's e-mails), if the resource is owned. */
export function ownerReferenceOf(def: ResourceDef): ReferenceElement | undefined {
  return def.elements.find((e): e is ReferenceElement => e.kind === 'reference' && e.owner === true);
}

/** The owner reference of a resource served under its owner's path (`worker` of worker documents), if it is one. */
export function servedOwner(def: ResourceDef): ReferenceElement | undefined {
  const owner = ownerReferenceOf(def);
  return owner && def.api?.path.includes(`/:${owner.column}/`) ? owner : undefined;
}

/** The resources served over HTTP, by `family` when given (catalog/families.ts). */
export const servedResources = (family?: ApiFamily): ResourceDef[] =>
  RESOURCES.filter((r) => r.api !== undefined && (family === undefined || familyOf(r) === family));
