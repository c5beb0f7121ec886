import { describe, expect, it } from 'vitest';
import {
  aluminaConsumptionKg,
  anodeCo2T,
  anodeEffectFraction,
  anodeEffectMinutesPerCellDay,
  anodeEffectsPerPotDay,
  cellEnergyKWh,
  electricityCo2eT,
  faradayProductionKg,
  pfcSlopeMethod,
  productionVsBaselinePct,
  secKWhPerKg,
} from './kpi.js';

const pfpb = { pfcSefCf4: 0.104, pfcFC2f6: 0.057, gwpCf4: 6630, gwpC2f6: 11100 };

describe('KPI formulas against hand-computed values', () => {
  it('cell energy: 4.2 V · 126 kA for 1 h is 529.2 kWh', () => {
    expect(cellEnergyKWh(4.2, 126, 1)).toBeCloseTo(529.2, 10);
  });

  it('Faraday production: 126 kA for 24 h at CE 0.945 makes 958.95 kg (0.33557 · 126 · 24 · 0.945)', () => {
    expect(faradayProductionKg(126, 24, 0.945)).toBeCloseTo(958.9517, 3);
  });

  it('SEC of a 4.2 V cell at CE 0.945 is 13.244 kWh/kg, equal to V / (0.33557 · CE)', () => {
    const energy = cellEnergyKWh(4.2, 126, 1);
    const production = faradayProductionKg(126, 1, 0.945);
    expect(secKWhPerKg(energy, production)).toBeCloseTo(4.2 / (0.33557 * 0.945), 10);
    expect(secKWhPerKg(energy, production)).toBeCloseTo(13.2443, 3);
    expect(secKWhPerKg(10, 0)).toBeNull();
  });

  it('alumina: 1 t Al consumes 1889.5 kg Al2O3', () => {
    expect(aluminaConsumptionKg(1000)).toBeCloseTo(1889.5, 6);
  });

  it('anode CO2: 100 t Al at 1.6 t/t is 160 t CO2', () => {
    expect(anodeCo2T(100, 1.6)).toBeCloseTo(160, 10);
  });

  it('electricity CO2e: 13,500 kWh at 0.46 kg/kWh is 6.21 t', () => {
    expect(electricityCo2eT(13_500, 0.46)).toBeCloseTo(6.21, 10);
  });

  it('PFC slope method: AEM 0.1 min/cell-day, 100 t Al → CF4 1.04 kg, C2F6 0.05928 kg, 7.553 t CO2e', () => {
    const pfc = pfcSlopeMethod(0.1, 100, pfpb);
    expect(pfc.cf4Kg).toBeCloseTo(1.04, 10);
    expect(pfc.c2f6Kg).toBeCloseTo(0.05928, 10);
    // (1.04 · 6630 + 0.05928 · 11100) / 1000 = (6895.2 + 658.008) / 1000
    expect(pfc.co2eT).toBeCloseTo(7.553208, 9);
  });

  it('AE frequency and AEM per cell-day: 3 AEs and 6 min over 300 cells for half a day', () => {
    expect(anodeEffectsPerPotDay(3, 150)).toBeCloseTo(0.02, 12);
    expect(anodeEffectMinutesPerCellDay(6, 150)).toBeCloseTo(0.04, 12);
    expect(anodeEffectsPerPotDay(3, 0)).toBeNull();
  });

  it('production vs baseline: 280 t from 300 cell-days at 0.959 t/cell-day is 97.32 %', () => {
    expect(productionVsBaselinePct(280, 300, 0.959)).toBeCloseTo(97.3236, 3);
    expect(productionVsBaselinePct(1, 0, 0.959)).toBeNull();
  });

  it('anode-effect share of a minute: none below 8 V, all above, two-level estimate across', () => {
    expect(anodeEffectFraction(4.1, 4.5, 4.3, 8)).toBe(0);
    expect(anodeEffectFraction(30, 40, 35, 8)).toBe(1);
    // 45 s at 4.2 V and 15 s at 34.2 V: mean 11.7 V → (11.7 − 4.2)/(34.2 − 4.2) = 0.25
    expect(anodeEffectFraction(4.2, 34.2, (45 * 4.2 + 15 * 34.2) / 60, 8)).toBeCloseTo(0.25, 12);
  });
});
