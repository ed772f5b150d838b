import { humanize, indexCatalog } from '../catalog/lookup.js';
import { resourceNamed } from '../catalog/registry.js';
import type { ResourceDef } from '../catalog/resource.js';
import type { ScalarElement, ScalarValue } from '../catalog/types.js';
import { lengthProblem, textLength } from '../catalog/values.js';
import type { ParsedInput } from './record-input.js';

/** Rails' own email check is looser than RFC 5322; this matches what Coupa refuses as "is invalid". */
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const blank = (v: ScalarValue | null | undefined): boolean =>
  v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

function checkScalar(el: ScalarElement, value: ScalarValue | null, messages: string[], today?: string): void {
  const label = humanize(el.name);
  if (el.required && blank(value)) {
    messages.push(`${label} can't be blank`);
    return;
  }
  if (value === null) return;
  const tooLong = lengthProblem(value, el.length);
  if (tooLong) messages.push(`${label} ${tooLong}`);
  if (el.allowed && !(typeof value === 'string' && value === '') && !el.allowed.includes(String(value))) {
    messages.push(`${label} is not included in the list`);
  }
  if (el.minimum !== undefined && (typeof value === 'number' || el.type === 'decimal') && Number(value) < el.minimum) {
    messages.push(`${label} must be greater than or equal to ${el.minimum}`);
  }
  // Dates are `YYYY-MM-DD`, so text order is date order. Only a record's own values are dated
  // (a worker's date of birth); nested find-or-create values have none.
  if (el.past && today !== undefined && typeof value === 'string' && value > today) {
    messages.push(`${label} can't be in the future`);
  }
}

/**
 * Messages for the values a nested object gives a row it creates (find-or-create: a supplier's
 * new `primary-contact`), checked as an update checks what it is sent (length, allowed values,
 * format) and prefixed with `label`: "Primary contact email is invalid". What it leaves out is
 * not required of it: Coupa's own Suppliers example creates a primary address without the local
 * tax number its Address API requires.
 */
export function validateNestedValues(def: ResourceDef, values: ReadonlyMap<string, ScalarValue | null>, label: string): string[] {
  const messages: string[] = [];
  for (const el of indexCatalog(def).writableScalars) {
    if (!values.has(el.name)) continue;
    const value = values.get(el.name) ?? null;
    checkScalar(el, value, messages);
    if (el.format === 'email' && typeof value === 'string' && !blank(value) && !EMAIL.test(value)) {
      messages.push(`${humanize(el.name)} is invalid`);
    }
  }
  return messages.map((m) => `${label} ${m.charAt(0).toLowerCase()}${m.slice(1)}`);
}

/**
 * Rails-style validation messages for a create (every required element must be present)
 * or an update (only what was sent is checked), over any resource's elements. Minimum
 * lengths and formats are reported after the per-element checks, as Rails runs those
 * validators after the presence and length ones. `today` is the server's date (`YYYY-MM-DD`):
 * no date of birth may come after it.
 */
export function validateRecord(def: ResourceDef, input: ParsedInput, mode: 'create' | 'update', today: string): string[] {
  const index = indexCatalog(def);
  const messages = [...input.problems];
  // An element whose value did not parse is reported once, by the parser, not also as blank.
  for (const el of index.writableScalars) {
    const sent = input.scalars.has(el);
    if ((!sent && mode === 'update') || input.refused.has(el.name)) continue;
    checkScalar(el, sent ? (input.scalars.get(el) ?? null) : (el.default ?? null), messages, today);
  }
  for (const el of index.writableScalars) {
    const value = input.scalars.get(el);
    if (el.minLength !== undefined && typeof value === 'string' && value.length > 0 && textLength(value) < el.minLength) {
      messages.push(`${humanize(el.name)} is too short (minimum is ${el.minLength} characters)`);
    }
  }
  for (const el of index.writableScalars) {
    const value = input.scalars.get(el);
    if (el.format === 'email' && typeof value === 'string' && !blank(value) && !EMAIL.test(value)) {
      messages.push(`${humanize(el.name)} is invalid`);
    }
  }
  for (const el of index.references) {
    if (!el.required || !el.in) continue;
    const label = humanize(el.name);
    const sent = input.references.has(el);
    if ((mode === 'create' && !sent && !input.refused.has(el.name)) || (sent && input.references.get(el) === null)) {
      messages.push(`${label} can't be blank`);
    }
  }
  for (const [el, parts] of input.composites) {
    for (const part of el.fields) {
      const tooLong = lengthProblem(parts?.get(part.name), part.length);
      if (tooLong) messages.push(`${humanize(`${el.name} ${part.name}`)} ${tooLong}`);
    }
  }
  // Rails names a nested row's attribute after the association: "Warehouse locations aisle can't be blank".
  for (const [el, items] of input.children) {
    const child = resourceNamed(el.target);
    const label = humanize(el.name);
    for (const item of items) {
      if (item.destroy) continue;
      for (const m of validateRecord(child, item.input, item.id === undefined ? 'create' : 'update', today)) {
        messages.push(`${label} ${m.charAt(0).toLowerCase()}${m.slice(1)}`);
      }
    }
  }
  return messages;
}
