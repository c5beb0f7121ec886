import { describe, expect, it } from 'vitest';
import { BASE_CELL, BASE_PROCESS } from '../physics/electrochemistry/base-cell.js';
import { DEFAULT_LUMPED_HEAT_LOSS, steadyEnergyBalance } from '../physics/cell/energy-balance.js';
import { PhysicsError } from '../physics/errors.js';
import { linearizeCell, OUTPUT_KEYS, INPUT_KEYS } from './linearize.js';
import { CellInput } from './schema.js';
import { baseCellDesign, baseCellOperation } from './default-potline.js';
import { calibrateCell, predictCell } from './steady-state.js';

const base = CellInput.parse({
  cellId: 'B',
  state: {
    acdCm: BASE_CELL.acdCm,
    bathTempC: BASE_CELL.bathTempC,
    aluminaPct: BASE_CELL.bath.aluminaPct,
    alf3Pct: BASE_CELL.bath.alf3Pct,
    ...baseCellOperation(),
  },
  design: baseCellDesign(),
});

describe('steady cell prediction', () => {
  it('reproduces the measured state at the present set points (calibration)', () => {
    const model = calibrateCell(base, 126);
    const p = predictCell(model, model.present, 126);
    expect(p.bathTempC).toBeCloseTo(BASE_CELL.bathTempC, 6);
    expect(p.currentEfficiency).toBeCloseTo(BASE_PROCESS.currentEfficiency, 9);
  });

  it('calibrates the base cell to the physics engine’s own lumped heat loss and agrees with steadyEnergyBalance at fixed CE', () => {
    const model = calibrateCell(base, 126);
    expect(model.heatLoss.otherConductanceWPerK).toBeCloseTo(DEFAULT_LUMPED_HEAT_LOSS.otherConductanceWPerK, 6);
    const physics = steadyEnergyBalance({
      cell: { ...BASE_CELL, bath: { ...BASE_CELL.bath } },
      currentEfficiency: BASE_PROCESS.currentEfficiency,
    });
    expect(predictCell(model, model.present, 126).bathTempC).toBeCloseTo(physics.bathTempC, 4);
  });

  it('a closer anode lowers the voltage and cools the bath', () => {
    const model = calibrateCell(base, 126);
    const p0 = predictCell(model, model.present, 126);
    const p1 = predictCell(model, { ...model.present, acdCm: 2.8 }, 126);
    expect(p1.cellVoltageV).toBeLessThan(p0.cellVoltageV - 0.03);
    expect(p1.bathTempC).toBeLessThan(p0.bathTempC);
    expect(p1.ledgeThicknessCm).toBeGreaterThan(p0.ledgeThicknessCm);
  });

  it('names the cell and the quantity when no steady state exists above the liquidus', () => {
    const model = calibrateCell(base, 126);
    expect(() => predictCell(model, { ...model.present, acdCm: 1.5 }, 126)).toThrowError(PhysicsError);
    try {
      predictCell(model, { ...model.present, acdCm: 1.5 }, 126);
    } catch (err) {
      expect((err as PhysicsError).message).toContain('cell B');
    }
  });

  it('linearisation matches a central difference of the full model', () => {
    const model = calibrateCell(base, 126);
    const lin = linearizeCell(model, model.present, 126);
    const h = 1e-3;
    const up = predictCell(model, { ...model.present, acdCm: model.present.acdCm + h }, 126);
    const dn = predictCell(model, { ...model.present, acdCm: model.present.acdCm - h }, 126);
    const row = OUTPUT_KEYS.indexOf('cellVoltageV');
    const col = INPUT_KEYS.indexOf('acdCm');
    expect(lin.jacobian[row * INPUT_KEYS.length + col]).toBeCloseTo((up.cellVoltageV - dn.cellVoltageV) / (2 * h), 3);
  });
});
