import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PageQuery } from './paging.js';
import { parsePathParams, parseQuery } from './query.js';

const url = (q: string) => `http://127.0.0.1/x?${q}`;

/** A path schema like the API's model routes declare. */
const PdeModelPath = z.strictObject({ modelId: z.string().regex(/^pde-\d{3,9}$/, 'expected a model id like pde-001') });

describe('query and path parsing', () => {
  it('applies page defaults and bounds', () => {
    expect(parseQuery(url(''), PageQuery)).toEqual({ pageSize: 25 });
    expect(parseQuery(url('pageSize=100'), PageQuery)).toEqual({ pageSize: 100 });
    expect(() => parseQuery(url('pageSize=101'), PageQuery)).toThrow(
      expect.objectContaining({ code: 'ERR-4001', details: [expect.objectContaining({ field: 'query.pageSize' })] }),
    );
    expect(() => parseQuery(url('pageSize=abc'), PageQuery)).toThrow(expect.objectContaining({ code: 'ERR-4001' }));
  });

  it('rejects unknown and repeated parameters, naming them', () => {
    expect(() => parseQuery(url('pagesize=10'), PageQuery)).toThrow(expect.objectContaining({ code: 'ERR-4001' }));
    expect(() => parseQuery(url('pageSize=1&pageSize=2'), PageQuery)).toThrow(
      expect.objectContaining({ details: [{ field: 'query.pageSize', issue: 'repeated' }] }),
    );
  });

  it('names a __proto__ parameter as unknown instead of letting it set the prototype and slip past', () => {
    expect(() => parseQuery(url('__proto__=x'), PageQuery)).toThrow(
      expect.objectContaining({ code: 'ERR-4001', details: [expect.objectContaining({ field: 'query' })] }),
    );
    expect(() => parseQuery(url('pageSize=10&__proto__[pageSize]=1'), PageQuery)).toThrow(
      expect.objectContaining({ code: 'ERR-4001' }),
    );
    expect(() => parseQuery(url('constructor=x'), PageQuery)).toThrow(expect.objectContaining({ code: 'ERR-4001' }));
  });

  it('validates ids in the path as 400, not 404', () => {
    expect(parsePathParams({ modelId: 'pde-001' }, PdeModelPath)).toEqual({ modelId: 'pde-001' });
    expect(() => parsePathParams({ modelId: '../etc' }, PdeModelPath)).toThrow(
      expect.objectContaining({ code: 'ERR-4001', details: [expect.objectContaining({ field: 'path.modelId' })] }),
    );
  });
});
