/**
 * Steady whole-cell energy balance (lumped): the bath temperature at which the heat the cell generates equals the
 * heat it loses.
 *
 *   generated  Q_gen(T) = I·(V_cell(T) − V_external) − ṁ_Al·E_rx
 *   lost       Q_loss(T) = A_side·q_side(T) + G_other·(T − t_amb)
 *
 * V_cell(T) is cellVoltageBreakdown at bath temperature T (the external busbar drop heats the busbars, not the cell).
 * E_rx is the energy that the reaction and the heating of the reactants absorb per kg of aluminium: the theoretical
 * minimum 6.34 kWh/kg Al (Al2O3 and C at 25 °C to Al at 960 °C and CO2; Grjotheim & Welch, "Aluminium Smelter
 * Technology", 2nd ed. 1988) — an engineering constant not in PHYSICS.md. q_side is the side-wall balance of
 * sidewall.ts: h_bath·superheat while a ledge stands. G_other lumps the top (anodes, cover) and bottom losses; its
 * default is set so the documented base cell is in steady state at its documented 963 °C.
 */
import { aluminiumRateKgPerS, specificEnergyKWhPerKg } from '../constants.js';
import { checkPositive, checkRange, PhysicsError } from '../errors.js';
import { BASE_CELL, BASE_PROCESS } from '../electrochemistry/base-cell.js';
import {
  cellVoltageBreakdown,
  type CellVoltageBreakdown,
  type CellVoltageInput,
} from '../electrochemistry/cell-voltage.js';
import { liquidusC } from '../properties/bath.js';
import { brentRoot } from '../solvers/scalar.js';
import { DEFAULT_SIDEWALL, sidewallLedge, type SidewallLedgeResult, type WallLayer } from './sidewall.js';

/** Energy absorbed by the reaction per kg Al, kWh/kg (Grjotheim & Welch 1988, theoretical minimum). */
export const REACTION_ENERGY_KWH_PER_KG_AL = 6.34;

export interface LumpedHeatLoss {
  /** Side-wall area wetted by bath and metal (ledge-covered), m². */
  sideAreaM2: number;
  bathToLedgeWPerM2K: number;
  ledgeConductivityWPerMK: number;
  wallLayers: WallLayer[];
  shellToAirWPerM2K: number;
  /** Conductance of every other path (top, bottom, ends) from the bath to ambient, W/K. */
  otherConductanceWPerK: number;
  ambientC: number;
}

export interface SteadyEnergyBalanceInput {
  /** The cell; its bathTempC is only the starting guess. */
  cell: CellVoltageInput;
  /** Current efficiency, - (0 < CE ≤ 1). */
  currentEfficiency: number;
  heatLoss?: LumpedHeatLoss;
  /** Reaction energy, kWh/kg Al (default 6.34). */
  reactionEnergyKWhPerKg?: number;
}

export interface SteadyEnergyBalanceResult {
  status: 'steady' | 'freezing' | 'overheating';
  bathTempC: number;
  liquidusC: number;
  superheatK: number;
  voltage: CellVoltageBreakdown;
  heatGeneratedW: number;
  heatLossSideW: number;
  heatLossOtherW: number;
  /** Q_gen − Q_loss at the solution, W (≈ 0 when steady). */
  residualW: number;
  sidewall: SidewallLedgeResult | null;
  ledgeThicknessM: number;
  productionKgPerDay: number;
  secKWhPerKg: number;
}

/** Base side area: the two long sides (4.025 m, see the 2D cell design) × metal + bath depth 0.4 m, m². */
const BASE_SIDE_AREA_M2 = 2 * 4.025 * 0.4;

function generatedW(v: CellVoltageBreakdown, currentA: number, ce: number, eRxKWhPerKg: number): number {
  return currentA * (v.cellVoltageV - v.externalOhmicV) - aluminiumRateKgPerS(currentA, ce) * eRxKWhPerKg * 3.6e6;
}

function sideFlux(bathTempC: number, tLiq: number, hl: LumpedHeatLoss): SidewallLedgeResult {
  return sidewallLedge({
    bathTempC,
    liquidusC: tLiq,
    bathToLedgeWPerM2K: hl.bathToLedgeWPerM2K,
    ledgeConductivityWPerMK: hl.ledgeConductivityWPerMK,
    wallLayers: hl.wallLayers,
    shellToAirWPerM2K: hl.shellToAirWPerM2K,
    ambientC: hl.ambientC,
  });
}

/** Default lumped heat loss, with G_other set so BASE_CELL is steady at 963 °C. */
export const DEFAULT_LUMPED_HEAT_LOSS: LumpedHeatLoss = (() => {
  const partial = { ...DEFAULT_SIDEWALL, sideAreaM2: BASE_SIDE_AREA_M2, otherConductanceWPerK: 0 } as LumpedHeatLoss;
  const v = cellVoltageBreakdown(BASE_CELL);
  const q = generatedW(
    v,
    BASE_CELL.lineCurrentKA * 1000,
    BASE_PROCESS.currentEfficiency,
    REACTION_ENERGY_KWH_PER_KG_AL,
  );
  const side = sideFlux(BASE_CELL.bathTempC, liquidusC(BASE_CELL.bath), partial).heatFluxWPerM2 * partial.sideAreaM2;
  return Object.freeze({ ...partial, otherConductanceWPerK: (q - side) / (BASE_CELL.bathTempC - partial.ambientC) });
})();

/** Solves the lumped steady energy balance for the bath temperature. */
export function steadyEnergyBalance(input: SteadyEnergyBalanceInput): SteadyEnergyBalanceResult {
  const hl = input.heatLoss ?? DEFAULT_LUMPED_HEAT_LOSS;
  const ce = checkRange('currentEfficiency', input.currentEfficiency, { min: 0.5, max: 1, unit: '-' });
  const eRx = checkPositive('reactionEnergyKWhPerKg', input.reactionEnergyKWhPerKg ?? REACTION_ENERGY_KWH_PER_KG_AL);
  checkPositive('heatLoss.sideAreaM2', hl.sideAreaM2, true);
  checkPositive('heatLoss.otherConductanceWPerK', hl.otherConductanceWPerK, true);
  const currentA = input.cell.lineCurrentKA * 1000;
  const tLiq = liquidusC(input.cell.bath);
  const at = (t: number) => cellVoltageBreakdown({ ...input.cell, bathTempC: t });
  const balance = (t: number): { gen: number; side: number; other: number; wall: SidewallLedgeResult } => {
    const v = at(t);
    const wall = sideFlux(t, tLiq, hl);
    return {
      gen: generatedW(v, currentA, ce, eRx),
      side: wall.heatFluxWPerM2 * hl.sideAreaM2,
      other: hl.otherConductanceWPerK * (t - hl.ambientC),
      wall,
    };
  };
  const tMax = 1100;
  const tMin = Math.max(900, tLiq + 1e-3);
  if (tMin >= tMax)
    throw new PhysicsError(
      'ERR-PHYS-RANGE',
      'liquidusC',
      `liquidus ${tLiq} °C leaves no bath-temperature window below 1100 °C`,
      tLiq,
    );
  const f = (t: number) => {
    const b = balance(t);
    return b.gen - b.side - b.other;
  };
  const fLo = f(tMin);
  const fHi = f(tMax);
  let status: SteadyEnergyBalanceResult['status'] = 'steady';
  let t: number;
  if (fLo < 0) {
    status = 'freezing';
    t = tMin;
  } else if (fHi > 0) {
    status = 'overheating';
    t = tMax;
  } else {
    t = brentRoot(f, tMin, tMax, 1e-9, 200, 'bathTempC').x;
  }
  const b = balance(t);
  const v = at(t);
  const production = aluminiumRateKgPerS(currentA, ce) * 86400;
  return {
    status,
    bathTempC: t,
    liquidusC: tLiq,
    superheatK: t - tLiq,
    voltage: v,
    heatGeneratedW: b.gen,
    heatLossSideW: b.side,
    heatLossOtherW: b.other,
    residualW: b.gen - b.side - b.other,
    sidewall: b.wall,
    ledgeThicknessM: b.wall.ledgeThicknessM,
    productionKgPerDay: production,
    secKWhPerKg: specificEnergyKWhPerKg(v.cellVoltageV, ce),
  };
}
