import { bigintIdElement, reference, scalar, through } from '../elements.js';
import { csoResourceApi } from '../families.js';
import { defineResource } from '../resource.js';

/** A CSO user's states, case-sensitive (seed 001). */
export const CSO_USER_STATES = ['Blocked', 'Active', 'Disabled', 'Removed'] as const;

/** The company a CSO user belongs to: set once, shown as `company-id` only (seed 001's samples). */
const COMPANY = reference('company', 'cso_companies', 'The Company of the user', { in: false, out: false, immutable: true });

const text = (name: string, description: string) => scalar(name, 'string', description, { length: 255 });
/** A flag the samples always show: `false` unless given, never cleared (null is refused as blank). */
const flag = (name: string, description: string) => scalar(name, 'boolean', description, { default: false, required: true });

/**
 * The users of Coupa Sourcing Optimization (seed 001, reference doc 0468): their own table, not
 * core Coupa's users. Elements and order as the seed's table and samples give them. Where the
 * table and the samples disagree, the samples win (docs/cso-api.md lists each case): the
 * update sample changes `email`, which the table calls unchangeable, so it may change; `state`
 * is left out of the second create sample, so it defaults to `Active` (and, as the samples always
 * show it and the three flags, none of them may be cleared). `invoicing_user` keeps
 * the underscore the table spells it with (`invoicing-user` is read too). Lengths are Roster's
 * (255 characters): CSO documents none.
 */
export const CSO_USERS = defineResource({
  name: 'cso_users',
  singular: 'user',
  plural: 'users',
  since: 12,
  elements: [
    bigintIdElement(),
    scalar('state', 'string', 'Status of the user', {
      length: 20,
      allowed: CSO_USER_STATES,
      caseSensitive: true,
      default: 'Active',
      // Never without one: left out it is Active, sent as null it is refused.
      required: true,
    }),
    scalar('name', 'string', 'The login name of the user. Once set cannot be changed.', {
      length: 255,
      required: true,
      unique: true,
      immutable: true,
    }),
    text('first-name', 'The first name of the user'),
    text('last-name', 'The last name of the user'),
    text('phone-number', 'Phone number of the user'),
    text('mobile-number', 'The mobile number of the user'),
    text('email', 'Email of the User'),
    COMPANY,
    { ...through('company-id', COMPANY, 'id', 'bigint', 'The Company ID for the User. Once set it cannot be changed'), in: true },
    text('street', 'Street part of the User address'),
    text('zip-code', 'Zip code part of the User address'),
    text('city', 'City part of the User address'),
    text('country', 'Country part of the User address'),
    text('keywords', 'Keywords associated to the User'),
    text('external-user-name', 'The external user name assigned to the user.'),
    flag('accepts-agreement', 'Indicates whether or not the user has accepted required agreements.'),
    flag('provide-information', 'Indicates whether or not the user shall provide user information at the next login.'),
    flag('change-password', 'Indicates whether or not the user shall change their password at the next login.'),
    // The table's last element; the samples predate it. A flag like the others.
    { ...flag('invoicing_user', 'Invoicing User'), column: 'invoicing_user', aliases: ['invoicing-user'] },
  ],
  key: 'name',
  simple: ['id', 'name'],
  api: csoResourceApi('/api/users'),
});
