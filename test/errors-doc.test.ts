import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from '../src/domain/errors.js';

describe('docs/errors.md', () => {
  it('lists exactly the codes, statuses and meanings of the error catalogue', () => {
    const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|\s*(.+?)\s*\|$/gm)].map(([, code, status, meaning]) => [
      code,
      Number(status),
      meaning,
    ]);
    const catalogue = Object.entries(ERROR_CATALOG).map(([code, e]) => [code, e.status, e.description]);
    expect(rows).toEqual(catalogue);
  });
});
