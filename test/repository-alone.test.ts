import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * A user clones the repository without the team's `shared` folder beside it: no code or test may read
 * a file from outside the repository (issue 17, kind 8). What the tests need of Coupa's public
 * reference is vendored in test/fixtures/coupa/ with its source noted; a comment may still cite
 * a page of that folder as where a rule comes from.
 */
describe('the suite runs from the repository alone', () => {
  const tracked = execFileSync('git', ['ls-files', 'src', 'test', 'scripts', 'bench', '.ci'], { encoding: 'utf8' })
    .split('\n')
    .filter((f) => /\.(ts|mjs|js|sh)$/.test(f) || f === '.ci/run');

  it('names no path outside the repository in a string', () => {
    expect(tracked.length).toBeGreaterThan(50);
    // A string literal (quoted or a template) holding a path that climbs out to the shared folder.
    const outside = /['"`][^'"`\n]*\.\.\/(?:\.\.\/)*shared\//;
    const offenders = tracked.filter((file) => outside.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('vendors the Swagger file the contract check reads', () => {
    const swagger = JSON.parse(readFileSync('test/fixtures/coupa/coupa-core-users.swagger.json', 'utf8')) as {
      definitions: Record<string, unknown>;
    };
    expect(Object.keys(swagger.definitions)).toContain('User');
  });
});
