import { auditUsers, idElement, readOnly, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/** Purchasing cards a user may hold; Coupa documents no API for them, so they are only nested. */
export const PCARDS = defineResource({
  name: 'pcards',
  singular: 'pcard',
  elements: [
    idElement(),
    ...timestamps(3),
    scalar('name', 'string', 'Name', { length: 255, required: true, unique: true }),
    scalar('nickname', 'string', 'Nickname', { length: 255 }),
    scalar('expiry', 'string', 'Expiry', { length: 255 }),
    scalar('active', 'boolean', 'Active', { default: true }),
    // The card number as Coupa shows it, masked (`************4242`); required by the Swagger `Pcard`.
    scalar('number', 'string', 'Masked card number', { length: 255, since: 5 }),
    // Swagger `Pcard` (migration 9). `cvv` is read-only there; Roster keeps no card secret, so it stays empty.
    readOnly('cvv', 'string', 'cvv', { length: 4, since: 9 }),
    scalar('shared', 'boolean', 'shared', { default: false, since: 9 }),
    ...auditUsers(9),
  ],
  key: 'name',
  simple: ['id', 'name', 'nickname', 'number', 'expiry', 'active'],
  cached: true,
});
