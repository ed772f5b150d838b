import type { RecordService } from './record-service.js';

/** Makes the user behind a new API credential; returns its id. */
export type ApiUserFactory = (login: string, name: string) => Promise<number>;

/**
 * The user behind an API credential, as Coupa keeps an API user: records written through the
 * credential show it in created-by and updated-by. It is created with `api-user` set, in one write.
 */
export function apiUserFactory(users: RecordService): ApiUserFactory {
  return async (login, name) => {
    const doc = { login, email: `${login}@api.roster.invalid`, firstname: 'API', lastname: name.slice(0, 80) };
    const { record } = await users.create(doc, { name: 'roster', userId: null }, { system: new Map([['api-user', true]]) });
    return record.id;
  };
}
