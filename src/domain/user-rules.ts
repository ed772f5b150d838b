import { humanize, indexCatalog } from '../catalog/lookup.js';
import { USERS } from '../catalog/users.js';
import type { ScalarElement, ScalarValue } from '../catalog/types.js';
import { lengthProblem } from '../catalog/values.js';
import type { ParsedInput } from './user-input.js';

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const blank = (v: ScalarValue | null | undefined): boolean =>
  v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

function checkScalar(el: ScalarElement, value: ScalarValue | null, messages: string[]): void {
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
}

/**
 * Rails-style validation messages for a create (every required element must be present)
 * or an update (only what was sent is checked).
 */
export function validateUser(input: ParsedInput, mode: 'create' | 'update'): string[] {
  const messages = [...input.problems];
  for (const el of indexCatalog(USERS).writableScalars) {
    const sent = input.scalars.has(el);
    if (!sent && mode === 'update') continue;
    checkScalar(el, sent ? (input.scalars.get(el) ?? null) : (el.default ?? null), messages);
  }
  const login = input.scalars.get(USERS_LOGIN);
  if (typeof login === 'string' && login.length > 0 && login.length < 2) {
    messages.push('Login is too short (minimum is 2 characters)');
  }
  const email = input.scalars.get(USERS_EMAIL);
  if (typeof email === 'string' && !blank(email) && !EMAIL.test(email)) messages.push('Email is invalid');
  for (const [el, parts] of input.composites) {
    for (const part of el.fields) {
      const tooLong = lengthProblem(parts?.get(part.name), part.length);
      if (tooLong) messages.push(`${humanize(`${el.name} ${part.name}`)} ${tooLong}`);
    }
  }
  return messages;
}

function scalarNamed(name: string): ScalarElement {
  const el = indexCatalog(USERS).scalars.find((e) => e.name === name);
  if (!el) throw new Error(`users catalogue has no ${name}`);
  return el;
}

const USERS_LOGIN = scalarNamed('login');
const USERS_EMAIL = scalarNamed('email');
