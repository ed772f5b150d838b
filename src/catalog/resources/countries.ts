import { idElement, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * Countries, by ISO code. Coupa's public docs list no countries API, so Roster stores and
 * nests them (address country, a user's country of residence) but serves no route.
 */
export const COUNTRIES = defineResource({
  name: 'countries',
  singular: 'country',
  elements: [
    idElement(),
    ...timestamps(3),
    scalar('code', 'string', 'ISO 3166 code', { length: 4, required: true, unique: true }),
    scalar('name', 'string', 'Name', { length: 100 }),
    // Swagger `Country`: the name in the reader's language; Roster speaks English only, so the name.
    {
      kind: 'computed',
      name: 'translated-name',
      type: 'string',
      description: 'Translated name',
      in: false,
      out: true,
      from: ['name'],
      compute: (v) => v.get('name') ?? null,
    },
  ],
  key: 'code',
  simple: ['id', 'code', 'name'],
  cached: true,
});
