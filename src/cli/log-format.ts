import { prettyLogStream, type LogDestination } from '../http/log-pretty.js';

/** How `roster serve` writes its log: `pretty` (one readable line each, for a person) or `json` (JSON lines, for a machine). */
export type LogFormat = 'pretty' | 'json';

export const LOG_FORMATS: readonly LogFormat[] = ['pretty', 'json'];

/** `--log-format` (or ROSTER_LOG_FORMAT) when given; else pretty when stdout is a terminal, JSON lines when not. */
export function chooseLogFormat(flag: LogFormat | undefined, stdoutIsTerminal: boolean): LogFormat {
  return flag ?? (stdoutIsTerminal ? 'pretty' : 'json');
}

/**
 * The stream the server's logger writes to in `format`: pino-pretty onto stdout, or undefined
 * for JSON lines (pino's own stdout destination). Either way the app's logger masks secrets in
 * each line before it is written (http/log-redaction.ts).
 */
export function logStreamFor(format: LogFormat): LogDestination | undefined {
  return format === 'pretty' ? prettyLogStream(process.stdout) : undefined;
}
