import { auditUsers, collection, idElement, phone, readOnly, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';
import type { ScalarValue } from '../types.js';

const name = (part: string) => scalar(`name-${part}`, 'string', `name_${part}`, { length: 255 });
const text = (v: ScalarValue | null | undefined): string => (typeof v === 'string' ? v : '');

/**
 * A person to reach at a supplier or for a chart of accounts (`Contact` in Coupa's Swagger):
 * names in parts, e-mail, three phone numbers, notes and purposes. Coupa's public docs name no
 * API of their own for contacts, so they are written and read nested (an account type's
 * `primary-contact`, a supplier's `contacts`). A contact has no natural key: a nested object
 * with an `id` names that contact, and one without names the contact with that `email`, or
 * creates it.
 */
export const CONTACTS = defineResource({
  name: 'contacts',
  singular: 'contact',
  since: 9,
  elements: [
    idElement(),
    ...timestamps(),
    readOnly('active', 'boolean', 'Active', { default: true }),
    scalar('email', 'string', 'email', { length: 255, required: true, format: 'email' }),
    name('prefix'),
    name('given'),
    name('additional'),
    name('family'),
    name('suffix'),
    {
      kind: 'computed',
      name: 'name-fullname',
      type: 'string',
      description: 'name_fullname',
      in: false,
      out: true,
      from: ['name-given', 'name-family'],
      compute: (v) => `${text(v.get('name-given'))} ${text(v.get('name-family'))}`.trim(),
    },
    scalar('notes', 'text', 'notes'),
    phone('phone-work', 'phone_work'),
    phone('phone-mobile', 'phone_mobile'),
    phone('phone-fax', 'phone_fax'),
    scalar('photo', 'string', 'photo', { length: 255 }),
    collection('purposes', 'purposes', 'purposes'),
    ...auditUsers(),
  ],
  key: 'id',
  simple: ['id', 'email', 'name-given', 'name-family', 'name-fullname', 'phone-work', 'phone-mobile'],
  findOrCreateBy: ['email'],
});
