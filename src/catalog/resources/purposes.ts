import { auditUsers, idElement, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * What an address or a contact is for (`Purpose` in Coupa's Swagger: `kind` and `name`, both
 * required), as an address's or a contact's `purposes` name them. Coupa's public docs name no
 * API for them, so they are only nested; a purpose is named by its name.
 */
export const PURPOSES = defineResource({
  name: 'purposes',
  singular: 'purpose',
  since: 9,
  elements: [
    idElement(),
    ...timestamps(),
    scalar('kind', 'string', 'Kind', { length: 255, required: true }),
    scalar('name', 'string', 'Name', { length: 255, required: true, unique: true }),
    ...auditUsers(),
  ],
  key: 'name',
  simple: ['id', 'kind', 'name'],
  cached: true,
});
