import { serialId } from '../catalog/ids.js';
import type { RecordService } from './record-service.js';

/** Makes the user behind a new API credential; returns its id. */
export type ApiUserFactory = (login: string, name: string) => Promise<number>;

/**
 * The user behind an API credential, as Coupa keeps an API user: records written through the
 * credential show it in created-by and updated-by. It is created with `api-user` set, in one write.
 */
/** A user's `lastname` holds 40 characters, counted in code points (users.ts); a longer credential name is cut to fit. */
const LASTNAME_LENGTH = 40;

export function apiUserFactory(users: RecordService): ApiUserFactory {
  return async (login, name) => {
    const doc = {
      login,
      email: `${login}@api.roster.invalid`,
      firstname: 'API',
      lastname: Array.from(name).slice(0, LASTNAME_LENGTH).join(''),
    };
    const { record } = await users.create(doc, { name: 'roster', userId: null }, { system: new Map([['api-user', true]]) });
    return serialId(record.id);
  };
}
