/**
 * Model configurations (zod): `{ modelName, parameters, description? }`, a discriminated union on `modelName`.
 * Every default is documented on its field (`.describe`) and shows up in `pde list` and in z.toJSONSchema.
 * Parameter objects are strict: a misspelt field is an error naming it, not a silently ignored value.
 */
import { z } from 'zod';
import { BASE_ALUMINA_LAYOUT } from '../mass/alumina.js';
import { BASE_SET_POINTS, BASE_STATE } from '../cell/design.js';

const finite = () => z.number().refine(Number.isFinite, 'must be a finite number');
const positive = () => z.number().positive().refine(Number.isFinite, 'must be a finite number');
const nonNegative = () => z.number().nonnegative().refine(Number.isFinite, 'must be a finite number');

/** A boundary: a bare number is a fixed temperature (°C). */
export const BoundaryConditionConfig = z.union([
  finite().describe('fixed surface temperature, °C (Dirichlet)'),
  z.strictObject({ type: z.literal('dirichlet'), temperatureC: finite() }),
  z.strictObject({ type: z.literal('convective'), hWPerM2K: nonNegative(), ambientC: finite() }),
  z.strictObject({ type: z.literal('flux'), fluxWPerM2: finite().describe('heat flux into the body, W/m²') }),
  z.strictObject({ type: z.literal('insulated') }),
]);
export type BoundaryConditionConfig = z.infer<typeof BoundaryConditionConfig>;

const PhaseChangeConfig = z.strictObject({
  meltingC: finite().describe('liquidus (fully liquid above), °C'),
  mushyRangeK: nonNegative().default(0).describe('freezing interval below the liquidus, K (default 0: isothermal)'),
  latentHeatJPerKg: positive().default(5.508e5).describe('J/kg (default: bath, PHYSICS.md)'),
  solidConductivity: positive().optional().describe('W/(m·K) (default: thermalConductivity)'),
  solidSpecificHeat: positive().optional().describe('J/(kg·K) (default: specificHeat)'),
});

export const FourierHeatParameters = z.strictObject({
  thermalConductivity: positive().describe('W/(m·K)'),
  initialTemperature: finite().describe('°C'),
  boundaryConditions: z.strictObject({
    topSurface: BoundaryConditionConfig.describe('y = top (1D: x = thickness)'),
    bottomSurface: BoundaryConditionConfig.describe('y = 0 (1D: x = 0)'),
    leftSurface: BoundaryConditionConfig.default({ type: 'insulated' }).describe('2D only; default insulated'),
    rightSurface: BoundaryConditionConfig.default({ type: 'insulated' }).describe('2D only; default insulated'),
  }),
  dimension: z.enum(['1d', '2d']).default('1d').describe("default '1d' (a slab from the bottom to the top surface)"),
  thicknessM: positive().default(0.5).describe('bottom → top distance, m (default 0.5)'),
  widthM: positive().default(1).describe('2D width, m (default 1)'),
  cells: z.number().int().min(2).max(100000).default(50).describe('1D cells (default 50)'),
  nx: z.number().int().min(2).max(2000).default(40).describe('2D cells across (default 40)'),
  ny: z.number().int().min(2).max(2000).default(20).describe('2D cells bottom → top (default 20)'),
  density: positive().default(2700).describe('kg/m³ (default 2700, aluminium — k = 200 W/(m·K) suggests it)'),
  specificHeat: positive().default(900).describe('J/(kg·K) (default 900, aluminium)'),
  heatSourceWPerM3: finite().default(0).describe('uniform volumetric source, W/m³ (default 0)'),
  mode: z.enum(['transient', 'steady']).default('transient').describe("default 'transient' from initialTemperature"),
  durationS: positive().default(3600).describe('transient horizon, s (default 3600)'),
  timeStepS: positive().default(10).describe('s (default 10)'),
  scheme: z.enum(['backward-euler', 'crank-nicolson']).default('backward-euler').describe("default 'backward-euler'"),
  outputTimesS: z.array(nonNegative()).max(1000).default([]).describe('extra snapshot times, s (default none)'),
  phaseChange: PhaseChangeConfig.optional().describe('enthalpy-method melting/freezing (default none)'),
});

export const FickMassParameters = z.strictObject({
  dimension: z.enum(['1d', '2d']).default('2d').describe("default '2d' (plan view of the bath)"),
  lengthM: positive().default(BASE_ALUMINA_LAYOUT.lengthM).describe('bath length, m (default 4.7)'),
  widthM: positive().default(BASE_ALUMINA_LAYOUT.widthM).describe('bath width, m (default 3.5)'),
  nx: z.number().int().min(1).max(2000).default(47).describe('cells along (default 47)'),
  ny: z.number().int().min(1).max(2000).default(14).describe('cells across (default 14; 1 when dimension = 1d)'),
  dispersionM2PerS: nonNegative()
    .default(BASE_ALUMINA_LAYOUT.dispersionM2PerS)
    .describe('effective dispersion, m²/s (default 5e-3; calibrate)'),
  circulationMPerS: finite()
    .default(0)
    .describe('peak velocity of a single-loop circulation, m/s (default 0 = pure dispersion)'),
  initialAluminaPct: nonNegative().default(2.5).describe('wt % (default 2.5)'),
  bathMassKg: positive().default(1800).describe('kg (default 1800, PHYSICS.md)'),
  bathDensityKgM3: positive().default(2100).describe('kg/m³ (default 2100)'),
  lineCurrentKA: nonNegative().default(126).describe('kA (default 126)'),
  currentEfficiency: z.number().gt(0).max(1).default(0.945).describe('- (default 0.945)'),
  feeders: z
    .array(z.strictObject({ xM: nonNegative(), yM: nonNegative() }))
    .min(1)
    .default(BASE_ALUMINA_LAYOUT.feeders.map((f) => ({ ...f })))
    .describe('feeder positions (default: four on the centre line)'),
  shotMassKg: positive().default(5.8).describe('kg per shot (default 5.8)'),
  feedIntervalS: nonNegative()
    .default(BASE_SET_POINTS.feedIntervalS)
    .describe('s between shots, feeders in rotation (default ≈ 276.6, matched to consumption; 0 = feed stop)'),
  fastFraction: z.number().min(0).max(1).default(0.6).describe('- (default 0.6)'),
  slowRatePerS: positive().default(0.002).describe('1/s (default 0.002)'),
  durationS: positive().default(3600).describe('s (default 3600)'),
  timeStepS: positive().default(10).describe('s (default 10)'),
  aluminaAtAnodeEffectPct: positive().default(1.8).describe('wt % (default 1.8)'),
  sampleEveryS: positive().default(60).describe('time-series sampling, s (default 60)'),
});

export const ButlerVolmerParameters = z
  .strictObject({
    exchangeCurrentDensityAcm2: positive().describe('i₀, A/cm²'),
    alphaAnodic: positive().default(0.5).describe('α_a (default 0.5)'),
    alphaCathodic: positive().default(0.5).describe('α_c (default 0.5)'),
    temperatureK: positive().default(1236.15).describe('K (default 1236.15 = 963 °C)'),
    anodicLimitAcm2: positive().optional().describe('anodic limiting current density, A/cm² (default none)'),
    cathodicLimitAcm2: positive()
      .optional()
      .describe('cathodic limiting current density (magnitude), A/cm² (default none)'),
    currentDensityAcm2: finite().optional().describe('solve η for this i'),
    overpotentialV: finite().optional().describe('evaluate i at this η'),
    curve: z
      .strictObject({ fromV: finite(), toV: finite(), points: z.number().int().min(2).max(10000).default(51) })
      .optional()
      .describe('polarisation curve i(η) over [fromV, toV]'),
  })
  .refine((p) => p.currentDensityAcm2 !== undefined || p.overpotentialV !== undefined || p.curve !== undefined, {
    message: 'give currentDensityAcm2, overpotentialV or curve',
    path: ['currentDensityAcm2'],
  });

/** CellVoltageModel parameters are exactly the cellVoltageBreakdown input. */
export const CellVoltageParameters = z.strictObject({
  lineCurrentKA: positive().describe('kA'),
  acdCm: positive().describe('cm'),
  bathTempC: finite().describe('°C'),
  bath: z.strictObject({
    aluminaPct: nonNegative(),
    alf3Pct: nonNegative(),
    caf2Pct: nonNegative(),
    mgf2Pct: nonNegative(),
    lifPct: nonNegative(),
    kfPct: nonNegative().optional(),
  }),
  geometry: z.strictObject({
    anodeAreaCm2: positive(),
    anodeCount: z.number().int().positive(),
    fanningFactor: positive(),
    cathodeAreaCm2: positive(),
  }),
  resistancesMicroOhm: z.strictObject({ anode: nonNegative(), cathode: nonNegative(), external: nonNegative() }),
  aluminaAtAnodeEffectPct: positive(),
  conductivityCorrelation: z.enum(['haupin', 'hives']).optional().describe("default 'haupin'"),
});

export const SidewallLedgeParameters = z
  .strictObject({
    bathTempC: finite().describe('°C'),
    liquidusC: finite().optional().describe('°C (or give bath)'),
    bath: CellVoltageParameters.shape.bath.optional().describe('bath chemistry for the liquidus (Solheim)'),
    bathToLedgeWPerM2K: positive().default(600).describe('W/(m²·K) (default 600)'),
    ledgeConductivityWPerMK: positive().default(1.5).describe('W/(m·K) (default 1.5)'),
    wallLayers: z
      .array(z.strictObject({ thicknessM: positive(), conductivityWPerMK: positive(), name: z.string().optional() }))
      .describe('inside → out'),
    shellToAirWPerM2K: positive().default(22).describe('W/(m²·K) (default 22)'),
    ambientC: finite().default(35).describe('°C (default 35)'),
  })
  .refine((p) => p.liquidusC !== undefined || p.bath !== undefined, {
    message: 'give liquidusC or bath',
    path: ['liquidusC'],
  });

const SetPointsConfig = z.strictObject({
  lineCurrentKA: positive().default(BASE_SET_POINTS.lineCurrentKA).describe('kA (default 126)'),
  acdCm: positive().default(BASE_SET_POINTS.acdCm).describe('cm (default 2.9)'),
  feedIntervalS: positive().default(BASE_SET_POINTS.feedIntervalS).describe('s (default ≈ 276.6, matched)'),
  alf3AdditionKgPerDay: nonNegative().default(BASE_SET_POINTS.alf3AdditionKgPerDay).describe('kg/day (default 25)'),
});

export const CellModelParameters = z.strictObject({
  mode: z
    .enum(['whatIf', 'steady'])
    .default('whatIf')
    .describe("'whatIf' (2D trajectory + steady values, default) or 'steady' (predictor only)"),
  setPoints: SetPointsConfig.default(() => ({ ...BASE_SET_POINTS })),
  state: z
    .strictObject({
      setPoints: SetPointsConfig.default(() => ({ ...BASE_SET_POINTS })),
      bath: CellVoltageParameters.shape.bath.default(() => ({ ...BASE_STATE.bath })),
      bathMassKg: positive().default(BASE_STATE.bathMassKg),
    })
    .optional()
    .describe('the cell before the change (default: the documented base cell, steady)'),
  durationH: z.number().gt(0).max(720).default(24).describe('h (default 24)'),
  sampleEveryH: positive().default(0.25).describe('h (default 0.25)'),
  thermalStepS: positive().default(300).describe('s (default 300)'),
});

const model = <N extends string, P extends z.ZodType>(name: N, parameters: P) =>
  z.object({ modelName: z.literal(name), parameters, description: z.string().max(2000).optional() });

export const FourierHeatModel = model('FourierHeatModel', FourierHeatParameters);
export const FickMassModel = model('FickMassModel', FickMassParameters);
export const ButlerVolmerModel = model('ButlerVolmerModel', ButlerVolmerParameters);
export const CellVoltageModel = model('CellVoltageModel', CellVoltageParameters);
export const SidewallLedgeModel = model('SidewallLedgeModel', SidewallLedgeParameters);
export const CellModel = model('CellModel', CellModelParameters);

/** The union the API and orchestration layers validate against. */
export const ModelConfig = z.discriminatedUnion('modelName', [
  FourierHeatModel,
  FickMassModel,
  ButlerVolmerModel,
  CellVoltageModel,
  SidewallLedgeModel,
  CellModel,
]);
export type ModelConfig = z.infer<typeof ModelConfig>;
export type ModelConfigInput = z.input<typeof ModelConfig>;
export type ModelName = ModelConfig['modelName'];

export const MODEL_SCHEMAS = {
  FourierHeatModel,
  FickMassModel,
  ButlerVolmerModel,
  CellVoltageModel,
  SidewallLedgeModel,
  CellModel,
} as const;

export const MODEL_SUMMARIES: Record<ModelName, string> = {
  FourierHeatModel:
    'Transient or steady finite-volume conduction (1D slab or 2D section), convective/fixed/flux boundaries, optional enthalpy phase change.',
  FickMassModel:
    'Alumina dispersion (+ circulation) in the bath with point feeders (fast + first-order dissolution) and Faraday consumption.',
  ButlerVolmerModel: 'General Butler–Volmer kinetics with concentration limits: η for i, i for η, polarisation curve.',
  CellVoltageModel: 'Haupin cell-voltage breakdown (cellVoltageBreakdown), every term in volts, anode-effect flag.',
  SidewallLedgeModel: 'Steady 1D side-wall heat balance: ledge thickness, heat flux, temperature profile.',
  CellModel: 'Coupled cell (2D heat + alumina + voltage + bath chemistry): what-if trajectory and steady values.',
};
