import {
  auditUsers,
  collection,
  idElement,
  joinedText,
  ownerReference,
  phone,
  readOnly,
  scalar,
  timestamps,
} from '../elements.js';
import { defineResource } from '../resource.js';
import type { Element } from '../types.js';

const name = (part: string) => scalar(`name-${part}`, 'string', `name_${part}`, { length: 255 });

/** A contact's own elements (`Contact` in Coupa's Swagger), without id, timestamps, purposes and audit users. */
const CONTACT_ELEMENTS: readonly Element[] = [
  readOnly('active', 'boolean', 'Active', { default: true }),
  scalar('email', 'string', 'email', { length: 255, required: true, format: 'email' }),
  name('prefix'),
  name('given'),
  name('additional'),
  name('family'),
  name('suffix'),
  joinedText('name-fullname', 'name_fullname', ['name-given', 'name-family'], ' '),
  scalar('notes', 'text', 'notes'),
  phone('phone-work', 'phone_work'),
  phone('phone-mobile', 'phone_mobile'),
  phone('phone-fax', 'phone_fax'),
  scalar('photo', 'string', 'photo', { length: 255 }),
];

const SIMPLE = ['id', 'email', 'name-given', 'name-family', 'name-fullname', 'phone-work', 'phone-mobile'];

/**
 * A person to reach for a chart of accounts or a supplier (`Contact` in Coupa's Swagger): names
 * in parts, e-mail, three phone numbers, notes and purposes. Coupa's public docs name no API of
 * their own for contacts, so they are written and read nested (an account type's or a
 * supplier's `primary-contact`). A contact has no natural key: a nested object with an `id`
 * names that contact, and one without names the contact with that `email`, or creates it.
 */
export const CONTACTS = defineResource({
  name: 'contacts',
  singular: 'contact',
  since: 9,
  elements: [idElement(), ...timestamps(), ...CONTACT_ELEMENTS, collection('purposes', 'purposes', 'purposes'), ...auditUsers()],
  key: 'id',
  simple: SIMPLE,
  findOrCreateBy: ['email'],
});

/**
 * A supplier's contacts (its `contacts`): the contact's elements, owned by the supplier and
 * written with Rails' nested-attributes rules, as IBM's Coupa client adds one (no `id`) or
 * changes one (with its `id`) in `PUT /api/suppliers/:id`. Purposes are not kept on them yet.
 */
export const SUPPLIER_CONTACTS = defineResource({
  name: 'supplier_contacts',
  singular: 'contact',
  model: 'Contact',
  since: 9,
  elements: [
    idElement(),
    ...timestamps(),
    ...CONTACT_ELEMENTS,
    ownerReference('supplier', 'suppliers', 'The supplier the contact works for'),
    ...auditUsers(),
  ],
  key: 'id',
  simple: SIMPLE,
});
