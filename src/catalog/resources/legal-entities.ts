import { auditUsers, collection, idElement, reference, scalar, timestamps } from '../elements.js';

const text = (name: string, description: string, length: number) => scalar(name, 'string', description, { length, since: 9 });
import { defineResource } from '../resource.js';

/** Legal entities (`LegalEntity` in Coupa's Swagger), under Coupa's scopes core.legal_entity.*. */
export const LEGAL_ENTITIES = defineResource({
  name: 'legal_entities',
  singular: 'legal-entity',
  plural: 'legal-entities',
  elements: [
    idElement(),
    ...timestamps(3),
    scalar('name', 'string', 'Name', { length: 255, required: true, unique: true }),
    scalar('abbreviation', 'string', 'Abbreviation', { length: 50, required: true }),
    scalar('active', 'boolean', 'Active', { default: true }),
    scalar('description', 'string', 'Description', { length: 255, since: 3 }),
    reference('currency', 'currencies', 'Currency', { since: 3 }),
    // The rest of Swagger `LegalEntity` (migration 9), with its sizes and enum.
    scalar('accounting-method', 'string', 'Accounting Method', { length: 7, allowed: ['ifrs', 'ifrs_9', 'us_gaap'], since: 9 }),
    text('corporate-sector', 'Corporate Sector', 16),
    text('external-identification-company-code', 'Company Code', 11),
    text('external-identification-creditor-id', 'SEPA Creditor ID', 35),
    text('external-identification-ic-identifier-gl', 'IC Identifier for GL Exports', 50),
    text('external-identification-lei', 'Legal Entity Identifier', 20),
    text('external-identification-name-matching', 'Deviating Name Matching', 100),
    text('external-identification-name-trading', 'Deviating Name Trading', 100),
    text('external-identification-swift', 'Deviating SWIFT Code', 11),
    text('swift-code', 'SWIFT Code', 11),
    scalar('use-fx-rates-reciprocal', 'boolean', 'Use FX rates reciprocal', { default: false, since: 9 }),
    reference('legal-entity-address', 'addresses', 'Registered address of the legal entity', { since: 9 }),
    reference('bill-to-address', 'addresses', 'Default bill-to address', { since: 9 }),
    { ...collection('bill-to-addresses', 'addresses', 'Bill-to addresses'), since: 9 },
    reference('parent', 'legal_entities', 'Parent legal entity', { since: 9 }),
    ...auditUsers(3),
  ],
  key: 'name',
  simple: ['id', 'name', 'abbreviation', 'active', 'currency'],
  cached: true,
  api: {
    path: '/api/legal_entities',
    operations: ['index', 'show', 'create', 'update'],
    scopes: { read: 'core.legal_entity.read', write: 'core.legal_entity.write' },
  },
});
