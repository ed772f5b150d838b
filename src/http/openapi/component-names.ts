import type { ApiFamily } from '../../catalog/families.js';
import { RESOURCES } from '../../catalog/registry.js';
import { familyOf, type ResourceDef } from '../../catalog/resource.js';

/** `worker_emails` → `WorkerEmails`. */
const pascal = (text: string): string =>
  text
    .split(/[-_]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

/** The last part of a Rails model name: `Worker::WorkerEmail` → `WorkerEmail`. */
const modelBase = (def: ResourceDef): string => def.model.split('::').at(-1) ?? def.model;

const cache = new Map<ApiFamily, ReadonlyMap<ResourceDef, string>>();

/**
 * The name of a resource's schemas in the OpenAPI document of `family`: its Rails model name
 * (`User`, `WorkerEmail` for `Worker::WorkerEmail`), or, where two resources of the family share
 * one (a contact and a supplier's contact are both `Contact`), its registry name in Pascal case
 * (`Contacts`, `SupplierContacts`). Component keys may hold only letters, digits, `.`, `-`, `_`.
 */
export function componentName(family: ApiFamily, def: ResourceDef): string {
  let names = cache.get(family);
  if (!names) {
    const members = RESOURCES.filter((r) => familyOf(r) === family);
    const counts = new Map<string, number>();
    for (const r of members) counts.set(modelBase(r), (counts.get(modelBase(r)) ?? 0) + 1);
    names = new Map(members.map((r) => [r, (counts.get(modelBase(r)) ?? 0) > 1 ? pascal(r.name) : modelBase(r)] as const));
    cache.set(family, names);
  }
  const name = names.get(def);
  if (name === undefined || !/^[A-Za-z0-9._-]+$/.test(name))
    throw new Error(`${def.name} has no schema name in the ${family} family`);
  return name;
}
