import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventTimeWindow } from './event-time-window.js';
import { BODY_LIMITS, MAX_POINTS_PER_BODY, parseBody } from './parse-body.js';
import { isWellFormedPoint, RawPoint } from './point-schema.js';

const enc = new TextEncoder();
const bytes = (s: string) => enc.encode(s);
const good = {
  lineId: 'L1',
  cellId: 'L1-C001',
  tag: 'cellVoltage',
  ts: '2024-06-01T12:00:00.000Z',
  value: 4.31,
  unit: 'V',
  quality: 'good',
  seq: 7,
};

/** Candidate points a body holds, as the contract counts them (a body without candidates counts as one). */
function candidateCount(body: Uint8Array): number {
  try {
    const json: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    const list = Array.isArray(json)
      ? json
      : typeof json === 'object' && json !== null && 'points' in json
        ? (json as { points: unknown }).points
        : [json];
    return Array.isArray(list) && list.length > 0 && list.length <= MAX_POINTS_PER_BODY && depthOf(json) <= 16
      ? list.length
      : 1;
  } catch {
    return 1;
  }
}

/** Nesting depth of a parsed value (the generators here stay shallow, so recursion is fine). */
function depthOf(v: unknown): number {
  if (typeof v !== 'object' || v === null) return 0;
  return 1 + Math.max(0, ...Object.values(v).map(depthOf));
}

describe('parseBody', () => {
  it('accepts one point, an array and { points: [...] }', () => {
    expect(parseBody(bytes(JSON.stringify(good))).points).toHaveLength(1);
    expect(parseBody(bytes(JSON.stringify([good, { ...good, ts: 1717243201000 }]))).points).toHaveLength(2);
    const p = parseBody(bytes(JSON.stringify({ points: [good] }))).points[0]!;
    expect(p.tsMs).toBe(Date.UTC(2024, 5, 1, 12));
    expect(p.spec.tag).toBe('cellVoltage');
    expect(p.seq).toBe(7);
  });

  it('names the reason and field of each refusal', () => {
    expect(parseBody(new Uint8Array()).rejections[0]!.reason).toBe('EMPTY_BODY');
    expect(parseBody(bytes('{"lineId": "L1", ')).rejections[0]!.reason).toBe('MALFORMED_JSON');
    const nonUtf8 = parseBody(new Uint8Array([0xff, 0xfe, 0x00]));
    expect(nonUtf8.rejections[0]).toMatchObject({ reason: 'MALFORMED_JSON', rawEncoding: 'base64', raw: '//4A' });
    const r = parseBody(
      bytes(
        JSON.stringify([
          good,
          { ...good, tag: 'potRoomHumidity' },
          { ...good, unit: 'furlong' },
          { ...good, value: 'x' },
        ]),
      ),
    );
    expect(r.points).toHaveLength(1);
    expect(r.rejections.map((x) => [x.reason, x.field, x.pointIndex])).toEqual([
      ['UNKNOWN_TAG', 'tag', 1],
      ['UNKNOWN_UNIT', 'unit', 2],
      ['SCHEMA_INVALID', 'value', 3],
    ]);
    expect(JSON.parse(r.rejections[0]!.raw)).toMatchObject({ tag: 'potRoomHumidity' });
    expect(parseBody(bytes(JSON.stringify(new Array(MAX_POINTS_PER_BODY + 1).fill(0)))).rejections[0]!.reason).toBe(
      'TOO_MANY_POINTS',
    );
    // 10,001 real points are over the 1 MiB an Event Hubs event may carry before they are too many.
    expect(parseBody(bytes(JSON.stringify(new Array(MAX_POINTS_PER_BODY + 1).fill(good)))).rejections[0]!.reason).toBe(
      'TOO_LARGE',
    );
  });

  it('refuses a body over a limit before parsing or walking it, naming the limit, and keeps its raw bytes', () => {
    const deep = `[${JSON.stringify(good)},${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}]`;
    const r = parseBody(bytes(deep));
    expect(r.points).toEqual([]);
    expect(r.rejections).toHaveLength(1);
    expect(r.rejections[0]).toMatchObject({ reason: 'TOO_DEEP', raw: deep, rawEncoding: 'utf8' });
    expect(r.rejections[0]!.detail).toContain(`more than ${BODY_LIMITS.maxDepth} levels`);
    const arrays = parseBody(bytes(`${'['.repeat(100_000)}${']'.repeat(100_000)}`));
    expect(arrays.rejections.map((x) => x.reason)).toEqual(['TOO_DEEP']);
    const huge = new Uint8Array(BODY_LIMITS.maxBytes + 1).fill(0x20);
    expect(parseBody(huge).rejections[0]).toMatchObject({ reason: 'TOO_LARGE', rawEncoding: 'base64' });
    // Brackets inside strings are text, not nesting.
    expect(parseBody(bytes(JSON.stringify({ ...good, note: '['.repeat(100) }))).points).toHaveLength(1);
  });

  it('refuses points dated outside the event-time window, each with its reason and the field ts', () => {
    const enqueued = Date.UTC(2026, 10, 22, 12);
    const window = eventTimeWindow(enqueued, { epochMs: Date.UTC(2020, 0, 1), maxFutureSkewMs: 300_000 });
    const at = (ts: unknown) => ({ ...good, ts });
    const r = parseBody(
      bytes(
        JSON.stringify([
          at(enqueued),
          at(enqueued + 299_000),
          at('2099-01-01T00:00:00Z'),
          at(enqueued + 301_000),
          at(0),
          at('2019-12-31T23:59:59.999Z'),
          at('2026-02-30T00:00:00Z'),
        ]),
      ),
      undefined,
      window,
    );
    expect(r.points.map((p) => p.pointIndex)).toEqual([0, 1]);
    expect(r.rejections.map((x) => [x.reason, x.field, x.pointIndex])).toEqual([
      ['FUTURE_TIMESTAMP', 'ts', 2],
      ['FUTURE_TIMESTAMP', 'ts', 3],
      ['TIMESTAMP_OUT_OF_RANGE', 'ts', 4],
      ['TIMESTAMP_OUT_OF_RANGE', 'ts', 5],
      ['SCHEMA_INVALID', 'ts', 6],
    ]);
    expect(r.rejections[0]!.detail).toContain('clock runs ahead');
  });

  it('never throws on arbitrary bytes and accounts for every candidate', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (body) => {
        const r = parseBody(body);
        expect(r.points.length + r.rejections.length).toBe(candidateCount(body));
        for (const x of r.rejections) expect(x.reason).toBeTruthy();
      }),
      { numRuns: 2000, seed: 42 },
    );
  });

  it('never throws on arbitrary JSON (including point-like shapes) and accounts for every candidate', () => {
    const pointish = fc.record(
      {
        lineId: fc.constantFrom('L1', 'L2', 'X', ''),
        cellId: fc.constantFrom('L1-C001', 'L2-C010', 'L1-LINE', 'C1'),
        tag: fc.constantFrom('cellVoltage', 'bathTemp', 'aluminaFeed', 'nope'),
        ts: fc.oneof(fc.integer(), fc.constant('2024-06-01T12:00:00Z'), fc.string()),
        value: fc.oneof(fc.double(), fc.string()),
        unit: fc.constantFrom('V', 'mV', 'degF', 'K', 'kg', '?'),
        quality: fc.oneof(fc.constantFrom('good', 'bad', 'uncertain', 'meh'), fc.integer()),
        seq: fc.oneof(fc.nat(), fc.constant(null), fc.double()),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.jsonValue(),
      fc.array(fc.oneof(pointish, fc.jsonValue())),
      fc.record({ points: fc.array(pointish) }),
    );
    fc.assert(
      fc.property(body, (value) => {
        const b = bytes(JSON.stringify(value) ?? '');
        const r = parseBody(b);
        expect(r.points.length + r.rejections.length).toBe(candidateCount(b));
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('the hand-written fast path accepts nothing the zod schema rejects', () => {
    const field = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.constant(null), fc.boolean());
    const candidate = fc.record({
      lineId: fc.oneof(fc.constantFrom('L1', 'L12', 'L1 '), field),
      cellId: fc.oneof(fc.constantFrom('L1-C001', 'L12-LINE', 'L2-C001', 'L1-C1'), field),
      tag: fc.oneof(fc.constantFrom('cellVoltage', ''), field),
      ts: fc.oneof(
        fc.constantFrom(
          '2024-06-01T12:00:00Z',
          '2024-06-01T12:00:00+02:00',
          '2024-06-01',
          1717243200000,
          1717243200000.5,
        ),
        field,
      ),
      value: fc.oneof(fc.double(), field),
      unit: fc.oneof(fc.constantFrom('V', ''), field),
      quality: fc.oneof(fc.constantFrom('good', 192, 0x80000000, -1, 2 ** 32), field),
      seq: fc.oneof(fc.constantFrom(undefined, null, 0, -1, 1.5), field),
    });
    fc.assert(
      fc.property(candidate, (c) => {
        if (isWellFormedPoint(c)) expect(RawPoint.safeParse(c).success).toBe(true);
      }),
      { numRuns: 5000, seed: 1 },
    );
  });
});
