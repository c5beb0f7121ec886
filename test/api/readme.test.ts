import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { roleMatrixMarkdown } from '../../shared/http/role-matrix.js';
import { readmeRoleMatrix, withRoleMatrix } from '../../shared/http/readme-role-matrix.js';
import { routeTable } from '../../shared/api/routes.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README role matrix', () => {
  it('is exactly the table generated from the route table (run `npm run role-matrix` after changing a route)', () => {
    expect(readmeRoleMatrix(readme), 'README.md has no role matrix markers').toBeDefined();
    expect(readmeRoleMatrix(readme)).toBe(roleMatrixMarkdown(routeTable));
  });

  it('is rewritten in place by the generator, leaving the rest of the README as it was', () => {
    const stale = withRoleMatrix(readme, routeTable.slice(1));
    expect(readmeRoleMatrix(stale)).not.toBe(roleMatrixMarkdown(routeTable));
    expect(withRoleMatrix(stale, routeTable)).toBe(readme);
  });
});
