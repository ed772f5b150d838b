import { serialId } from '../catalog/ids.js';
import { isRosterError } from './errors.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { RecordService } from './record-service.js';

/** A signed-in user of the pages, as read for each request. */
export interface PageUser {
  readonly id: number;
  readonly login: string;
  readonly fullname: string;
  /** Holds the Admin role: may see the data sources pages. */
  readonly admin: boolean;
}

/** The role that may see the monitor pages (Coupa's Admin). */
const ADMIN_ROLE = 'Admin';

/** A hash no password matches, checked for unknown logins so that a miss takes as long as a wrong password. */
let decoy: Promise<string> | undefined;

/**
 * Sign-in for Roster's pages with a Roster user's login and password (`roster users
 * set-password`, or `password` written through the Users API; stored as scrypt hashes). Only
 * active users sign in; each request reads the user again, so a deactivated user or a removed
 * Admin role takes effect at once.
 */
export class PageSignIn {
  constructor(private readonly users: RecordService) {}

  /** The user `login` names when `password` is theirs and they are active; else undefined. */
  async signIn(login: string, password: string): Promise<PageUser | undefined> {
    const id = login.trim() === '' ? undefined : await this.users.idByKey(login.trim());
    const digest = id === undefined ? null : await this.users.secretOf(id, 'password');
    if (id === undefined || digest === null) {
      decoy ??= hashPassword('roster decoy password');
      await verifyPassword(password, await decoy);
      return undefined;
    }
    if (!(await verifyPassword(password, digest))) return undefined;
    return this.current(serialId(id));
  }

  /** User `id` as the pages see them now, if they exist and are active. */
  async current(id: number): Promise<PageUser | undefined> {
    const user = await this.users.show(id).catch((err: unknown) => {
      if (isRosterError(err) && err.code === 'not_found') return undefined;
      throw err;
    });
    if (!user || user.values.get('active') !== true) return undefined;
    const lookups = await this.users.lookups([user]);
    const roles = (user.collections.get('roles') ?? []).map((r) => lookups.record('roles', r)?.values.get('name'));
    return {
      id,
      login: String(user.values.get('login') ?? ''),
      fullname: [user.values.get('firstname'), user.values.get('lastname')].filter((v) => typeof v === 'string').join(' '),
      admin: roles.includes(ADMIN_ROLE),
    };
  }
}
