import { describe, expect, it } from 'vitest';
import { baseCell, BASE_CELL } from '../electrochemistry/base-cell.js';
import { DEFAULT_LUMPED_HEAT_LOSS, steadyEnergyBalance } from './energy-balance.js';

describe('lumped steady energy balance', () => {
  it('base cell is steady at its documented 963 °C', () => {
    const r = steadyEnergyBalance({ cell: baseCell({ bathTempC: 950 }), currentEfficiency: 0.945 });
    expect(r.status).toBe('steady');
    expect(r.bathTempC).toBeCloseTo(963, 6);
    expect(Math.abs(r.residualW)).toBeLessThan(1e-3);
    // generated = 126000·(4.508423 − 0.25326) − 0.33557·126·0.945/3600 kg/s·6.34·3.6e6 J/kg
    const expected = 126000 * (4.5084233 - 0.25326) - ((0.33557 * 126 * 0.945) / 3600) * 6.34 * 3.6e6;
    expect(r.heatGeneratedW).toBeCloseTo(expected, -1);
    // SEC = V/(0.33557·CE) = 4.508423/(0.33557·0.945) = 14.2171 kWh/kg
    expect(r.secKWhPerKg).toBeCloseTo(14.2171, 3);
    expect(r.productionKgPerDay).toBeCloseTo(0.33557 * 126 * 0.945 * 24, 6);
  });
  it('more ACD heats the cell; a much colder cell is reported as freezing, not an exception', () => {
    const hot = steadyEnergyBalance({ cell: baseCell({ acdCm: 3.3 }), currentEfficiency: 0.945 });
    expect(hot.bathTempC).toBeGreaterThan(963);
    const cold = steadyEnergyBalance({ cell: baseCell({ acdCm: 2.0 }), currentEfficiency: 0.945 });
    expect(cold.status).toBe('freezing');
    expect(Number.isFinite(cold.bathTempC)).toBe(true);
  });
  it('default conductance is positive and finite', () => {
    expect(DEFAULT_LUMPED_HEAT_LOSS.otherConductanceWPerK).toBeGreaterThan(0);
    expect(BASE_CELL.bathTempC).toBe(963);
  });
});
