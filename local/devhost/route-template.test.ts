import { describe, expect, it } from 'vitest';
import { bySpecificity, compileRoute } from './route-template.js';

describe('route templates', () => {
  it('binds parameters and ignores case of literal segments and a trailing slash', () => {
    const r = compileRoute('v1/cells/{cellId}/latest');
    expect(r.match('v1/cells/L1-C001/latest')).toEqual({ cellId: 'L1-C001' });
    expect(r.match('/V1/Cells/L1-C001/latest/')).toEqual({ cellId: 'L1-C001' });
    expect(r.match('v1/cells//latest')).toBeUndefined();
  });

  it('applies int constraints and trailing optional parameters', () => {
    const r = compileRoute('items/{id:int}/{name?}');
    expect(r.match('items/12')).toEqual({ id: '12' });
    expect(r.match('items/12/bolt')).toEqual({ id: '12', name: 'bolt' });
    expect(r.match('items/twelve')).toBeUndefined();
  });

  it('takes the rest of the path into a catch-all', () => {
    expect(compileRoute('files/{*path}').match('files/a/b.txt')).toEqual({ path: 'a/b.txt' });
  });

  it('takes values from the decoded path as they are (decoding happens once, before routing)', () => {
    expect(compileRoute('tags/{tag}').match('tags/bath temp')).toEqual({ tag: 'bath temp' });
    expect(compileRoute('tags/{tag}').match('tags/%25')).toEqual({ tag: '%25' });
  });

  it('orders a literal route before a parameter route at the same position', () => {
    const routes = [compileRoute('v1/cells/{cellId}'), compileRoute('v1/cells/summary')].sort(bySpecificity);
    expect(routes[0]?.template).toBe('v1/cells/summary');
  });
});
