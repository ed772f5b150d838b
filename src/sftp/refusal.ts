import ssh2 from 'ssh2';

/** SFTP status codes (draft-ietf-secsh-filexfer-02 §7: SSH_FX_*), as ssh2 numbers them. */
export const STATUS_CODE = ssh2.utils.sftp.STATUS_CODE;

/** The refusals this server answers with; each becomes an SSH_FXP_STATUS with its message. */
export type RefusalCode = 'NO_SUCH_FILE' | 'PERMISSION_DENIED' | 'FAILURE' | 'OP_UNSUPPORTED' | 'EOF';

/** The SSH_FX_* number of a refusal. */
export function statusNumber(code: RefusalCode): number {
  switch (code) {
    case 'EOF':
      return STATUS_CODE.EOF;
    case 'NO_SUCH_FILE':
      return STATUS_CODE.NO_SUCH_FILE;
    case 'PERMISSION_DENIED':
      return STATUS_CODE.PERMISSION_DENIED;
    case 'FAILURE':
      return STATUS_CODE.FAILURE;
    case 'OP_UNSUPPORTED':
      return STATUS_CODE.OP_UNSUPPORTED;
  }
}

/**
 * A request the server answers with a status other than OK: thrown by a request's handler and
 * sent as SSH_FXP_STATUS with `code` and `message` (a sentence a user can read; clients such as
 * ssh2 show it, OpenSSH's `sftp` shows the code's own text).
 */
export class SftpRefusal extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'SftpRefusal';
  }
}

/** Throws a refusal; a statement calling it ends its branch (the compiler narrows after it). */
export function refuse(code: RefusalCode, message: string): never {
  throw new SftpRefusal(code, message);
}
