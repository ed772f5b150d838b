import { apiUserFactory } from '../domain/api-users.js';
import type { Engine } from '../domain/engine.js';
import { credentialUsers, setCredentialUser, type CredentialUser } from '../store/state-copy.js';

/** A credential and the login of its API user, as they were before the data was replaced. */
export interface KeptCredential {
  readonly credential: CredentialUser;
  readonly login: string | undefined;
}

/** Every credential with an API user, and that user's login: read before a reset or a restore replaces the users. */
export async function keptCredentials(engine: Engine): Promise<KeptCredential[]> {
  const users = engine.repository('users');
  const kept: KeptCredential[] = [];
  for (const credential of await credentialUsers(engine.store)) {
    const user = await users.findById(credential.userId);
    const login = user?.values.get('login');
    kept.push({ credential, login: typeof login === 'string' ? login : undefined });
  }
  return kept;
}

/**
 * Gives each kept credential its API user in the new data: the user of the same login where the
 * restored snapshot has it (the credential existed when it was saved), else a new API user as
 * the credential was given when it was made (domain/api-users.ts). So records written through
 * the credential after a reset or a restore show its API user in `created-by`, never whoever
 * holds its old id now.
 */
export async function reattachApiUsers(engine: Engine, kept: readonly KeptCredential[]): Promise<void> {
  const users = engine.repository('users');
  const create = apiUserFactory(engine.service('users'));
  for (const { credential, login } of kept) {
    const fallback = credential.table === 'oauth_clients' ? `oauth.${credential.key}` : `api.key.${credential.key}`;
    const existing = login === undefined ? undefined : await users.idByKey(login);
    const userId = existing ?? (await create(login ?? fallback, credential.name));
    await setCredentialUser(engine.store, credential, Number(userId));
  }
}
