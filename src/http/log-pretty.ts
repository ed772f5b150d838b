import { prettyFactory, type PrettyOptions } from 'pino-pretty';
import { REQUEST_ABORTED, REQUEST_COMPLETED } from './request-log.js';

/** A pino destination: anything with `write(line)`. */
export interface LogDestination {
  write(text: string): unknown;
}

export interface PrettyLogOptions {
  /** Colours (ANSI); pino-pretty's own guess by default: on at a terminal, off with NO_COLOR. */
  readonly colorize?: boolean;
}

/** A parsed log line. */
type LogObject = Record<string, unknown>;

const isRequestLine = (log: LogObject): boolean =>
  (log['msg'] === REQUEST_COMPLETED || log['msg'] === REQUEST_ABORTED) &&
  typeof log['method'] === 'string' &&
  typeof log['url'] === 'string';

/** Control characters (a terminal's escape sequences among them) shown as `\xNN`, never sent to the terminal. */
const printable = (text: string): string =>
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

const text = (value: unknown): string => (typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value));

/**
 * A request's line as one sentence: `PUT /api/users/5 400 3.1 ms user_invalid: Email can't be
 * blank; Login can't be blank`, or `GET /api/users aborted`. Pure.
 */
function requestSentence(log: LogObject): string {
  const asked = `${text(log['method'])} ${text(log['url'])}`;
  if (log['msg'] === REQUEST_ABORTED) return `${asked} aborted`;
  const time = typeof log['responseTime'] === 'number' ? ` ${log['responseTime'].toFixed(1)} ms` : '';
  const code = typeof log['errorCode'] === 'string' ? log['errorCode'] : undefined;
  const errors = Array.isArray(log['errors']) ? log['errors'].map(text).join('; ') : undefined;
  const why = code !== undefined && errors ? `${code}: ${errors}` : (code ?? errors ?? '');
  return `${asked} ${text(log['status'])}${time}${why === '' ? '' : ` ${why}`}`;
}

/**
 * The message of a pretty line (pino-pretty's `messageFormat`): a request's line as one sentence
 * (requestSentence), any other line's `msg`; then the request id when the line has one:
 * `… (req 5f3c9a0e1b2d4c6f)`. Control characters are escaped. Pure.
 */
export function prettyMessage(log: LogObject, messageKey: string): string {
  const message = isRequestLine(log) ? requestSentence(log) : text(log[messageKey] ?? '');
  const reqId = typeof log['reqId'] === 'string' ? ` (req ${log['reqId']})` : '';
  return printable(`${message}${reqId}`);
}

/**
 * A pino destination that writes each line to `out` as pino-pretty prints it, synchronously
 * (no worker thread, so it bundles and loses nothing at exit): `[10:42:07.123] WARN: PUT
 * /api/users/5 400 3.1 ms user_invalid: Email can't be blank (req 5f3c9a0e1b2d4c6f)`. A request's
 * line is that sentence alone; another line's fields follow its message on the same line as
 * JSON, and an error's stack below it. A line that is not JSON is written as it came.
 *
 * It formats what it is given: the app's logger masks secrets in each line before it gets here
 * (log-redaction.ts, on pino's `hooks.streamWrite`), so the pretty form holds none either.
 */
export function prettyLogStream(out: LogDestination, options: PrettyLogOptions = {}): LogDestination {
  const common: PrettyOptions = {
    ...(options.colorize === undefined ? {} : { colorize: options.colorize }),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,reqId',
    singleLine: true,
    messageFormat: (log, messageKey) => prettyMessage(log, messageKey),
  };
  // A request's fields are all in its sentence; other lines keep theirs. (Without singleLine,
  // pino-pretty ends a line without fields itself; with it, it leaves that to the fields.)
  const requestLine = prettyFactory({ ...common, singleLine: false, hideObject: true });
  const otherLine = prettyFactory(common);
  return {
    write(line: string): void {
      let log: unknown;
      try {
        log = JSON.parse(line);
      } catch {
        out.write(line);
        return;
      }
      if (typeof log !== 'object' || log === null || Array.isArray(log)) {
        out.write(line);
        return;
      }
      const record = log as LogObject;
      out.write((isRequestLine(record) ? requestLine : otherLine)(record));
    },
  };
}
