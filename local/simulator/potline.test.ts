import { describe, expect, it } from 'vitest';
import { acdCm, aluminaPct } from './cell.js';
import { SimulatorError } from './errors.js';
import { DEFAULT_PLANT_FILE, readPlantFile } from './plant-file.js';
import { createPotline, type PotlineEvent } from './potline.js';

const runSteps = (potline: ReturnType<typeof createPotline>, steps: number): PotlineEvent[] => {
  const events: PotlineEvent[] = [];
  for (let s = 0; s < steps; s++) events.push(...potline.step());
  return events;
};

describe('seeded potline', () => {
  it('names lines and cells by the contract and varies cells from the seed', () => {
    const potline = createPotline({ lines: 2, cellsPerLine: 12, seed: 3 });
    expect(potline.cells.map((c) => c.params.cellId).slice(0, 2)).toEqual(['L1-C001', 'L1-C002']);
    expect(potline.cells.at(-1)?.params.cellId).toBe('L2-C012');
    expect(potline.lines.map((l) => l.lineId)).toEqual(['L1', 'L2']);
    const anodeResistances = new Set(potline.cells.map((c) => c.params.resistancesMicroOhm.anode));
    expect(anodeResistances.size).toBe(24);
  });

  it('simulates the plant described: each line its own technology, current, cells and rectifier', () => {
    const plant = readPlantFile(DEFAULT_PLANT_FILE);
    // The shipped two-technology plant with three cells per line (the physics per cell is what is checked).
    for (const line of plant.areas.flatMap((a) => a.lines)) line.cells = line.cells.slice(0, 3);
    const potline = createPotline({ plant, seed: 2, feederChokesPerCellDay: 0, lineRampsPerDay: 0 });
    expect(potline.lines.map((l) => [l.lineId, l.technology.nominalCurrentKA])).toEqual([
      ['L1', 180],
      ['L2', 400],
    ]);
    expect(potline.cells.map((c) => c.params.cellId)).toEqual([
      ...plant.areas[0]!.lines[0]!.cells.map((c) => c.cellId),
      ...plant.areas[1]!.lines[0]!.cells.map((c) => c.cellId),
    ]);
    const voltages: number[] = [];
    for (let s = 0; s < 3600; s++) {
      potline.step();
      if (s % 60 === 0) for (const cell of potline.cells) voltages.push(cell.cellVoltageV);
    }
    // Each line regulates within 1 % of its technology's nominal current.
    expect(potline.lineCurrentKA('L1')).toBeGreaterThan(178);
    expect(potline.lineCurrentKA('L1')).toBeLessThan(182);
    expect(potline.lineCurrentKA('L2')).toBeGreaterThan(396);
    expect(potline.lineCurrentKA('L2')).toBeLessThan(404);
    // Both technologies run in the normal band of a prebake cell, their alumina in its band.
    expect(Math.min(...voltages)).toBeGreaterThan(3.8);
    expect(Math.max(...voltages)).toBeLessThan(5);
    for (const cell of potline.cells) {
      expect(aluminaPct(cell)).toBeGreaterThan(1.9);
      expect(aluminaPct(cell)).toBeLessThan(4);
    }
    const l2 = potline.cells.filter((c) => c.params.lineId === 'L2');
    expect(Math.min(...l2.map((c) => c.params.bathMassKg))).toBe(plant.technologies['prebake-400']!.bathMassKg);
    // A line current the 400 kA line's rectifier delivers is applied; one outside its rating is refused.
    expect(potline.applySetPoint('L2-LINE', { lineCurrentKA: 410 }).applied.lineCurrentKA).toBe(410);
    expect(() => potline.applySetPoint('L1-LINE', { lineCurrentKA: 410 })).toThrow(/rectifier delivers 150–200 kA/);
  });

  it('keeps the base cell between 4 and 5 V in normal operation, alumina in its band', () => {
    const potline = createPotline({
      lines: 1,
      cellsPerLine: 5,
      seed: 11,
      feederChokesPerCellDay: 0,
      lineRampsPerDay: 0,
    });
    const voltages: number[] = [];
    for (let s = 0; s < 4 * 3600; s++) {
      potline.step();
      if (s % 60 === 0) for (const cell of potline.cells) voltages.push(cell.cellVoltageV);
    }
    expect(Math.min(...voltages)).toBeGreaterThan(4);
    expect(Math.max(...voltages)).toBeLessThan(5);
    for (const cell of potline.cells) {
      expect(aluminaPct(cell)).toBeGreaterThan(1.9);
      expect(aluminaPct(cell)).toBeLessThan(4);
      expect(Math.abs(cell.bathTempC - cell.params.bathTempTargetC)).toBeLessThan(15);
    }
  });

  it('depletes alumina without feeds and goes into an anode effect with a 30–50 V spike, then kills it', () => {
    const potline = createPotline({ lines: 1, cellsPerLine: 1, seed: 5, feederChokesPerCellDay: 0 });
    const cell = potline.cells[0]!;
    potline.applySetPoint('L1-C001', { feedIntervalS: 7200 });
    const startPct = aluminaPct(cell);
    const events = runSteps(potline, 900);
    expect(aluminaPct(cell)).toBeLessThan(startPct - 0.5);
    const more = runSteps(potline, 3600);
    const start = more.find((e) => e.type === 'anode_effect_start');
    expect(start).toBeDefined();
    const end = more.find((e) => e.type === 'anode_effect_end');
    expect(end).toBeDefined();
    expect(end && 'peakVoltageV' in end ? end.peakVoltageV : 0).toBeGreaterThanOrEqual(30);
    expect(end && 'peakVoltageV' in end ? end.peakVoltageV : 99).toBeLessThanOrEqual(55);
    expect(events.concat(more).some((e) => e.type === 'shot' && e.tsMs > (start?.tsMs ?? Infinity))).toBe(true);
  });

  it('goes into an anode effect on the step after its feeder is choked, and its controller kills it', () => {
    const potline = createPotline({
      lines: 1,
      cellsPerLine: 3,
      seed: 5,
      feederChokesPerCellDay: 0,
      lineRampsPerDay: 0,
    });
    runSteps(potline, 30);
    potline.chokeFeeder('L1-C002', 600);
    const events = runSteps(potline, 1);
    expect(events).toContainEqual(expect.objectContaining({ type: 'anode_effect_start', cellId: 'L1-C002' }));
    expect(potline.cell('L1-C002')!.cellVoltageV).toBeGreaterThan(20);
    expect(potline.cell('L1-C001')!.cellVoltageV).toBeLessThan(5);
    const later = runSteps(potline, 180);
    expect(later).toContainEqual(expect.objectContaining({ type: 'anode_effect_end', cellId: 'L1-C002' }));
  });

  it('applies an ACD set point at once: the beam steps and the next voltage rises', () => {
    const potline = createPotline({
      lines: 1,
      cellsPerLine: 2,
      seed: 9,
      feederChokesPerCellDay: 0,
      lineRampsPerDay: 0,
    });
    runSteps(potline, 30);
    const cell = potline.cell('L1-C002')!;
    const beamBefore = cell.beamPositionCm;
    const voltageBefore = cell.cellVoltageV;
    const applied = potline.applySetPoint('L1-C002', { acdCm: acdCm(cell) + 0.5 });
    expect(applied.previous.acdCm).toBeCloseTo(cell.params.acdTargetCm, 6);
    expect(cell.beamPositionCm - beamBefore).toBeCloseTo(0.5, 6);
    potline.step();
    expect(cell.cellVoltageV - voltageBefore).toBeGreaterThan(0.15);
  });

  it('rejects unknown cells and out-of-range set points naming the field', () => {
    const potline = createPotline({ lines: 1, cellsPerLine: 1 });
    expect(() => potline.applySetPoint('L9-C001', { acdCm: 3 })).toThrow(SimulatorError);
    try {
      potline.applySetPoint('L1-C001', { acdCm: 40 });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'SIM-SETPOINT', field: 'acdCm' });
    }
    expect(() => potline.applySetPoint('L1-LINE', { acdCm: 3 })).toThrow(/only lineCurrentKA/);
    expect(potline.applySetPoint('L1-LINE', { lineCurrentKA: 120 }).lineId).toBe('L1');
  });
});
