/**
 * The cell design (what does not change with set points) and the set points the optimiser controls.
 * Defaults describe PHYSICS.md's documented base cell; values PHYSICS.md does not give are typical engineering
 * values, marked as such, to be calibrated (see calibration/).
 */
import { aluminaConsumptionKgPerS } from '../constants.js';
import { BASE_CELL, BASE_PROCESS } from '../electrochemistry/base-cell.js';
import type { CellGeometry, CellResistancesMicroOhm } from '../electrochemistry/cell-voltage.js';
import type { BathComposition, ConductivityCorrelation } from '../properties/bath.js';
import { BASE_ALUMINA_LAYOUT, type FeederSpec } from '../mass/alumina.js';
import type { WallLayer } from './sidewall.js';

/** The four set points of a what-if run. */
export interface SetPoints {
  /** Line current, kA. */
  lineCurrentKA: number;
  /** Anode–cathode distance, cm. */
  acdCm: number;
  /** Interval between feeder shots (one shot of shotMassKg per interval, feeders in rotation), s. */
  feedIntervalS: number;
  /** Aluminium fluoride addition, kg/day. */
  alf3AdditionKgPerDay: number;
}

export interface CrossSectionDesign {
  /** Half-width of the centre channel between the two anode rows, m. */
  centreChannelHalfM: number;
  /** Anode length across the cell, m. */
  anodeWidthM: number;
  /** Side channel (anode to side lining; where the ledge forms), m. */
  sideChannelM: number;
  /** Side lining from the inside out. */
  sideLining: WallLayer[];
  /** Bottom layers from the cathode block down (cathode carbon, refractory, insulation, steel). */
  cathodeBlockM: number;
  refractoryM: number;
  bottomInsulationM: number;
  bottomShellM: number;
  metalPadM: number;
  /** Bath depth above the metal pad, m. */
  bathDepthM: number;
  /** Anode (with stub) height, m. */
  anodeHeightM: number;
  /** Cells of the 2D grid (≥ 100 × 50 for the reference runs). */
  nx: number;
  ny: number;
}

export interface ThermalDesign {
  ambientC: number;
  /** Shell → air, W/(m²·K) (PHYSICS.md ≈ 22), on the side and bottom shell. */
  shellToAirWPerM2K: number;
  /** Effective anode-assembly top → air coefficient, W/(m²·K) (includes rods/yokes). 32 puts the 2D base cell at 968.0 °C (documented: 963 °C) on a ≈ 0.14 m ledge, inside the ledge-regulated regime. */
  anodeTopWPerM2K: number;
  /** Cover (crust) top → air, W/(m²·K) (typical). */
  coverTopWPerM2K: number;
  bathToLedgeWPerM2K: number;
  metalToLedgeWPerM2K: number;
  /** Effective (convective) conductivity of the liquid bath and metal, W/(m·K): they are well mixed. */
  liquidBathConductivityWPerMK: number;
  /**
   * Effective conductivity of the liquid bath in the side channel (where it can freeze), W/(m·K). Lower than the
   * bulk's: the channel is less stirred, and the split time stepping needs a moderate contrast at the freezing front.
   */
  sideBathConductivityWPerMK: number;
  metalConductivityWPerMK: number;
  ledgeConductivityWPerMK: number;
  /** Mushy interval of the bath for the enthalpy method, K. */
  mushyRangeK: number;
  /** Effective conductivity of anode carbon + stubs + rods, W/(m·K) (typical, calibrate). */
  anodeConductivityWPerMK: number;
  coverConductivityWPerMK: number;
  cathodeConductivityWPerMK: number;
  refractoryConductivityWPerMK: number;
  insulationConductivityWPerMK: number;
}

export interface CellDesign {
  geometry: CellGeometry;
  resistancesMicroOhm: CellResistancesMicroOhm;
  aluminaAtAnodeEffectPct: number;
  conductivityCorrelation: ConductivityCorrelation;
  /** Current efficiency (an assumption of the model, reported with the results), -. */
  currentEfficiency: number;
  shotMassKg: number;
  /** Cell length the 2D section stands for (anode footprint = 2·anodeWidth·length = A_anode), m. */
  cellLengthM: number;
  /** First-order AlF3 loss rate (evaporation, reaction with soda), 1/day. Base: 25 kg/d holds 12 % in 1800 kg. */
  alf3LossRatePerDay: number;
  /**
   * Anode-effect handling of the cell controller: an anode effect lasts this long (s) and is quenched by this many
   * extra shots. Typical modern point-feed values; they bound the anode-effect heat in the simulation.
   */
  anodeEffectDurationS: number;
  anodeEffectQuenchShots: number;
  /** Reaction energy, kWh/kg Al. */
  reactionEnergyKWhPerKg: number;
  crossSection: CrossSectionDesign;
  thermal: ThermalDesign;
  alumina: {
    lengthM: number;
    widthM: number;
    nx: number;
    ny: number;
    feeders: FeederSpec[];
    dispersionM2PerS: number;
    circulationMPerS: number;
    fastFraction: number;
    slowRatePerS: number;
    /** Radius over which a shot's fast fraction dissolves, m. */
    shotFootprintRadiusM: number;
  };
}

/** The operating state a what-if starts from: steady under `setPoints` with this bath. */
export interface CellState {
  setPoints: SetPoints;
  /** Liquid bath composition, wt %. */
  bath: BathComposition;
  /** Liquid bath mass, kg. */
  bathMassKg: number;
}

const anodeWidthM = 1.3;

export const BASE_DESIGN: CellDesign = Object.freeze({
  geometry: { ...BASE_CELL.geometry },
  resistancesMicroOhm: { ...BASE_CELL.resistancesMicroOhm },
  aluminaAtAnodeEffectPct: BASE_CELL.aluminaAtAnodeEffectPct,
  conductivityCorrelation: 'haupin',
  currentEfficiency: BASE_PROCESS.currentEfficiency,
  shotMassKg: BASE_PROCESS.shotMassKg,
  cellLengthM: BASE_CELL.geometry.anodeAreaCm2 / 1e4 / (2 * anodeWidthM),
  alf3LossRatePerDay: 25 / (0.12 * BASE_PROCESS.bathMassKg),
  anodeEffectDurationS: 180,
  anodeEffectQuenchShots: 3,
  reactionEnergyKWhPerKg: 6.34,
  crossSection: {
    centreChannelHalfM: 0.1,
    anodeWidthM,
    sideChannelM: 0.35,
    sideLining: [
      { name: 'SiC side block', thicknessM: 0.1, conductivityWPerMK: 18 },
      { name: 'ramming paste', thicknessM: 0.04, conductivityWPerMK: 5 },
      { name: 'insulating board', thicknessM: 0.05, conductivityWPerMK: 0.21 },
      { name: 'steel shell', thicknessM: 0.02, conductivityWPerMK: 45 },
    ],
    cathodeBlockM: 0.45,
    refractoryM: 0.15,
    bottomInsulationM: 0.15,
    bottomShellM: 0.02,
    metalPadM: 0.2,
    bathDepthM: 0.2,
    anodeHeightM: 0.55,
    nx: 100,
    ny: 50,
  },
  thermal: {
    ambientC: 35,
    shellToAirWPerM2K: 22,
    anodeTopWPerM2K: 32,
    coverTopWPerM2K: 12,
    bathToLedgeWPerM2K: 600,
    metalToLedgeWPerM2K: 1100,
    liquidBathConductivityWPerMK: 5000,
    sideBathConductivityWPerMK: 200,
    metalConductivityWPerMK: 5000,
    ledgeConductivityWPerMK: 1.5,
    mushyRangeK: 10,
    anodeConductivityWPerMK: 40,
    coverConductivityWPerMK: 0.25,
    cathodeConductivityWPerMK: 15,
    refractoryConductivityWPerMK: 1.0,
    insulationConductivityWPerMK: 0.15,
  },
  alumina: {
    lengthM: BASE_ALUMINA_LAYOUT.lengthM,
    widthM: BASE_ALUMINA_LAYOUT.widthM,
    nx: 24,
    ny: 9,
    feeders: [...BASE_ALUMINA_LAYOUT.feeders],
    dispersionM2PerS: BASE_ALUMINA_LAYOUT.dispersionM2PerS,
    circulationMPerS: 0,
    fastFraction: BASE_ALUMINA_LAYOUT.fastFraction,
    slowRatePerS: BASE_ALUMINA_LAYOUT.slowRatePerS,
    shotFootprintRadiusM: 0.5,
  },
}) as CellDesign;

/** Feed interval that exactly matches Faraday consumption: shot / (M_Al2O3·I·CE/(6F)), s. */
export function matchedFeedIntervalS(lineCurrentKA: number, design: CellDesign = BASE_DESIGN): number {
  return design.shotMassKg / aluminaConsumptionKgPerS(lineCurrentKA * 1000, design.currentEfficiency);
}

/** Base set points: 126 kA, 2.9 cm, the consumption-matched feed interval (≈ 276.6 s), 25 kg AlF3/day. */
export const BASE_SET_POINTS: SetPoints = Object.freeze({
  lineCurrentKA: BASE_CELL.lineCurrentKA,
  acdCm: BASE_CELL.acdCm,
  feedIntervalS: matchedFeedIntervalS(BASE_CELL.lineCurrentKA),
  alf3AdditionKgPerDay: 25,
});

export const BASE_STATE: CellState = Object.freeze({
  setPoints: BASE_SET_POINTS,
  bath: { ...BASE_CELL.bath },
  bathMassKg: BASE_PROCESS.bathMassKg,
});
