import { z } from 'zod';

/** Earliest and latest credible event times (epoch ms): 2000-01-01 and 2100-01-01 UTC; anything else is a bad clock. */
export const MIN_EVENT_TS_MS = 946_684_800_000;
export const MAX_EVENT_TS_MS = 4_102_444_800_000;

/**
 * Ids as the plant model allows them (shared/telemetry/ids.ts): a line `L1`, `P2A`; a cell `<lineId>-<cell>` or the
 * line's own sensors `<lineId>-LINE`. Whether the plant has the equipment is the plant model's to say (ingestion
 * quarantines UNKNOWN_EQUIPMENT), not the schema's.
 */
const LINE_ID = /^[A-Za-z0-9][A-Za-z0-9_]{0,31}$/;
const CELL_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** Longest tag name: a plant's own tag or Sparkplug metric name (the plant model's TagMapping.plantTag). */
const MAX_TAG_LENGTH = 128;
/** ISO 8601 date-time with a zone (Z or ±hh:mm), as OPC bridges and the simulator write it. */
const ISO_TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Parses an ISO 8601 timestamp to epoch ms; NaN when it is not one or is out of the credible range. */
export function isoToEpochMs(ts: string): number {
  const fast = canonicalIsoToEpochMs(ts);
  if (fast === fast) return fast; // not NaN
  if (!ISO_TS.test(ts)) return Number.NaN;
  const ms = Date.parse(ts);
  return ms >= MIN_EVENT_TS_MS && ms <= MAX_EVENT_TS_MS ? ms : Number.NaN;
}

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;
const two = (s: string, i: number) => digit(s, i) * 10 + digit(s, i + 1);

/**
 * The shape Date.prototype.toISOString writes (YYYY-MM-DDTHH:mm:ss.sssZ), parsed by hand: most points carry it and
 * a regex plus Date.parse per point is a measurable share of the cleansing budget. NaN for anything else (the
 * general path then decides). Calendar-invalid dates (Feb 30) are left to the general path as well.
 */
function canonicalIsoToEpochMs(s: string): number {
  // Points of one body usually share their timestamp: remember the last one.
  if (s === lastIso) return lastIsoMs;
  if (
    s.length !== 24 ||
    s.charCodeAt(23) !== 90 /* Z */ ||
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 84 ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58 ||
    s.charCodeAt(19) !== 46
  )
    return Number.NaN;
  for (let k = 0; k < DIGIT_POSITIONS.length; k++) {
    const d = s.charCodeAt(DIGIT_POSITIONS[k]!);
    if (d < 48 || d > 57) return Number.NaN;
  }
  const year = two(s, 0) * 100 + two(s, 2);
  const month = two(s, 5);
  const day = two(s, 8);
  const hour = two(s, 11);
  const minute = two(s, 14);
  const second = two(s, 17);
  const ms = digit(s, 20) * 100 + two(s, 21);
  if (month < 1 || month > 12 || day < 1 || day > 28 || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  const t = daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms;
  if (t < MIN_EVENT_TS_MS || t > MAX_EVENT_TS_MS) return Number.NaN;
  lastIso = s;
  lastIsoMs = t;
  return t;
}
let lastIso = '';
let lastIsoMs = Number.NaN;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-compatible low-level date algorithms"). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}
const DIGIT_POSITIONS = new Int32Array([0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22]);

const IsoTimestamp = z
  .string()
  .max(40)
  .refine((s) => !Number.isNaN(isoToEpochMs(s)), {
    message: 'expected an ISO 8601 date-time with a zone between 2000 and 2100',
  });
const EpochMs = z.number().int().min(MIN_EVENT_TS_MS).max(MAX_EVENT_TS_MS);
const OpcCode = z.number().int().min(0).max(0xffffffff);

/** A telemetry point as it arrives on the Event Hub (DESIGN §4). The authority on what is well-formed. */
export const RawPoint = z
  .object({
    lineId: z.string().regex(LINE_ID, 'expected a line id: 1–32 letters, digits or "_", e.g. L1'),
    cellId: z.string().regex(CELL_ID, 'expected <lineId>-<cell> (e.g. L1-C001) or <lineId>-LINE'),
    tag: z.string().min(1).max(MAX_TAG_LENGTH),
    ts: z.union([IsoTimestamp, EpochMs]),
    value: z.number(), // zod 4 rejects NaN and ±Infinity
    unit: z.string().min(1).max(16),
    quality: z.union([z.enum(['good', 'uncertain', 'bad']), OpcCode]),
    seq: z.number().int().min(0).nullable().optional(),
  })
  .refine((p) => p.cellId.startsWith(`${p.lineId}-`) && p.cellId.length > p.lineId.length + 1, {
    path: ['cellId'],
    message: 'cellId must be its lineId, a dash, then the cell (e.g. L1-C001 on line L1)',
  });
export type RawPoint = z.infer<typeof RawPoint>;

/**
 * The hot path: true when `o` has exactly the common well-formed shape, checked by hand without allocating.
 * It never accepts what RawPoint rejects (a property test holds it to that); whatever it does not accept goes to
 * RawPoint, which decides and explains.
 */
export function isWellFormedPoint(o: unknown): o is RawPoint {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return false;
  const p = o as Record<string, unknown>;
  const { lineId, cellId, tag, ts, value, unit, quality, seq } = p;
  if (typeof lineId !== 'string' || typeof cellId !== 'string' || typeof tag !== 'string' || typeof unit !== 'string')
    return false;
  if (tag.length === 0 || tag.length > MAX_TAG_LENGTH || unit.length === 0 || unit.length > 16) return false;
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (
    !LINE_ID.test(lineId) ||
    !CELL_ID.test(cellId) ||
    cellId.charCodeAt(lineId.length) !== 45 /* '-' */ ||
    cellId.length <= lineId.length + 1 ||
    !cellId.startsWith(lineId)
  )
    return false;
  if (typeof ts === 'number') {
    if (!Number.isInteger(ts) || ts < MIN_EVENT_TS_MS || ts > MAX_EVENT_TS_MS) return false;
  } else if (typeof ts !== 'string' || ts.length > 40 || Number.isNaN(isoToEpochMs(ts))) return false;
  if (typeof quality === 'number') {
    if (!Number.isInteger(quality) || quality < 0 || quality > 0xffffffff) return false;
  } else if (quality !== 'good' && quality !== 'uncertain' && quality !== 'bad') return false;
  if (seq !== undefined && seq !== null && !(typeof seq === 'number' && Number.isInteger(seq) && seq >= 0))
    return false;
  return true;
}

/** The event time of a well-formed point in epoch ms. */
export function eventTsMs(p: RawPoint): number {
  return typeof p.ts === 'number' ? p.ts : isoToEpochMs(p.ts);
}
