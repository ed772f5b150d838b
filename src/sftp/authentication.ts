import type { AuthContext, AuthenticationType } from 'ssh2';
import { assertNever } from '../catalog/lookup.js';
import type { SftpAccountService } from '../domain/sftp-accounts.js';
import { shown } from './paths.js';
import type { SftpLogger } from './server.js';

/** The methods offered to a client (RFC 4252 §5.1: the "authentications that can continue"). */
const METHODS: AuthenticationType[] = ['publickey', 'password'];
/** Failed attempts one connection may make before it is closed, as OpenSSH's MaxAuthTries (6) does, with room for several keys. */
export const MAX_FAILED_SIGN_INS = 10;

/** One connection's sign-in: decides each SSH_MSG_USERAUTH_REQUEST and remembers who signed in. */
export class SignIn {
  private failures = 0;
  /** The account signed in, once one is. */
  account: string | undefined;

  constructor(
    private readonly accounts: SftpAccountService,
    private readonly logger: SftpLogger,
    /** Called when the connection made MAX_FAILED_SIGN_INS failed attempts: it should be closed. */
    private readonly onTooManyFailures: () => void,
  ) {}

  /**
   * Answers one attempt (ssh2's `authentication` event). `none` (every client's opening probe) is
   * refused quietly with the methods offered; a failed password, key or other method is logged
   * with the user name and the method, never the secret.
   */
  handle(ctx: AuthContext): void {
    switch (ctx.method) {
      case 'none':
        ctx.reject(METHODS);
        return;
      case 'password':
        this.decide(ctx, this.accounts.authenticatePassword(ctx.username, ctx.password), true);
        return;
      case 'publickey': {
        const signed =
          ctx.signature && ctx.blob ? { blob: ctx.blob, signature: ctx.signature, hashAlgo: ctx.hashAlgo } : undefined;
        // Without a signature the client only asks whether the key would do; only a signed attempt signs in.
        this.decide(
          ctx,
          this.accounts.authenticatePublicKey(ctx.username, { key: ctx.key.data, ...(signed ? { signed } : {}) }),
          !!signed,
        );
        return;
      }
      case 'keyboard-interactive':
      case 'hostbased':
        this.decide(ctx, Promise.resolve(false), true);
        return;
      default:
        assertNever(ctx);
    }
  }

  private decide(ctx: AuthContext, verdict: Promise<boolean>, signsIn: boolean): void {
    const user = shown(ctx.username);
    verdict.then(
      (ok) => {
        if (ok) {
          if (signsIn) {
            this.account = ctx.username;
            this.logger.info({ user, method: ctx.method }, 'SFTP sign-in');
          }
          ctx.accept();
          return;
        }
        this.logger.warn({ user, method: ctx.method }, 'SFTP sign-in failed');
        ctx.reject(METHODS);
        if (++this.failures >= MAX_FAILED_SIGN_INS) this.onTooManyFailures();
      },
      (err: unknown) => {
        this.logger.error({ user, method: ctx.method, err }, 'SFTP sign-in could not be checked');
        ctx.reject(METHODS);
      },
    );
  }
}
