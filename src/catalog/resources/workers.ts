import { auditUsers, children, idElement, readOnly, reference, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/** The only gender codes Coupa's public docs show (seed 004's sample), with the names it renders. */
const GENDERS: Readonly<Record<string, string>> = { m: 'Male', f: 'Female' };

/** How a worker's audit users and portal user nest: seed 004's sample `created-by`. */
const USER_SMALL = ['id', 'login', 'employee-number', 'fullname'];

/**
 * Coupa's Worker API (seed 004, reference doc 0292): contingent workers of a supplier. Elements
 * in the render order of the seed's sample. `status` is `open` until a worker has an assignment
 * in progress (`assigned`, Coupa's supplier-portal help); Roster has no assignments, so only a
 * fixture sets it. `portal-access` moves from `Not Registered` to `Invited` on
 * `invite_worker` (docs/workers-api.md). `country-of-citizenship` is the input name of what
 * renders as `nationality`, as the seed's In and Out columns give them.
 */
export const WORKERS = defineResource({
  name: 'workers',
  singular: 'worker',
  since: 7,
  elements: [
    idElement(),
    ...timestamps().map((el) => ({ ...el, indexed: true })),
    scalar('first-name', 'string', 'First name', { length: 255, required: true }),
    scalar('last-name', 'string', 'Last name', { length: 255, required: true }),
    scalar('middle-name', 'string', 'Middle name', { length: 255 }),
    readOnly('active', 'boolean', 'Active', { default: true }),
    readOnly('status', 'string', 'Status', { length: 50, allowed: ['open', 'assigned'], default: 'open', indexed: true }),
    scalar('current-title', 'string', 'Current title', { length: 255 }),
    // decimal(19,2) in seed 004's element table.
    scalar('total-experience-in-years', 'decimal', 'Total experience in years', {
      required: true,
      minimum: 0,
      decimal: { precision: 19, scale: 2 },
    }),
    readOnly('portal-access', 'string', 'Portal access', {
      length: 50,
      allowed: ['Not Registered', 'Invited', 'Registered'],
      default: 'Not Registered',
    }),
    scalar('date-of-birth', 'date', 'Date of Birth', { required: true, past: true }),
    readOnly('avatar-file-name', 'string', 'Avatar File Name', { length: 255 }),
    readOnly('avatar-content-type', 'string', 'Avatar Content Type', { length: 255 }),
    scalar('gender-code', 'string', 'Gender code', { length: 255, required: true, allowed: Object.keys(GENDERS) }),
    {
      kind: 'computed',
      name: 'gender',
      type: 'string',
      description: 'Gender',
      in: false,
      out: true,
      from: ['gender-code'],
      compute: (v) => GENDERS[String(v.get('gender-code'))] ?? null,
    },
    reference('supplier', 'suppliers', 'supplier'),
    reference('country-of-residence', 'countries', 'Country of residence'),
    reference('nationality', 'countries', 'Nationality', { aliases: ['country-of-citizenship'] }),
    reference('portal-access-info', 'users', 'Portal Access Info', { in: false, nested: USER_SMALL }),
    children('worker-emails', 'worker_emails', 'worker', 'Worker emails'),
    children('worker-skills', 'worker_skills', 'worker', 'Worker skills'),
    children('worker-addresses', 'worker_addresses', 'worker', 'Worker addresses'),
    children('external-identifiers', 'worker_external_identifiers', 'worker', 'External identifiers'),
    { ...children('worker-documents', 'worker_documents', 'worker', 'Worker documents'), in: false },
    children('worker-phone-numbers', 'worker_phone_numbers', 'worker', 'Worker phone numbers'),
    children('national-identifiers', 'worker_national_identifiers', 'worker', 'National identifiers'),
    ...auditUsers().map((el) => ({ ...el, nested: USER_SMALL })),
  ],
  key: 'id',
  // A fixture names a worker as a person is told apart: no other element is required and unique.
  fixtureKey: ['first-name', 'last-name', 'date-of-birth'],
  simple: ['id', 'first-name', 'last-name'],
  avatar: { table: 'worker_avatars' },
  api: {
    path: '/api/workers',
    operations: ['index', 'show', 'create', 'update'],
    scopes: { read: 'core.services_procurement.workers.read', write: 'core.services_procurement.workers.write' },
    extraRoutes: [
      { method: 'GET', path: '/:id/avatar', access: 'read' },
      { method: 'PUT', path: '/:id/avatar', access: 'write' },
      { method: 'POST', path: '/:id/avatar', access: 'write' },
      { method: 'DELETE', path: '/:id/avatar', access: 'write' },
      { method: 'POST', path: '/:id/invite_worker', access: 'write' },
    ],
  },
});
