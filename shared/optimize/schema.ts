/**
 * The optimiser's boundary: a line problem (one rectifier, cells in series sharing its current), the constraints,
 * the objective and the user constraints, as zod schemas. Types come from the schemas (z.infer). A cell's design and
 * chemistry have no defaults: they are its technology's (the plant model, shared/plant/technology-design.ts), never a
 * textbook cell's; the windows default to the plant's standing limits so a problem file only states what differs.
 */
import { z } from 'zod';
import { ALUMINA_AT_ANODE_EFFECT_PCT } from '../physics/constants.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const range = (min: number, max: number) => finite.min(min).max(max);
const window = (min: number, max: number, lo: number, hi: number) =>
  z
    .object({ min: range(lo, hi).default(min), max: range(lo, hi).default(max) })
    .refine((w) => w.min <= w.max, 'min must not exceed max')
    .prefault({});

/** Measured state of one cell, which is also its present set point (the cell is taken to sit at steady state). */
export const CellState = z.object({
  acdCm: range(1, 8),
  bathTempC: range(900, 1100),
  aluminaPct: range(0.5, 10),
  alf3Pct: range(0, 25),
  caf2Pct: range(0, 12),
  mgf2Pct: range(0, 6),
  lifPct: range(0, 6),
  /** Current efficiency now (from metal tapped or the cell's history), -. */
  currentEfficiency: range(0.7, 0.99),
  /** Anode-effect frequency now, 1/cell-day (modern point-fed cells 0.05–0.3). */
  anodeEffectsPerCellDay: range(0, 10).default(0.1),
  /** Mean anode-effect duration, min (modern point-fed prebake ≈ 0.5–2 min). */
  anodeEffectDurationMin: range(0, 30).default(1),
  /** AlF3 added now, kg/day. */
  alf3AdditionKgPerDay: range(0, 500),
});
export type CellState = z.infer<typeof CellState>;

/** Design data of a cell: its technology's (the plant model's CellTechnology, shared/plant/technology-design.ts). */
export const CellDesign = z.object({
  anodeAreaCm2: range(1e3, 1e6),
  anodeCount: z.number().int().min(1).max(200),
  fanningFactor: range(1, 2),
  cathodeAreaCm2: range(1e3, 1e6),
  anodeResistanceMicroOhm: range(0, 1000),
  cathodeResistanceMicroOhm: range(0, 1000),
  externalResistanceMicroOhm: range(0, 1000),
  /** Alumina concentration at which the anode goes into effect: a bath property (PHYSICS.md C_AE), not a design one. */
  aluminaAtAnodeEffectPct: range(0.5, 4).default(ALUMINA_AT_ANODE_EFFECT_PCT),
  /** Bath-wetted side-ledge area, m². */
  ledgeAreaM2: range(0.5, 50),
  /** Alumina per feeder shot, kg. */
  shotMassKg: range(0.5, 50),
});
export type CellDesign = z.infer<typeof CellDesign>;

export const CellInput = z.object({
  cellId: z.string().min(1).max(64),
  /** A cell in manual keeps its set points: the optimiser never moves it. */
  manual: z.boolean().default(false),
  state: CellState,
  design: CellDesign,
});
export type CellInput = z.infer<typeof CellInput>;

export const Rectifier = z
  .object({
    minCurrentKA: range(1, 1000),
    maxCurrentKA: range(1, 1000),
    /** DC voltage rating of the rectifier group across the whole line, V. */
    maxVoltageV: range(1, 5000),
  })
  .refine((r) => r.minCurrentKA <= r.maxCurrentKA, {
    message: 'minCurrentKA must not exceed maxCurrentKA',
    path: ['minCurrentKA'],
  });
export type Rectifier = z.infer<typeof Rectifier>;

/** Largest change from the present set points in one run (the plant moves cells in small, reversible steps). */
export const MaxStep = z.object({
  acdCm: range(0, 2).default(0.2),
  aluminaPct: range(0, 2).default(0.5),
  alf3Pct: range(0, 5).default(1),
  lineCurrentKA: range(0, 50).default(3),
});

export const Constraints = z.object({
  /** Production (∝ I·CE, summed over the line) stays within ± this of baseline, %. */
  productionTolerancePct: range(0, 50).default(2),
  superheatK: window(2, 15, -50, 100),
  bathTempC: window(940, 975, 900, 1100),
  /** Side ledge must stay at least this thick, cm (protects the side lining). */
  ledgeThicknessMinCm: range(0, 100).default(3),
  /** Alumina target band; its minimum must stay clear of the anode-effect concentration. */
  aluminaPct: window(2, 4, 0.5, 10),
  /** Anode-effect frequency limit per cell, 1/cell-day. */
  anodeEffectsMaxPerCellDay: range(0, 10).default(0.3),
  /** Cell voltage rating (busbar, anode rods), V. */
  cellVoltageMaxV: range(1, 20).default(5),
  acdCm: window(2.2, 4.5, 1, 8),
  alf3Pct: window(8, 14, 0, 25),
  maxStep: MaxStep.prefault({}),
});
export type Constraints = z.infer<typeof Constraints>;

export const SetPointVariable = z.enum(['acdCm', 'aluminaTargetPct', 'alf3TargetPct']);
export type SetPointVariable = z.infer<typeof SetPointVariable>;

/**
 * A user constraint narrows one decision variable for one cell or for the line: bounds, or `freeze` to keep the
 * present value. File format: `{ "constraints": [ { "scope": "cell", "cellId": "L1-C007", "variable": "acdCm",
 * "min": 2.8 }, { "scope": "line", "variable": "lineCurrentKA", "max": 127 } ] }`.
 */
export const UserConstraint = z.discriminatedUnion('scope', [
  z.object({
    scope: z.literal('cell'),
    cellId: z.string().min(1),
    variable: SetPointVariable,
    min: finite.optional(),
    max: finite.optional(),
    freeze: z.boolean().default(false),
    reason: z.string().optional(),
  }),
  z.object({
    scope: z.literal('line'),
    variable: z.literal('lineCurrentKA'),
    min: finite.optional(),
    max: finite.optional(),
    freeze: z.boolean().default(false),
    reason: z.string().optional(),
  }),
]);
export type UserConstraint = z.infer<typeof UserConstraint>;
export const UserConstraintsFile = z.object({ constraints: z.array(UserConstraint) });
export type UserConstraintsFile = z.infer<typeof UserConstraintsFile>;

export const Objective = z.discriminatedUnion('kind', [
  /** Minimise the line's specific energy consumption, kWh/kg Al. */
  z.object({ kind: z.literal('sec') }),
  /** Minimise the line's daily cost: energy + carbon (electricity, anode carbon, PFC by the slope method). */
  z.object({
    kind: z.literal('cost'),
    energyPricePerMWh: range(0, 10_000),
    carbonPricePerTonneCO2e: range(0, 10_000),
    /** Grid emission factor, t CO2e/MWh (a plant setting; PHYSICS.md "Electricity CO2 = kWh · grid factor"). */
    gridFactorTonneCO2ePerMWh: range(0, 2).default(0.4),
  }),
]);
export type Objective = z.infer<typeof Objective>;

export const LineProblem = z
  .object({
    lineId: z.string().min(1).max(64),
    lineCurrentKA: range(1, 1000),
    rectifier: Rectifier,
    cells: z.array(CellInput).min(1).max(2000),
    constraints: Constraints.prefault({}),
    objective: Objective.default({ kind: 'sec' }),
    userConstraints: z.array(UserConstraint).default([]),
    /** Baseline production, kg Al/day; default: the line's production at its present set points. */
    baselineProductionKgPerDay: range(0, 1e9).optional(),
  })
  .superRefine((p, ctx) => {
    const ids = new Set<string>();
    p.cells.forEach((c, i) => {
      if (ids.has(c.cellId))
        ctx.addIssue({ code: 'custom', path: ['cells', i, 'cellId'], message: `duplicate cellId ${c.cellId}` });
      ids.add(c.cellId);
      if (p.constraints.aluminaPct.min <= c.design.aluminaAtAnodeEffectPct) {
        ctx.addIssue({
          code: 'custom',
          path: ['constraints', 'aluminaPct', 'min'],
          message: `must stay above the anode-effect concentration ${c.design.aluminaAtAnodeEffectPct} wt % of ${c.cellId}`,
        });
      }
    });
    p.userConstraints.forEach((u, i) => {
      if (u.scope === 'cell' && !ids.has(u.cellId))
        ctx.addIssue({
          code: 'custom',
          path: ['userConstraints', i, 'cellId'],
          message: `no cell ${u.cellId} on line ${p.lineId}`,
        });
    });
  });
export type LineProblem = z.infer<typeof LineProblem>;
export type LineProblemInput = z.input<typeof LineProblem>;

/** A potline problem file: several lines, each on its own rectifier, optimised independently. */
export const PotlineProblem = z.object({
  potlineId: z.string().min(1).default('potline'),
  lines: z.array(LineProblem).min(1),
});
export type PotlineProblem = z.infer<typeof PotlineProblem>;
