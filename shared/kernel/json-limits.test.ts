import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonTextBreach, jsonValueBreach, parseJsonWithin, type JsonLimits } from './json-limits.js';

const LIMITS: JsonLimits = { maxBytes: 10_000, maxDepth: 4, maxEntries: 5 };

describe('JSON within limits', () => {
  it('measures depth and entries on the text exactly as on the parsed value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 7 }), (v) => {
        const text = JSON.stringify(v);
        const fromText = jsonTextBreach(text, LIMITS);
        const fromValue = jsonValueBreach(v, LIMITS);
        // Both find a breach or neither does (with two breaches, each may name the one it meets first).
        expect(fromText === undefined, text).toBe(fromValue === undefined);
      }),
      { numRuns: 3000, seed: 3 },
    );
  });

  it('never throws on any text, and parses what is within the limits as JSON.parse does (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const r = parseJsonWithin(text, LIMITS);
          if (r.ok) expect(r.value).toEqual(JSON.parse(text));
          else if ('syntax' in r) expect(() => JSON.parse(text)).toThrow();
        },
      ),
      { numRuns: 3000, seed: 4 },
    );
  });

  it('refuses depth before parsing: 100,000 levels cost one pass over the text', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(parseJsonWithin(deep, { ...LIMITS, maxBytes: 1_000_000 })).toMatchObject({
      ok: false,
      breach: { limit: 'maxDepth', path: '' },
    });
    const deepValue: unknown[] = [];
    let cursor = deepValue;
    for (let i = 0; i < 100_000; i++) cursor.push((cursor = []));
    expect(jsonValueBreach(deepValue, LIMITS)?.limit).toBe('maxDepth');
  });

  it('reads brackets and escaped quotes inside strings as text', () => {
    expect(jsonTextBreach(JSON.stringify({ a: '[[[[[[{{{{"\\"', b: ',,,,,,,,' }), LIMITS)).toBeUndefined();
  });

  it('names size, entries and the path of a __proto__ key', () => {
    expect(jsonTextBreach('"' + 'é'.repeat(6000) + '"', LIMITS)).toMatchObject({ limit: 'maxBytes' });
    expect(jsonTextBreach('[1,2,3,4,5,6]', LIMITS)).toMatchObject({ limit: 'maxEntries' });
    expect(jsonTextBreach('[1,2,3,4,5]', LIMITS)).toBeUndefined();
    expect(parseJsonWithin('{"a":[{"b":1},{"__proto__":{"x":1}}]}', LIMITS)).toMatchObject({
      ok: false,
      breach: { limit: 'forbiddenKey', path: 'a.1.__proto__' },
    });
    expect(jsonValueBreach(JSON.parse('{"a":{"__proto__":1}}'), LIMITS)).toMatchObject({
      limit: 'forbiddenKey',
      path: 'a.__proto__',
    });
  });
});
