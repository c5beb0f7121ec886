import { describe, expect, it } from 'vitest';
import { cellStateDocs } from '../../local/simulator/cell-state.js';
import { createPotline } from '../../local/simulator/index.js';
import { BASE_CELL } from '../physics/electrochemistry/base-cell.js';
import { cellVoltageBreakdown } from '../physics/electrochemistry/cell-voltage.js';
import { TEST_PLANT } from '../plant/test-plant.js';
import { assumedOperationOf } from '../plant/technology-design.js';
import type { TagLatest } from '../telemetry/hot-state.js';
import {
  acdFromVoltage,
  ASSUMED_ALUMINA_PCT,
  measuredCellInput,
  type CellSnapshot,
  type MeasurementContext,
} from './measured-state.js';

const NOW = Date.UTC(2026, 10, 22, 10, 0, 0);
const ctx: MeasurementContext = {
  lineCurrentKA: 126,
  nowMs: NOW,
  maxReadingAgeMs: 60_000,
  anodeEffectThresholdV: 8,
  technology: assumedOperationOf(TEST_PLANT.line('L1')!.technology),
};
const reading = (value: number, ageMs = 1000): TagLatest => ({
  value,
  unit: '',
  ts: NOW - ageMs,
  quality: 'good',
  flags: [],
});
const cell = (tags: Record<string, TagLatest>, extra: Partial<CellSnapshot> = {}): CellSnapshot => ({
  cellId: 'L1-C001',
  tags,
  manual: [],
  reported: {},
  ...extra,
});
const design = ctx.technology.design;
/** The voltage a cell of the test plant's technology shows at this ACD and bath temperature. */
const voltageAt = (acdCm: number, bathTempC: number) =>
  cellVoltageBreakdown({
    ...BASE_CELL,
    geometry: {
      anodeAreaCm2: design.anodeAreaCm2,
      anodeCount: design.anodeCount,
      fanningFactor: design.fanningFactor,
      cathodeAreaCm2: design.cathodeAreaCm2,
    },
    lineCurrentKA: 126,
    acdCm,
    bathTempC,
    bath: { ...BASE_CELL.bath, aluminaPct: ASSUMED_ALUMINA_PCT },
  }).cellVoltageV;

describe('the optimiser input from measurements', () => {
  it('recovers the ACD that produced a voltage under the assumed chemistry (the inversion is exact for the line technology)', () => {
    for (const acd of [2.2, 2.9, 3.6, 4.5])
      expect(acdFromVoltage(voltageAt(acd, 963), 963, 126, ctx.technology)).toBeCloseTo(acd, 6);
    expect(acdFromVoltage(3.0, 963, 126, ctx.technology)).toMatch(/outside what ACD 1–8 cm gives/);
  });

  it('estimates the ACD of simulated cells within 0.25 cm of their true target, from their cell-state documents', async () => {
    const potline = createPotline({
      lines: 1,
      cellsPerLine: 12,
      seed: 3,
      startMs: NOW - 40_000,
      feederChokesPerCellDay: 0,
      lineRampsPerDay: 0,
    });
    const docs = await cellStateDocs(potline);
    const current = docs.find((d) => d.cellId === 'L1-LINE')!.tags.lineCurrent!.value;
    const errors = docs
      .filter((d) => d.cellId !== 'L1-LINE')
      .map((d) => {
        const m = measuredCellInput(
          { cellId: d.cellId, tags: d.tags, manual: [], reported: {} },
          { ...ctx, lineCurrentKA: current, nowMs: potline.nowMs() },
        );
        if (!m.ok) throw new Error(m.reason);
        expect(m.sources).toMatchObject({
          acdCm: 'estimated',
          bathTempC: 'measured',
          aluminaPct: 'assumed',
          anodeEffectsPerCellDay: 'assumed',
        });
        return Math.abs(m.input.state.acdCm - potline.cell(d.cellId)!.acdTargetCm);
      });
    expect(errors).toHaveLength(12);
    expect(Math.max(...errors)).toBeLessThan(0.25);
  });

  it('takes the reported set points and gold history over estimates and assumptions (one effect in a day: (1 + 0.7)/(1 + 7) per cell-day)', () => {
    const m = measuredCellInput(
      cell(
        { cellVoltage: reading(voltageAt(3.1, 960)), bathTemp: reading(960) },
        {
          reported: { acdCm: 2.95, alf3AdditionKgPerDay: 31 },
          gold: { coveredDays: 1, anodeEffects: 1, anodeEffectMinutes: 2 },
        },
      ),
      ctx,
    );
    expect(m).toMatchObject({
      ok: true,
      input: {
        state: {
          acdCm: 2.95,
          alf3AdditionKgPerDay: 31,
          anodeEffectsPerCellDay: 0.2125,
          anodeEffectDurationMin: 1.5,
          bathTempC: 960,
        },
      },
      sources: { acdCm: 'reported', alf3AdditionKgPerDay: 'reported', anodeEffectsPerCellDay: 'gold' },
    });
  });

  it('keeps a cell in manual in the problem, fixed', () => {
    const m = measuredCellInput(
      cell(
        { cellVoltage: reading(4.4), bathTemp: reading(962) },
        { manual: [{ scopeKey: 'cell:L1-C001', reason: 'tapping', requestedBy: 'op' }] },
      ),
      ctx,
    );
    expect(m).toMatchObject({ ok: true, input: { manual: true } });
  });

  it('holds out a cell it cannot describe, saying why', () => {
    const held = (c: CellSnapshot) => {
      const m = measuredCellInput(c, ctx);
      return m.ok ? 'described' : m.reason;
    };
    expect(held(cell({ bathTemp: reading(962) }))).toBe('cellVoltage has no reading');
    expect(held(cell({ cellVoltage: reading(4.4, 120_000), bathTemp: reading(962) }))).toBe(
      'cellVoltage reading is 120 s old (limit 60 s)',
    );
    expect(held(cell({ cellVoltage: reading(4.4) }))).toBe('bathTemp has no reading');
    expect(held(cell({ cellVoltage: reading(38), bathTemp: reading(962) }))).toBe('in anode effect (38 V > 8 V)');
    expect(held(cell({ cellVoltage: reading(3.2), bathTemp: reading(962) }))).toMatch(
      /^cellVoltage 3.2 V is outside what ACD/,
    );
  });
});
