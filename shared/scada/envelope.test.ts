import { describe, expect, it } from 'vitest';
import type { CellStateDoc } from '../telemetry/hot-state.js';
import { parseEnvelopeLimits } from '../plant/envelope-limits.js';
import { TEST_ENVELOPE_LIMITS } from '../plant/test-plant.js';
import { checkEnvelope, EnvelopeCheckedCommand, type CommandProposal, type EnvelopeContext } from './envelope.js';
import type { OverrideDoc } from './override.js';
import type { SetPointField } from '../plant/set-point.js';

const NOW = Date.UTC(2025, 0, 1, 12);
const limits = TEST_ENVELOPE_LIMITS;

function cellState(cellId: string, voltageV: number, ageMs = 1000): CellStateDoc {
  const tag = cellId.endsWith('-LINE') ? 'lineCurrent' : 'cellVoltage';
  return {
    id: cellId,
    cellId,
    lineId: 'L1',
    tags: { [tag]: { value: voltageV, unit: 'V', ts: NOW - ageMs, quality: 'good', flags: [] } },
    updatedAtMs: NOW - ageMs,
  };
}

/** Read-back as the plant reported it a second ago. */
const reportedNow = (values: Partial<Record<SetPointField, number>>, ageMs = 1000): EnvelopeContext['reported'] =>
  Object.fromEntries(Object.entries(values).map(([f, value]) => [f, { value, tsMs: NOW - ageMs }]));
const proposal = (setPoint: CommandProposal['setPoint'], equipmentId = 'L1-C001'): CommandProposal => ({
  commandId: 'cmd-1',
  equipmentId,
  lineId: 'L1',
  action: 'setpoint',
  setPoint,
});
const context = (over: Partial<EnvelopeContext> = {}): EnvelopeContext => ({
  nowMs: NOW,
  equipmentState: cellState('L1-C001', 4.4),
  manualOverrides: [],
  reported: reportedNow({ acdCm: 2.9, feedIntervalS: 120, alf3AdditionKgPerDay: 25, lineCurrentKA: 126 }),
  unconfirmed: {},
  recentMoves: [],
  unverifiable: [],
  ...over,
});
const rules = (p: CommandProposal, c: EnvelopeContext) => {
  const d = checkEnvelope(p, c, limits);
  return d.ok ? [] : d.violations.map((v) => `${v.rule}${v.field ? `:${v.field}` : ''}`);
};
const manual: OverrideDoc = {
  id: 'line:L1',
  scopeKey: 'line:L1',
  scope: { kind: 'line', lineId: 'L1' },
  mode: 'manual',
  reason: 'tapping',
  requestedBy: 'op-7',
  requestedAtMs: NOW - 5000,
  version: 1,
  correlationId: 'c',
  updatedAtMs: NOW - 5000,
};

describe('safety envelope', () => {
  it('approves a small change inside every limit and records the signed step', () => {
    const d = checkEnvelope(proposal({ acdCm: 3.1, feedIntervalS: 100 }), context(), limits);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(EnvelopeCheckedCommand.isChecked(d.command)).toBe(true);
    expect(d.command.deltas.acdCm).toBeCloseTo(0.2, 12);
    expect(d.command.deltas.feedIntervalS).toBe(-20);
    expect(Object.isFrozen(d.command.setPoint)).toBe(true);
  });

  it('accepts a step of exactly the limit despite binary rounding (2.9 + 0.3)', () => {
    expect(rules(proposal({ acdCm: 3.2 }), context())).toEqual([]);
  });

  it('rejects values outside the equipment rating, naming absolute-limit and the field', () => {
    expect(rules(proposal({ acdCm: 1.9 }), context({ reported: reportedNow({ acdCm: 2.0 }) }))).toEqual([
      'absolute-limit:acdCm',
    ]);
    expect(rules(proposal({ alf3AdditionKgPerDay: Number.NaN }), context())).toContain(
      'absolute-limit:alf3AdditionKgPerDay',
    );
  });

  it('rejects a step larger than the per-command maximum', () => {
    expect(rules(proposal({ acdCm: 3.3 }), context())).toEqual(['max-step:acdCm']);
  });

  it('rejects a field the plant has not reported, or reported too long ago or from the future, naming the field', () => {
    expect(rules(proposal({ acdCm: 3.0 }), context({ reported: {} }))).toEqual(['readback-missing:acdCm']);
    expect(
      rules(proposal({ acdCm: 3.0 }), context({ reported: reportedNow({ acdCm: 2.9 }, limits.staleDataMaxAgeMs + 1) })),
    ).toEqual(['readback-stale:acdCm']);
    expect(
      rules(
        proposal({ acdCm: 3.0 }),
        context({ reported: reportedNow({ acdCm: 2.9 }, -limits.clockSkewToleranceMs - 1) }),
      ),
    ).toEqual(['readback-stale:acdCm']);
    expect(
      rules(proposal({ acdCm: 3.0 }), context({ reported: reportedNow({ acdCm: 2.9 }, -limits.clockSkewToleranceMs) })),
    ).toEqual([]);
  });

  it('bounds the step from every value the plant may hold: the report and each command sent but not yet reported', () => {
    expect(rules(proposal({ acdCm: 3.1 }), context({ unconfirmed: { acdCm: [2.7] } }))).toEqual(['max-step:acdCm']);
    const d = checkEnvelope(proposal({ acdCm: 3.0 }), context({ unconfirmed: { acdCm: [2.75] } }), limits);
    expect(d.ok && d.command.deltas.acdCm).toBeCloseTo(0.25, 12);
  });

  it('refuses everything, naming the read, when a safety read could not be answered', () => {
    expect(rules(proposal({ acdCm: 3.0 }), context({ unverifiable: ['the manual overrides (timeout)'] }))).toEqual([
      'interlock-unverifiable',
    ]);
  });

  it('rejects when the hour’s earlier moves plus this one exceed the hourly rate, ignoring moves older than an hour and its own', () => {
    const moves = [
      { commandId: 'a', field: 'acdCm' as const, moveAbs: 0.2, atMs: NOW - 10 * 60_000 },
      { commandId: 'b', field: 'acdCm' as const, moveAbs: 0.2, atMs: NOW - 30 * 60_000 },
    ];
    expect(rules(proposal({ acdCm: 3.2 }), context({ recentMoves: moves }))).toEqual(['max-rate:acdCm']);
    const old = moves.map((m) => ({ ...m, atMs: NOW - 61 * 60_000 }));
    expect(rules(proposal({ acdCm: 3.2 }), context({ recentMoves: old }))).toEqual([]);
    const own = moves.map((m) => ({ ...m, commandId: 'cmd-1' }));
    expect(rules(proposal({ acdCm: 3.2 }), context({ recentMoves: own }))).toEqual([]);
  });

  it('refuses any change to a cell in manual, in anode effect, or with stale or missing data', () => {
    expect(rules(proposal({ acdCm: 3.0 }), context({ manualOverrides: [manual] }))).toEqual(['interlock-manual']);
    expect(rules(proposal({ acdCm: 3.0 }), context({ equipmentState: cellState('L1-C001', 35) }))).toEqual([
      'interlock-anode-effect',
    ]);
    expect(rules(proposal({ acdCm: 3.0 }), context({ equipmentState: cellState('L1-C001', 4.4, 61_000) }))).toEqual([
      'interlock-stale-data',
    ]);
    expect(rules(proposal({ acdCm: 3.0 }), context({ equipmentState: undefined }))).toEqual(['interlock-stale-data']);
    // A reading dated in the future would never go stale: it proves nothing about now.
    expect(rules(proposal({ acdCm: 3.0 }), context({ equipmentState: cellState('L1-C001', 4.4, -3_600_000) }))).toEqual(
      ['interlock-stale-data'],
    );
    // Another cell's document is no evidence about this one.
    expect(rules(proposal({ acdCm: 3.0 }), context({ equipmentState: cellState('L1-C002', 4.4) }))).toEqual([
      'interlock-stale-data',
    ]);
  });

  it('sends line current only to the line and cell set points only to cells', () => {
    expect(rules(proposal({ lineCurrentKA: 127 }), context())).toEqual(['equipment-field:lineCurrentKA']);
    expect(rules(proposal({ acdCm: 3.0 }, 'L1-LINE'), context({ equipmentState: cellState('L1-LINE', 126) }))).toEqual([
      'equipment-field:acdCm',
    ]);
    expect(
      rules(proposal({ lineCurrentKA: 128 }, 'L1-LINE'), context({ equipmentState: cellState('L1-LINE', 126) })),
    ).toEqual([]);
    expect(rules(proposal({ acdCm: 3.0 }, 'L2-C001'), context({ equipmentState: cellState('L2-C001', 4.4) }))).toEqual([
      'equipment-field',
    ]);
  });

  it('a look-alike object is not a checked command', () => {
    const fake = {
      commandId: 'x',
      equipmentId: 'L1-C001',
      lineId: 'L1',
      action: 'setpoint',
      setPoint: { acdCm: 9 },
      deltas: {},
      checkedAtMs: NOW,
    };
    expect(EnvelopeCheckedCommand.isChecked(fake)).toBe(false);
  });

  it('parses plant limits and names the bad field', () => {
    expect(() => parseEnvelopeLimits({ ...limits, staleDataMaxAgeMs: -1 })).toThrow(/staleDataMaxAgeMs/);
    expect(() =>
      parseEnvelopeLimits({
        ...limits,
        fields: { ...limits.fields, acdCm: { min: 5, max: 2, maxStep: 1, maxMovePerHour: 1 } },
      }),
    ).toThrow(/fields\.acdCm\.min/);
  });
});
