import { bigintIdElement, scalar } from '../elements.js';
import { csoResourceApi } from '../families.js';
import { defineResource } from '../resource.js';

/** A CSO company's states (the list; CSO's Company API page is not in our reference set). */
export const CSO_COMPANY_STATES = ['Active', 'Removed'] as const;

/**
 * The companies of Coupa Sourcing Optimization (`/api/companies` on a CSO site, reference doc
 * 0461 lists its Company API): what a CSO user's `company-id` names. Kept apart from core
 * Coupa's tables: a CSO company is not a core supplier or legal entity. Lengths are Roster's
 * (255 characters): CSO documents none. docs/cso-api.md.
 */
export const CSO_COMPANIES = defineResource({
  name: 'cso_companies',
  singular: 'company',
  plural: 'companies',
  since: 12,
  elements: [
    bigintIdElement(),
    scalar('state', 'string', 'State of the company', {
      length: 20,
      allowed: CSO_COMPANY_STATES,
      caseSensitive: true,
      default: 'Active',
      required: true,
    }),
    scalar('name', 'string', 'Name of the company', { length: 255, required: true, unique: true }),
    scalar('street', 'string', 'Street part of the company address', { length: 255 }),
    scalar('zip-code', 'string', 'Zip code part of the company address', { length: 255 }),
    scalar('city', 'string', 'City part of the company address', { length: 255 }),
    scalar('country', 'string', 'Country part of the company address', { length: 255 }),
  ],
  key: 'name',
  simple: ['id', 'name'],
  api: csoResourceApi('/api/companies'),
});
