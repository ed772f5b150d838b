/**
 * A load's `result-text`, in Coupa's words for the counts ("27 rows processed, creating 0 new
 * rows and updating 11 rows.", issue 19's example), then what else the file held: rows with
 * errors, columns no element has, columns Roster does not keep.
 */
export function resultText(
  rows: number,
  counts: { readonly created: number; readonly updated: number; readonly failed: number },
  unknown: readonly string[],
  unkept: readonly string[],
): string {
  const parts = [`${rows} rows processed, creating ${counts.created} new rows and updating ${counts.updated} rows.`];
  if (counts.failed > 0) parts.push(`${counts.failed} ${counts.failed === 1 ? 'row has' : 'rows have'} errors.`);
  if (unknown.length > 0) parts.push(`Unknown columns, ignored: ${unknown.join(', ')}.`);
  if (unkept.length > 0) parts.push(`Columns Roster does not keep, ignored: ${unkept.join(', ')}.`);
  return parts.join(' ');
}
