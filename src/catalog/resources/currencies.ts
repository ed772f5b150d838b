import { idElement, scalar } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * Currencies (Coupa's Currencies API, read-only: "Coupa automatically creates new currencies
 * when new ISO currencies are added"). The `Currency` Swagger definition has no timestamps.
 */
export const CURRENCIES = defineResource({
  name: 'currencies',
  singular: 'currency',
  elements: [
    idElement(),
    scalar('code', 'string', 'ISO 4217 code', { length: 6, required: true, unique: true }),
    scalar('name', 'string', 'Name', { length: 100, required: true }),
    scalar('symbol', 'string', 'Symbol', { length: 10 }),
    scalar('decimals', 'integer', 'Decimal places', { in: false }),
    scalar('enabled', 'boolean', 'Enabled', { aliases: ['enabled-flag'] }),
  ],
  key: 'code',
  simple: ['id', 'code', 'name', 'symbol', 'decimals', 'enabled'],
  cached: true,
  api: {
    path: '/api/currencies',
    operations: ['index', 'show'],
    scopes: { read: 'core.common.read', write: 'core.common.write' },
  },
});
