import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PhysicsError } from '../errors.js';
import { BASE_CELL } from '../electrochemistry/base-cell.js';
import { ModelConfig } from './schemas.js';
import { parseModelConfig, runModel, summarize } from './run-model.js';

const plantExample = {
  modelName: 'FourierHeatModel',
  parameters: {
    thermalConductivity: 200,
    initialTemperature: 700,
    boundaryConditions: { topSurface: 750, bottomSurface: 690 },
  },
  description: '...',
};

describe('model configurations', () => {
  it("accepts the plant's API example as-is, with the documented defaults", () => {
    const cfg = ModelConfig.parse(plantExample);
    expect(cfg.modelName).toBe('FourierHeatModel');
    if (cfg.modelName !== 'FourierHeatModel') return;
    expect(cfg.parameters.dimension).toBe('1d');
    expect(cfg.parameters.thicknessM).toBe(0.5);
    expect(cfg.parameters.cells).toBe(50);
    expect(cfg.parameters.mode).toBe('transient');
    expect(cfg.parameters.durationS).toBe(3600);
    expect(cfg.parameters.density).toBe(2700);
    expect(cfg.description).toBe('...');
  });

  it('runs the plant example: positions from the bottom face, temperatures between the faces, JSON-serialisable', () => {
    const out = runModel(plantExample);
    const r = out.result as {
      positionsM: number[];
      temperatureC: number[];
      heatLossWPerM2: { topSurface: number; bottomSurface: number };
    };
    expect(r.positionsM[0]).toBeCloseTo(0.005, 12);
    expect(r.positionsM).toHaveLength(50);
    expect(Math.min(...r.temperatureC)).toBeGreaterThan(689);
    expect(Math.max(...r.temperatureC)).toBeLessThan(751);
    // after 1 h (≈ 1.2 diffusion times L²/α) the profile is close to the steady line 690 → 750
    expect(r.temperatureC[49]! - r.temperatureC[0]!).toBeGreaterThan(50);
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });

  it('steady mode of the same slab is the exact line, flux k·ΔT/L = 200·60/0.5 = 24 kW/m²', () => {
    const out = runModel({ ...plantExample, parameters: { ...plantExample.parameters, mode: 'steady' } });
    const r = out.result as {
      positionsM: number[];
      temperatureC: number[];
      heatLossWPerM2: { topSurface: number; bottomSurface: number };
    };
    r.positionsM.forEach((x, i) => expect(r.temperatureC[i]).toBeCloseTo(690 + 120 * x, 8));
    expect(r.heatLossWPerM2.bottomSurface).toBeCloseTo(24000, 6);
  });

  it('CellVoltageModel parameters are the cellVoltageBreakdown input and its result carries the same fields', () => {
    const out = runModel({ modelName: 'CellVoltageModel', parameters: BASE_CELL });
    expect(out.result.cellVoltageV).toBeCloseTo(4.5084233, 6);
    for (const k of [
      'reversibleV',
      'anodeSurfaceV',
      'anodeConcentrationV',
      'cathodeConcentrationV',
      'bathOhmicV',
      'bubbleOhmicV',
      'anodeOhmicV',
      'cathodeOhmicV',
      'externalOhmicV',
      'anodeCurrentDensityAcm2',
      'criticalCurrentDensityAcm2',
      'bathConductivitySPerCm',
      'anodeEffect',
    ]) {
      expect(out.result, k).toHaveProperty(k);
    }
  });

  it('SidewallLedgeModel, ButlerVolmerModel, FickMassModel, CellModel (steady) run', () => {
    const side = runModel({
      modelName: 'SidewallLedgeModel',
      parameters: {
        bathTempC: 970,
        liquidusC: 960,
        wallLayers: [{ thicknessM: 0.02, conductivityWPerMK: 40 }],
        shellToAirWPerM2K: 20,
        ambientC: 20,
      },
    });
    expect(side.result.heatFluxWPerM2).toBeCloseTo(6000, 9);
    expect(side.result.ledgeThicknessM).toBeCloseTo(0.15925, 5);
    const bv = runModel({
      modelName: 'ButlerVolmerModel',
      parameters: { exchangeCurrentDensityAcm2: 1e-3, currentDensityAcm2: 0.5, temperatureK: 1236 },
    });
    expect((bv.result.overpotential as { overpotentialV: number }).overpotentialV).toBeCloseTo(1.3238455826, 9);
    const fick = runModel({
      modelName: 'FickMassModel',
      parameters: { feedIntervalS: 0, durationS: 900, timeStepS: 5 },
    });
    expect(fick.result.timeToAnodeEffectS).not.toBeNull();
    expect(Math.abs((fick.result.massBalance as { errorKg: number }).errorKg)).toBeLessThan(1e-9);
    const cell = runModel({ modelName: 'CellModel', parameters: { mode: 'steady' } });
    expect((cell.result.steady as { cellVoltageV: number }).cellVoltageV).toBeGreaterThan(4);
  });

  it('invalid configurations: ERR-PHYS-CONFIG naming the field', () => {
    const bad = (cfg: unknown, field: string) => {
      try {
        parseModelConfig(cfg);
        throw new Error('accepted');
      } catch (e) {
        expect(e).toBeInstanceOf(PhysicsError);
        expect((e as PhysicsError).code).toBe('ERR-PHYS-CONFIG');
        expect((e as PhysicsError).quantity).toBe(field);
      }
    };
    bad(
      { ...plantExample, parameters: { ...plantExample.parameters, thermalConductivity: -1 } },
      'parameters.thermalConductivity',
    );
    bad({ ...plantExample, parameters: { ...plantExample.parameters, thermalConductivty: 1 } }, 'parameters');
    bad({ modelName: 'NoSuchModel', parameters: {} }, 'modelName');
    bad(
      {
        ...plantExample,
        parameters: { ...plantExample.parameters, boundaryConditions: { topSurface: 'hot', bottomSurface: 690 } },
      },
      'parameters.boundaryConditions.topSurface',
    );
  });

  it('summaries shorten long arrays', () => {
    expect(summarize({ a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] })).toEqual({
      a: { length: 10, min: 1, max: 10, first: 1, last: 10 },
    });
  });
});

describe('CLI', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const cli = path.join(root, 'shared/physics/cli.ts');
  const tsx = path.join(root, 'node_modules/.bin/tsx');
  it('run prints one JSON document; an invalid config exits non-zero naming the field; list shows the kinds', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pde-'));
    const ok = path.join(dir, 'ok.json');
    writeFileSync(ok, JSON.stringify(plantExample));
    const out = JSON.parse(execFileSync(tsx, [cli, 'run', ok], { cwd: root, encoding: 'utf8' })) as {
      modelName: string;
    };
    expect(out.modelName).toBe('FourierHeatModel');
    const bad = path.join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ ...plantExample, parameters: { ...plantExample.parameters, initialTemperature: 'warm' } }),
    );
    const r = spawnSync(tsx, [cli, 'run', bad], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('parameters.initialTemperature');
    const list = execFileSync(tsx, [cli, 'list'], { cwd: root, encoding: 'utf8' });
    for (const k of [
      'FourierHeatModel',
      'FickMassModel',
      'ButlerVolmerModel',
      'CellVoltageModel',
      'SidewallLedgeModel',
      'CellModel',
    ])
      expect(list).toContain(k);
  }, 60_000);
});
