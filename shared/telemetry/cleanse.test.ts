import { describe, expect, it } from 'vitest';
import {
  Cleanser,
  DEFAULT_LATE_THRESHOLD_MS,
  DEFAULT_SPIKE_SIGMAS,
  newSensorStateStore,
  type CleansingRejection,
} from './cleanse.js';
import { parsePoint, type ParsedPoint } from './parse-body.js';
import type { SilverRow } from './records.js';
import { mulberry32 } from './test-support.js';

const T0 = Date.UTC(2024, 5, 1, 12, 0, 0);
const origin = { partition: '0', sequenceNumber: 1, enqueuedMs: T0 + 3_600_000 };

function setup(window = 31, maxGap = 5) {
  const cleanser = new Cleanser(newSensorStateStore(window), {
    windowSize: window,
    interpolateMaxGapIntervals: maxGap,
    lateThresholdMs: 10 * 3_600_000,
    spikeSigmas: DEFAULT_SPIKE_SIGMAS,
  });
  const rows: SilverRow[] = [];
  const rejections: CleansingRejection[] = [];
  const feed = (tag: string, tsMs: number, value: number, extra: Record<string, unknown> = {}) => {
    const p = parsePoint(
      { lineId: 'L1', cellId: 'L1-C001', tag, ts: tsMs, value, unit: unitOf(tag), quality: 'good', ...extra },
      0,
    );
    if ('reason' in p) throw new Error(p.detail);
    cleanser.cleanse(p as ParsedPoint, origin, rows, rejections);
    return rows.at(-1)!;
  };
  return { cleanser, rows, rejections, feed };
}
const unitOf = (tag: string) =>
  ({ cellVoltage: 'V', bathTemp: 'degC', aluminaFeed: 'kg', lineCurrent: 'kA', anodeBeamPosition: 'cm' })[tag] ?? 'V';

/** A noisy cell voltage around 4.3 V, 1 s apart. */
function warmUp(feed: ReturnType<typeof setup>['feed'], n: number, rnd = mulberry32(7)) {
  for (let i = 0; i < n; i++) feed('cellVoltage', T0 + i * 1000, 4.3 + (rnd() - 0.5) * 0.04);
}

describe('Cleanser', () => {
  it('flags a single spike and accepts the values after it', () => {
    const { feed, rows } = setup();
    warmUp(feed, 40);
    expect(feed('cellVoltage', T0 + 40_000, 6.5).flags).toContain('spike');
    expect(feed('cellVoltage', T0 + 41_000, 4.31).flags).toEqual([]);
    expect(rows.filter((r) => r.flags.length > 0)).toHaveLength(1);
  });

  it('flags an anode effect (sustained level shift) on its first sample only, and its end once', () => {
    const { feed, rows } = setup();
    warmUp(feed, 40);
    const rnd = mulberry32(3);
    let t = T0 + 40_000;
    for (let i = 0; i < 120; i++, t += 1000) feed('cellVoltage', t, 38 + (rnd() - 0.5) * 4);
    for (let i = 0; i < 60; i++, t += 1000) feed('cellVoltage', t, 4.3 + (rnd() - 0.5) * 0.04);
    const flagged = rows.filter((r) => r.flags.some((f) => f === 'spike' || f === 'rate_of_change'));
    expect(flagged.map((r) => r.tsMs)).toEqual([T0 + 40_000, T0 + 160_000]);
  });

  it('flags out-of-range values and keeps them out of the baseline', () => {
    const { feed } = setup();
    warmUp(feed, 10);
    expect(feed('cellVoltage', T0 + 10_000, 120).flags).toContain('out_of_range');
    expect(feed('cellVoltage', T0 + 11_000, 4.3).flags).toEqual([]);
  });

  it('flags a stuck sensor after the run length, but never aluminaFeed', () => {
    const { feed } = setup();
    let last: SilverRow | undefined;
    for (let i = 0; i < 30; i++) last = feed('cellVoltage', T0 + i * 1000, 4.3);
    expect(last!.flags).toContain('stuck');
    for (let i = 0; i < 50; i++) last = feed('aluminaFeed', T0 + i * 90_000, 5.8);
    expect(last!.flags).not.toContain('stuck');
  });

  it('quarantines a duplicate (cellId, tag, ts) as DUPLICATE, also across batches', () => {
    const { feed, rejections, rows } = setup();
    feed('cellVoltage', T0, 4.3);
    feed('cellVoltage', T0, 4.3);
    expect(rejections.map((r) => r.reason)).toEqual(['DUPLICATE']);
    expect(rows).toHaveLength(1);
  });

  it('flags out-of-order points and does not move the baseline', () => {
    const { feed } = setup();
    warmUp(feed, 10);
    const r = feed('cellVoltage', T0 + 4_500, 4.3);
    expect(r.flags).toEqual(['out_of_order']);
    expect(feed('cellVoltage', T0 + 10_000, 4.3).flags).toEqual([]);
  });

  it('flags gap_before and interpolates a short gap, but not a long one', () => {
    const { feed, rows } = setup();
    warmUp(feed, 10);
    const before = rows.length;
    const r = feed('cellVoltage', T0 + 13_000, 4.3);
    expect(r.flags).toEqual(['gap_before']);
    const fills = rows.slice(before, -1);
    expect(fills.map((f) => f.tsMs)).toEqual([T0 + 10_000, T0 + 11_000, T0 + 12_000]);
    expect(fills.every((f) => f.flags.join() === 'interpolated')).toBe(true);
    const n = rows.length;
    expect(feed('cellVoltage', T0 + 60_000, 4.3).flags).toEqual(['gap_before']);
    expect(rows.length).toBe(n + 1);
  });

  it('never interpolates aluminaFeed events', () => {
    const { feed, rows } = setup();
    for (let i = 0; i < 10; i++) feed('aluminaFeed', T0 + i * 90_000, 5.8);
    const r = feed('aluminaFeed', T0 + 9 * 90_000 + 400_000, 5.8);
    expect(r.flags).toContain('gap_before');
    expect(rows.some((x) => x.flags.includes('interpolated'))).toBe(false);
  });

  it('converts wrong units and flags them', () => {
    const { feed } = setup();
    const r = feed('bathTemp', T0, 1760, { unit: 'degF' });
    expect(r.value).toBeCloseTo(960, 9);
    expect(r.unit).toBe('degC');
    expect(r.flags).toEqual(['unit_converted']);
  });

  it('flags bad and uncertain quality (OPC codes included)', () => {
    const { feed } = setup();
    expect(feed('cellVoltage', T0, 4.3, { quality: 0 }).flags).toEqual(['bad_quality']);
    expect(feed('cellVoltage', T0 + 1000, 4.3, { quality: 0x40 }).flags).toEqual(['uncertain_quality']);
    expect(feed('cellVoltage', T0 + 2000, 4.3, { quality: 0x80000000 }).quality).toBe('bad');
    expect(feed('cellVoltage', T0 + 3000, 4.3, { quality: 192 }).flags).toEqual([]);
  });

  it('flags late points by enqueued time', () => {
    const { cleanser, rows, rejections } = setup();
    const p = parsePoint(
      { lineId: 'L1', cellId: 'L1-C001', tag: 'cellVoltage', ts: T0, value: 4.3, unit: 'V', quality: 'good' },
      0,
    ) as ParsedPoint;
    cleanser.cleanse(p, { ...origin, enqueuedMs: T0 + DEFAULT_LATE_THRESHOLD_MS * 1000 }, rows, rejections);
    expect(rows[0]!.flags).toEqual(['late']);
  });
});

describe('Cleanser level shifts', () => {
  it('two unlike spikes in a row are not a level shift, and the signal after them is not flagged', () => {
    const { feed } = setup();
    for (let i = 0; i < 40; i++) feed('bathTemp', T0 + i * 1000, 964 + (i % 3) * 0.2);
    expect(feed('bathTemp', T0 + 40_000, 944).flags).toContain('spike');
    expect(feed('bathTemp', T0 + 41_000, 923).flags).toContain('spike');
    for (let i = 42; i < 50; i++) expect(feed('bathTemp', T0 + i * 1000, 964.3).flags).toEqual([]);
  });

  it('a level shift right after a reset window is still confirmed (no endless rate-of-change flags)', () => {
    const { feed, rows } = setup();
    warmUp(feed, 40);
    let t = T0 + 40_000;
    for (let i = 0; i < 3; i++, t += 1000) feed('cellVoltage', t, 40 + i * 0.01);
    for (let i = 0; i < 20; i++, t += 1000) feed('cellVoltage', t, 4.3 + (i % 2) * 0.01);
    expect(rows.filter((r) => r.flags.length > 0)).toHaveLength(2);
  });
});
