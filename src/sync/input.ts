import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { SyncFatalError } from './types.js';

/** One row of the HR export: its line (CSV: the file line the record starts on; JSON Lines: the line) and cells by column. */
export interface InputRow {
  readonly line: number;
  readonly cells: Readonly<Record<string, string>>;
}

/** The export read whole: its columns (CSV header, or every property seen in JSON Lines) and rows. */
export interface InputFile {
  readonly columns: readonly string[];
  readonly rows: readonly InputRow[];
}

/**
 * Reads an HR export, its format chosen by extension: `.csv` (RFC 4180 with a header row, UTF-8, a BOM
 * allowed; csv-parse) or `.jsonl` / `.ndjson` (one JSON object per line; blank lines skipped). Values are
 * kept as text: JSON numbers and booleans as written, null as `''`.
 * Throws SyncFatalError for an unreadable file, another extension, or a malformed CSV or JSON line
 * (with its line number): a broken export is refused whole rather than half-synced.
 */
export async function readInput(file: string): Promise<InputFile> {
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.csv' && ext !== '.jsonl' && ext !== '.ndjson') {
    throw new SyncFatalError(`the input ${file} must be .csv or .jsonl (JSON Lines)`);
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new SyncFatalError(`cannot read the input ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return ext === '.csv' ? readCsv(file, text) : readJsonLines(file, text);
}

function readCsv(file: string, text: string): InputFile {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
      info: true,
    }) as unknown as typeof records;
  } catch (err) {
    throw new SyncFatalError(`the input ${file} is not valid CSV: ${(err as Error).message}`);
  }
  const [header, ...body] = records;
  if (header === undefined) throw new SyncFatalError(`the input ${file} is empty: a CSV export needs a header row`);
  const columns = header.record.map((c) => c.trim());
  const rows = body.map(({ record, info }) => {
    const cells: Record<string, string> = {};
    columns.forEach((c, i) => (cells[c] = record[i] ?? ''));
    // info.lines is the line the record ends on; a record with quoted newlines starts earlier.
    return { line: info.lines - countNewlines(record), cells };
  });
  return { columns, rows };
}

const countNewlines = (record: readonly string[]): number => record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);

function readJsonLines(file: string, text: string): InputFile {
  const columns = new Set<string>();
  const rows: InputRow[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new SyncFatalError(`the input ${file} line ${i + 1} is not JSON: ${(err as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new SyncFatalError(`the input ${file} line ${i + 1} must be a JSON object`);
    }
    const cells: Record<string, string> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      columns.add(k);
      cells[k] =
        v === null || v === undefined
          ? ''
          : typeof v === 'string'
            ? v
            : typeof v === 'number' || typeof v === 'boolean'
              ? String(v)
              : JSON.stringify(v);
    }
    rows.push({ line: i + 1, cells });
  });
  return { columns: [...columns], rows };
}
