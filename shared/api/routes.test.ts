import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { pathParamNames, routeTable } from './routes.js';

describe('route table', () => {
  it('has unique function names valid for Azure Functions and unique method + path pairs', () => {
    const names = routeTable.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[A-Za-z][A-Za-z0-9_-]{0,127}$/);
    const keys = routeTable.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('declares a params schema whose keys are exactly the path placeholders', () => {
    for (const r of routeTable) {
      const placeholders = pathParamNames(r.path).sort();
      const keys = r.params instanceof z.ZodObject ? Object.keys(r.params.shape).sort() : [];
      expect(keys, r.name).toEqual(placeholders);
    }
  });

  it('puts every route under the versioned base and names roles or public explicitly', () => {
    for (const r of routeTable) {
      expect(r.path).toMatch(/^v\d+\//);
      expect(r.access === 'public' || r.access.length > 0, r.name).toBe(true);
    }
  });
});
