/**
 * The simulator's default potline as an optimisation problem: 3 lines × 100 cells of PHYSICS.md's base cell with
 * seeded per-cell variation (ACD 2.7–3.3 cm, alumina 2–4 wt %, excess AlF3 10–13 wt %, bath 955–970 °C, CE and
 * resistances around the base). Bath temperature and AlF3 are drawn together so every cell starts 2.5–4.5 K above
 * its liquidus with a standing ledge (a cell drawn colder than its liquidus would not be a running cell).
 */
import { BASE_CELL, BASE_PROCESS } from '../physics/electrochemistry/base-cell.js';
import { liquidusC } from '../physics/properties/bath.js';
import type { CellDesign, LineProblemInput, PotlineProblem } from './schema.js';

/** The bath chemistry, current efficiency and AlF3 addition of PHYSICS.md's base cell, as a cell state takes them. */
export function baseCellOperation() {
  return {
    caf2Pct: BASE_CELL.bath.caf2Pct,
    mgf2Pct: BASE_CELL.bath.mgf2Pct,
    lifPct: BASE_CELL.bath.lifPct,
    currentEfficiency: BASE_PROCESS.currentEfficiency,
    alf3AdditionKgPerDay: BASE_PROCESS.alf3AdditionKgPerDay,
  };
}

/** The design of PHYSICS.md's base cell in the optimiser's terms (the reference case the examples are drawn around). */
export function baseCellDesign(): CellDesign {
  return {
    anodeAreaCm2: BASE_CELL.geometry.anodeAreaCm2,
    anodeCount: BASE_CELL.geometry.anodeCount,
    fanningFactor: BASE_CELL.geometry.fanningFactor,
    cathodeAreaCm2: BASE_CELL.geometry.cathodeAreaCm2,
    anodeResistanceMicroOhm: BASE_CELL.resistancesMicroOhm.anode,
    cathodeResistanceMicroOhm: BASE_CELL.resistancesMicroOhm.cathode,
    externalResistanceMicroOhm: BASE_CELL.resistancesMicroOhm.external,
    aluminaAtAnodeEffectPct: BASE_CELL.aluminaAtAnodeEffectPct,
    ledgeAreaM2: BASE_PROCESS.ledgeAreaM2,
    shotMassKg: BASE_PROCESS.shotMassKg,
  };
}

/** mulberry32 (Tommy Ettinger, public domain): a small seeded generator, so a seed reproduces the potline. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DefaultLineOptions {
  lineId: string;
  cells: number;
  seed: number;
  lineCurrentKA?: number;
}

/** One line of the default potline (seeded). */
export function defaultLine({
  lineId,
  cells,
  seed,
  lineCurrentKA = BASE_CELL.lineCurrentKA,
}: DefaultLineOptions): LineProblemInput {
  const rnd = seededRandom(seed);
  const u = (lo: number, hi: number) => lo + (hi - lo) * rnd();
  const list = Array.from({ length: cells }, (_, k) => {
    const aluminaPct = u(2, 4);
    const caf2Pct = BASE_CELL.bath.caf2Pct * u(0.95, 1.05);
    const mgf2Pct = BASE_CELL.bath.mgf2Pct;
    const superheatK = u(2.5, 4.5);
    const targetTempC = u(955, 970);
    // Excess AlF3 whose liquidus puts the drawn temperature at the drawn superheat, kept in 10–13 wt % (bisection:
    // the liquidus falls monotonically with AlF3 over this range).
    const liq = (alf3Pct: number) => liquidusC({ aluminaPct, alf3Pct, caf2Pct, mgf2Pct, lifPct: 0 });
    let lo = 10;
    let hi = 13;
    for (let i = 0; i < 40; i++) {
      const mid = (lo + hi) / 2;
      if (liq(mid) > targetTempC - superheatK) lo = mid;
      else hi = mid;
    }
    const alf3Pct = Math.round(((lo + hi) / 2) * 1000) / 1000;
    const bathTempC = Math.round((liq(alf3Pct) + superheatK) * 100) / 100;
    return {
      cellId: `${lineId}-C${String(k + 1).padStart(3, '0')}`,
      state: {
        acdCm: Math.round(u(2.7, 3.3) * 1000) / 1000,
        bathTempC,
        aluminaPct: Math.round(aluminaPct * 1000) / 1000,
        alf3Pct,
        caf2Pct: Math.round(caf2Pct * 1000) / 1000,
        mgf2Pct,
        lifPct: BASE_CELL.bath.lifPct,
        currentEfficiency: Math.round((BASE_PROCESS.currentEfficiency + u(-0.01, 0.01)) * 10000) / 10000,
        anodeEffectsPerCellDay: Math.round(u(0.05, 0.2) * 1000) / 1000,
        alf3AdditionKgPerDay: BASE_PROCESS.alf3AdditionKgPerDay,
      },
      design: {
        ...baseCellDesign(),
        anodeResistanceMicroOhm: Math.round(BASE_CELL.resistancesMicroOhm.anode * u(0.92, 1.08) * 1000) / 1000,
        cathodeResistanceMicroOhm: Math.round(BASE_CELL.resistancesMicroOhm.cathode * u(0.88, 1.12) * 1000) / 1000,
        externalResistanceMicroOhm: Math.round(BASE_CELL.resistancesMicroOhm.external * u(0.95, 1.05) * 1000) / 1000,
      },
    };
  });
  return {
    lineId,
    lineCurrentKA,
    // Rectifier group of the base cell's line: +8 kA current headroom; voltage for 100 cells at ≤ 5 V plus busbars.
    rectifier: {
      minCurrentKA: lineCurrentKA - 20,
      maxCurrentKA: lineCurrentKA + 8,
      maxVoltageV: Math.max(60, cells * 5.2),
    },
    cells: list,
  };
}

/** The default potline: 3 lines × 100 cells, seed 1 (line k uses seed + k). */
export function defaultPotline(seed = 1, lines = 3, cellsPerLine = 100): PotlineProblem {
  return {
    potlineId: 'default',
    lines: Array.from({ length: lines }, (_, l) =>
      defaultLine({ lineId: `L${l + 1}`, cells: cellsPerLine, seed: seed * 1000 + l + 1 }),
    ),
  } as PotlineProblem;
}
