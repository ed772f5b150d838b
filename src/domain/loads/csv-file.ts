import { parse, CsvError } from 'csv-parse';

/** The limits of one flat file: Coupa's 5,000 rows and 8 MB by default (`config.ts`, docs/flat-files.md). */
export interface FileLimits {
  /** Most data rows (the header excluded). */
  readonly maxRows: number;
  /** Most bytes. */
  readonly maxBytes: number;
}

/** One data row: its number in the file (the header is row 1) and its cells. */
export interface CsvRow {
  readonly row: number;
  readonly cells: readonly string[];
}

/** A file read whole, or the reason it cannot be loaded at all. */
export type CsvFile =
  | { readonly ok: true; readonly header: readonly string[]; readonly rows: readonly CsvRow[] }
  | { readonly ok: false; readonly reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a flat file as RFC 4180 CSV (comma, double quotes, `""` escapes, line breaks inside
 * quotes), UTF-8, one header row, through csv-parse's stream. A byte BOM is skipped. Refuses
 * the whole file (writing nothing) when it is over the limits, not UTF-8, empty, or not CSV.
 * Rows with too few or too many cells are kept: each becomes that row's error, not the file's.
 */
export async function readCsvFile(data: Buffer, limits: FileLimits): Promise<CsvFile> {
  if (data.length > limits.maxBytes) {
    return { ok: false, reason: `The file is ${data.length} bytes; the limit is ${limits.maxBytes} bytes` };
  }
  try {
    utf8.decode(data);
  } catch {
    return { ok: false, reason: 'The file is not UTF-8 text: save it as CSV UTF-8' };
  }
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true });
  parser.end(data);
  let header: string[] | undefined;
  const rows: CsvRow[] = [];
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = record;
        continue;
      }
      if (rows.length >= limits.maxRows) {
        return { ok: false, reason: `The file has more than ${limits.maxRows} rows (the header excluded)` };
      }
      // csv-parse counts records from 1, the header included: Coupa's row numbers.
      rows.push({ row: rows.length + 2, cells: record });
    }
  } catch (err) {
    if (err instanceof CsvError) return { ok: false, reason: `The file is not valid CSV: ${err.message}` };
    throw err;
  }
  if (!header) return { ok: false, reason: 'The file is empty: it needs a header row' };
  return { ok: true, header, rows };
}
