import { auditUsers, collection, idElement, readOnly, reference, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * Coupa's User Groups API (/api/user_groups), under its own scopes core.user_group.*. The
 * Swagger `UserGroup` types `owner` as a user group; Roster follows Coupa's product, where a
 * group's owner is a user. Its `users` (the members) are the users whose `user-groups` name it,
 * which Roster does not yet render (docs/reference-data.md).
 */
export const USER_GROUPS = defineResource({
  name: 'user_groups',
  singular: 'user-group',
  elements: [
    idElement(),
    ...timestamps(3),
    scalar('name', 'string', 'Name', { length: 255, required: true, unique: true }),
    scalar('description', 'text', 'Description'),
    scalar('active', 'boolean', 'Active', { default: true }),
    scalar('can-approve', 'boolean', 'Members can approve', { default: false, since: 3 }),
    scalar('open', 'boolean', 'User group is open for everyone to join or owner must invite others', {
      default: false,
      since: 9,
    }),
    reference('owner', 'users', 'Owner of the group', { since: 9 }),
    { ...collection('content-groups', 'business_groups', 'Content groups'), since: 9 },
    readOnly('mention-name', 'string', 'Mention name', { length: 255, since: 9 }),
    readOnly('avatar-thumb-url', 'string', 'URL for avatar thumbnail', { since: 9 }),
    // Blank for groups; Coupa's projects are user groups of type `Project`, which Roster does not serve.
    readOnly('type', 'string', 'Blank for Groups, Project for Projects', { length: 255, since: 9 }),
    ...auditUsers(3),
  ],
  key: 'name',
  simple: ['id', 'name', 'description', 'active'],
  cached: true,
  api: {
    path: '/api/user_groups',
    operations: ['index', 'show', 'create', 'update'],
    scopes: { read: 'core.user_group.read', write: 'core.user_group.write' },
  },
});
