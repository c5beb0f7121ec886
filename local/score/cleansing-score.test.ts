import { describe, expect, it } from 'vitest';
import { buildTagResolver } from '../../shared/telemetry/tag-resolution.js';
import { RunRecorder } from '../console/run-recorder.js';
import { pointKey, scoreCleansing, type ScoreSilverRow } from './cleansing-score.js';

const row = (seq: number, flags: string[] = [], value = 4.2, tag = 'cellVoltage'): ScoreSilverRow => ({
  cellId: 'L1-C001',
  tag,
  seq,
  value,
  flags,
});

describe('scoreCleansing', () => {
  it('counts a spike flagged in silver as detected and an unflagged one as missed', () => {
    const score = scoreCleansing(
      [
        { kind: 'spike', cellId: 'L1-C001', tag: 'cellVoltage', seq: 1 },
        { kind: 'spike', cellId: 'L1-C001', tag: 'cellVoltage', seq: 2 },
      ],
      [row(0), row(1, ['spike']), row(2)],
      [],
      new Set([pointKey('L1-C001', 'cellVoltage', 1), pointKey('L1-C001', 'cellVoltage', 2)]),
    );
    expect(score.byKind.spike).toEqual({ injected: 2, detected: 1, missed: 1, undetectable: 0 });
    expect(score.lost).toBe(0);
  });

  it('requires a wrong-unit point to be converted back to the true value', () => {
    const labels = [{ kind: 'wrong_unit', cellId: 'L1-C001', tag: 'bathTemp', seq: 5, trueValue: 960 }];
    const sent = new Set([pointKey('L1-C001', 'bathTemp', 5)]);
    expect(
      scoreCleansing(labels, [row(5, ['unit_converted'], 960.2, 'bathTemp')], [], sent).byKind.wrong_unit!.detected,
    ).toBe(1);
    expect(
      scoreCleansing(labels, [row(5, ['unit_converted'], 1760, 'bathTemp')], [], sent).byKind.wrong_unit!.detected,
    ).toBe(0);
  });

  it('finds duplicates and unknown tags in quarantine by their point key', () => {
    const dup = {
      reason: 'DUPLICATE',
      rawEncoding: 'json',
      raw: JSON.stringify({ cellId: 'L1-C001', tag: 'cellVoltage', seq: 9 }),
    };
    const score = scoreCleansing(
      [{ kind: 'duplicate', cellId: 'L1-C001', tag: 'cellVoltage', seq: 9 }],
      [row(9)],
      [dup],
      new Set([pointKey('L1-C001', 'cellVoltage', 9)]),
    );
    expect(score.byKind.duplicate).toEqual({ injected: 1, detected: 1, missed: 0, undetectable: 0 });
  });

  it("matches points sent under a line's own tag names with their labels' canonical tags", () => {
    const tags = buildTagResolver('v1', [
      { lineId: 'L1', cellIds: ['L1-C001'], tagMap: [{ plantTag: 'Pot/Voltage', tag: 'cellVoltage', unit: 'mV' }] },
    ]);
    const sent = { lineId: 'L1', cellId: 'L1-C001', tag: 'Pot/Voltage', seq: 9, value: 4200, unit: 'mV' };
    const recorder = new RunRecorder(tags);
    recorder.noteSent([{ body: JSON.stringify([sent, { ...sent, tag: 'mystery', seq: 10 }]) }]);
    expect([...recorder.sentKeys]).toEqual([pointKey('L1-C001', 'cellVoltage', 9)]);
    const dup = { reason: 'DUPLICATE', rawEncoding: 'json', raw: JSON.stringify(sent) };
    const labels = [{ kind: 'duplicate', cellId: 'L1-C001', tag: 'cellVoltage', seq: 9 }];
    expect(scoreCleansing(labels, [row(9)], [dup], recorder.sentKeys, tags).byKind.duplicate!.detected).toBe(1);
    // Without the plant's tag map the plant tag names nothing the labels know.
    expect(scoreCleansing(labels, [row(9)], [dup], recorder.sentKeys).byKind.duplicate!.missed).toBe(1);
  });

  it('counts a stuck run as detected when any of its samples carries the stuck flag', () => {
    const score = scoreCleansing(
      [{ kind: 'stuck', cellId: 'L1-C001', tag: 'cellVoltage', seq: 10, detail: { lastSeq: 14, samples: 5 } }],
      [row(10), row(11), row(12, ['stuck'])],
      [],
      new Set(),
    );
    expect(score.byKind.stuck!.detected).toBe(1);
  });

  it("counts a spike before the sensor's window can judge (its first two samples) as undetectable, unless it was flagged anyway", () => {
    const labels = [
      { kind: 'spike', cellId: 'L1-C001', tag: 'cellVoltage', seq: 3 },
      { kind: 'spike', cellId: 'L1-C001', tag: 'cellVoltage', seq: 4 },
      { kind: 'spike', cellId: 'L1-C001', tag: 'cellVoltage', seq: 5 },
      { kind: 'spike', cellId: 'L1-C001', tag: 'bathTemp', seq: 7 },
    ];
    const silver = [row(3), row(4), row(5), row(7, ['out_of_range'], 2000, 'bathTemp')];
    expect(scoreCleansing(labels, silver, [], new Set()).byKind.spike).toEqual({
      injected: 4,
      detected: 1,
      missed: 1,
      undetectable: 2,
    });
  });

  it("counts a dropout as undetectable only before the sensor's rhythm is learned and within the assumed interval", () => {
    // shellTemp: the check assumes 30 s until it has learned the sensor's own interval, and flags gaps over 1.5 × that.
    const t0 = Date.UTC(2026, 0, 1);
    const series = Array.from({ length: 12 }, (_, i) => ({ ...row(i, [], 340, 'shellTemp'), tsMs: t0 + i * 11_000 }));
    const dropout = (seq: number, gapS: number) => ({
      kind: 'dropout',
      cellId: 'L1-C001',
      tag: 'shellTemp',
      seq,
      tsMs: t0 + seq * 11_000,
      detail: { lastTsMsBeforeGap: t0 + seq * 11_000 - gapS * 1000 },
    });
    const score = scoreCleansing(
      // Early and short: unseeable. Early but longer than 45 s: missed. After five steps: missed.
      [dropout(2, 44), dropout(3, 50), dropout(9, 44)],
      series,
      [],
      new Set(),
    );
    expect(score.byKind.dropout).toEqual({ injected: 3, detected: 0, missed: 2, undetectable: 1 });
  });

  it("counts a stuck run shorter than the detector's run length as undetectable and a long unflagged one as missed", () => {
    const rows = Array.from({ length: 40 }, (_, i) => row(i));
    const score = scoreCleansing(
      [
        { kind: 'stuck', cellId: 'L1-C001', tag: 'cellVoltage', seq: 0, detail: { lastSeq: 4, samples: 5 } },
        { kind: 'stuck', cellId: 'L1-C001', tag: 'cellVoltage', seq: 5, detail: { lastSeq: 34, samples: 30 } },
      ],
      rows,
      [],
      new Set(),
    );
    expect(score.byKind.stuck).toEqual({ injected: 2, detected: 0, missed: 1, undetectable: 1 });
  });

  it('reports a point sent but found nowhere as lost, and a point written twice as duplicated', () => {
    const sent = new Set([pointKey('L1-C001', 'cellVoltage', 1), pointKey('L1-C001', 'cellVoltage', 2)]);
    const score = scoreCleansing([], [row(1), row(1)], [], sent);
    expect(score.lost).toBe(1);
    expect(score.duplicatedInSilver).toBe(1);
  });

  it('compares corrupt bodies with MALFORMED_JSON quarantine records by count', () => {
    const q = { reason: 'MALFORMED_JSON', rawEncoding: 'utf8', raw: '{"cellId":' };
    const score = scoreCleansing([{ kind: 'malformed_json' }, { kind: 'truncated_batch' }], [], [q], new Set());
    expect(score.byKind.malformed_or_truncated_body).toEqual({ injected: 2, detected: 1, missed: 1, undetectable: 0 });
  });
});
