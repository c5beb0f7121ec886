import { z } from 'zod';

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Days in a month of a year (proleptic Gregorian). */
const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Epoch ms of an ISO 8601 date (`2026-11-22`, midnight UTC) or date-time with a zone (`…T10:00:00Z`, `…+02:00`). */
export function parseInstant(text: string): number | undefined {
  const m = ISO_INSTANT.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) =>
    v === undefined ? undefined : Number(v),
  );
  // Date.parse accepts 2026-02-30 and 24:00; a caller who wrote either made a mistake worth naming.
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysIn(year!, month!) || hour > 23 || minute > 59 || second > 59)
    return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * A query parameter holding an instant: ISO 8601 date (midnight UTC) or date-time with `Z` or an offset, parsed to
 * epoch ms. A date-time without a zone is refused: the plant runs across time zones and the API speaks UTC.
 */
export const InstantParam = z
  .string()
  .max(40)
  .transform((text, ctx) => {
    const ms = parseInstant(text);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected an ISO 8601 date (2026-11-22) or date-time with a zone (2026-11-22T10:00:00Z)',
      });
      return z.NEVER;
    }
    return ms;
  })
  .meta({
    description:
      'ISO 8601 date (midnight UTC) or date-time with Z or an offset, e.g. 2026-11-22 or 2026-11-22T10:00:00Z',
  });

/** ISO 8601 UTC text of an epoch-ms instant, for answers. */
export const isoOf = (ms: number): string => new Date(ms).toISOString();
