import { describe, expect, it } from 'vitest';
import { roleMatrixMarkdown } from '../http/role-matrix.js';
import { routes, routeTable } from './routes.js';

describe('role matrix for the README', () => {
  it('has one row per route and marks exactly the allowed roles', () => {
    const lines = roleMatrixMarkdown(routeTable).split('\n');
    expect(lines).toHaveLength(routeTable.length + 2);
    expect(lines[0]).toBe(
      '| Method | Path | Operator | Engineer | Manager | Integration | Lab | Executive | Summary |',
    );
    const create = lines.find((l) => l.startsWith('| POST | `/industrial-automation/smelting-ops/v1/pde-models`'));
    expect(
      create
        ?.split('|')
        .slice(3, 8)
        .map((c) => c.trim()),
    ).toEqual(['', '✓', '✓', '', '']);
    const openApi = lines.find((l) => l.includes(routes.openApi.path));
    expect(openApi).toContain('public');
  });
});
