import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_POINTS_PER_BODY, parseBody } from './parse-body.js';
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
    return Array.isArray(list) && list.length > 0 && list.length <= MAX_POINTS_PER_BODY ? list.length : 1;
  } catch {
    return 1;
  }
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
    expect(parseBody(bytes(JSON.stringify(new Array(MAX_POINTS_PER_BODY + 1).fill(good)))).rejections[0]!.reason).toBe(
      'TOO_MANY_POINTS',
    );
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
