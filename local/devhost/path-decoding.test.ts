import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePath } from './path-decoding.js';

describe('path decoding', () => {
  it('decodes valid escapes once, keeps %2F and malformed or non-UTF-8 escapes as sent', () => {
    expect(decodePath('/v1/tags/bath%20temp')).toBe('/v1/tags/bath temp');
    expect(decodePath('/v1/cells/%C3%A9t%C3%A9')).toBe('/v1/cells/été');
    expect(decodePath('/v1/cells/a%2Fb')).toBe('/v1/cells/a%2Fb');
    expect(decodePath('/v1/cells/%2525')).toBe('/v1/cells/%25');
    expect(decodePath('/v1/cells/%E0%A4%A/latest')).toBe('/v1/cells/%E0%A4%A/latest');
    expect(decodePath('/v1/cells/%E0%A4/x')).toBe('/v1/cells/%E0%A4/x');
    expect(decodePath('/v1/cells/%FF%41')).toBe('/v1/cells/%FFA');
    expect(decodePath('/v1/cells/%zz%')).toBe('/v1/cells/%zz%');
  });

  it('never throws, and agrees with decodeURIComponent wherever that succeeds and no %2F is involved (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string(),
            fc.integer({ min: 0, max: 255 }).map((b) => `%${b.toString(16).padStart(2, '0')}`),
          ),
        ),
        (parts) => {
          const path = parts.join('');
          const decoded = decodePath(path);
          let strict: string | undefined;
          try {
            strict = decodeURIComponent(path);
          } catch {
            strict = undefined;
          }
          if (strict !== undefined && !/%2f/i.test(path)) expect(decoded).toBe(strict);
        },
      ),
      { numRuns: 3000, seed: 5 },
    );
  });
});
