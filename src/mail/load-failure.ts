// The e-mail Coupa's admins and integration contacts get when a flat file fails. Pure: builds a message, sends nothing.
import type { MailMessage } from './mailer.js';

/** One row that did not load, as the message lists it. */
export interface FailedRow {
  readonly row: number;
  readonly column: string | null;
  readonly value: string | null;
  readonly errors: string;
}

/** Most failed rows a message lists; the rest are counted. */
export const LISTED_ROWS = 10;

/**
 * The notice of a failed flat file: Coupa "sends a notification to Coupa Admin on an upload
 * failure" (seeds 002, 003). Subject `Flat file <name> failed` (a file refused whole) or
 * `Flat file <name> loaded with <n> errors`; the body gives the file, its status, the counts,
 * the result text, the first `LISTED_ROWS` failed rows and where to see the load. Plain text
 * only (values from the file are shown as they are, never as markup).
 */
export function loadFailureMessage(input: {
  readonly to: string;
  readonly from: string;
  readonly file: string;
  readonly sourceFor: string;
  readonly status: string;
  readonly counts: { readonly rows: number; readonly created: number; readonly updated: number; readonly errors: number };
  readonly resultText: string;
  readonly rows: readonly FailedRow[];
  /** The load's page: `http://host:port/data_sources/7`. */
  readonly url: string;
}): MailMessage {
  const file = input.file.replace(/\s+/g, ' ').trim();
  const subject =
    input.status === 'Failed'
      ? `Flat file ${file} failed`
      : `Flat file ${file} loaded with ${input.counts.errors} ${input.counts.errors === 1 ? 'error' : 'errors'}`;
  const listed = input.rows.slice(0, LISTED_ROWS).map((r) => {
    const where = r.column === null ? '' : ` ${r.column}${r.value === null ? '' : ` "${r.value}"`}`;
    return `  Row ${r.row}${where}: ${r.errors}`;
  });
  const more = input.rows.length > LISTED_ROWS ? [`  … and ${input.rows.length - LISTED_ROWS} more`] : [];
  const text = [
    `The ${input.sourceFor} file ${file} did not load cleanly.`,
    '',
    `Status:   ${input.status}`,
    `Rows:     ${input.counts.rows} (${input.counts.created} created, ${input.counts.updated} updated, ${input.counts.errors} with errors)`,
    `Result:   ${input.resultText}`,
    ...(listed.length > 0 ? ['', 'First errors:', ...listed, ...more] : []),
    '',
    `See the load: ${input.url}`,
    '',
  ].join('\n');
  return { to: input.to, from: input.from, subject, text };
}
