/**
 * Bath inventory: the masses behind the bath composition, so that freezing and melting the side ledge (pure
 * cryolite, Na3AlF6 — the excess AlF3, alumina and additives stay in the liquid) concentrates or dilutes the bath.
 * This is the cell's self-regulation: a thicker ledge raises excess AlF3 and lowers the liquidus.
 */
import { PhysicsError } from '../errors.js';
import type { BathComposition } from '../properties/bath.js';

export interface BathInventory {
  /** Cryolite in the cell (liquid bath + ledge), kg. */
  cryoliteKg: number;
  /** Cryolite frozen in the ledge (relative to any reference the caller keeps consistent), kg. */
  ledgeKg: number;
  alf3Kg: number;
  aluminaKg: number;
  caf2Kg: number;
  mgf2Kg: number;
  lifKg: number;
  kfKg: number;
}

export function inventoryFrom(bath: BathComposition, liquidMassKg: number, ledgeKg: number): BathInventory {
  const m = (pct: number) => (pct / 100) * liquidMassKg;
  const additives = bath.aluminaPct + bath.alf3Pct + bath.caf2Pct + bath.mgf2Pct + bath.lifPct + (bath.kfPct ?? 0);
  return {
    cryoliteKg: m(100 - additives) + ledgeKg,
    ledgeKg,
    alf3Kg: m(bath.alf3Pct),
    aluminaKg: m(bath.aluminaPct),
    caf2Kg: m(bath.caf2Pct),
    mgf2Kg: m(bath.mgf2Pct),
    lifKg: m(bath.lifPct),
    kfKg: m(bath.kfPct ?? 0),
  };
}

/** Liquid cryolite may not fall below this fraction of the cryolite inventory (the bath would be frozen through). */
export const MIN_LIQUID_CRYOLITE_FRACTION = 0.2;

/**
 * Largest ledge (kg of cryolite) the bath can give before its composition leaves the correlations' window (excess
 * AlF3 > 25 %, CaF2 > 12 %, …) or its cryolite falls below MIN_LIQUID_CRYOLITE_FRACTION: the freezing limit.
 */
export function maxLedgeKg(inv: BathInventory): number {
  const additives = inv.alf3Kg + inv.aluminaKg + inv.caf2Kg + inv.mgf2Kg + inv.lifKg + inv.kfKg;
  const minLiquid = Math.max(
    inv.alf3Kg / 0.249,
    inv.caf2Kg / 0.119,
    inv.mgf2Kg / 0.059,
    inv.lifKg / 0.059,
    inv.kfKg / 0.059,
    inv.aluminaKg / 0.149,
  );
  const byComposition = inv.cryoliteKg + additives - minLiquid;
  return Math.max(Math.min(byComposition, (1 - MIN_LIQUID_CRYOLITE_FRACTION) * inv.cryoliteKg - 1), 0);
}

export function liquidBathMassKg(inv: BathInventory): number {
  return inv.cryoliteKg - inv.ledgeKg + inv.alf3Kg + inv.aluminaKg + inv.caf2Kg + inv.mgf2Kg + inv.lifKg + inv.kfKg;
}

/** Liquid composition, wt %. Throws ERR-PHYS-RANGE on `ledgeKg` when the ledge has taken (almost) all the cryolite. */
export function compositionOf(inv: BathInventory): BathComposition {
  if (inv.cryoliteKg - inv.ledgeKg < MIN_LIQUID_CRYOLITE_FRACTION * inv.cryoliteKg) {
    throw new PhysicsError(
      'ERR-PHYS-RANGE',
      'ledgeKg',
      `the ledge (${inv.ledgeKg.toFixed(0)} kg) holds nearly all the cryolite (${inv.cryoliteKg.toFixed(0)} kg): the cell is freezing`,
      inv.ledgeKg,
    );
  }
  const s = 100 / liquidBathMassKg(inv);
  return {
    aluminaPct: Math.max(inv.aluminaKg, 0) * s,
    alf3Pct: Math.max(inv.alf3Kg, 0) * s,
    caf2Pct: Math.max(inv.caf2Kg, 0) * s,
    mgf2Pct: Math.max(inv.mgf2Kg, 0) * s,
    lifPct: Math.max(inv.lifKg, 0) * s,
    kfPct: Math.max(inv.kfKg, 0) * s,
  };
}

/** Excess AlF3 after `hours` of first-order loss λ (1/day) with constant addition a (kg/day): exact solution, kg. */
export function evolveAlf3Kg(alf3Kg: number, additionKgPerDay: number, lossRatePerDay: number, hours: number): number {
  const days = hours / 24;
  if (lossRatePerDay <= 0) return alf3Kg + additionKgPerDay * days;
  const ss = additionKgPerDay / lossRatePerDay;
  return ss + (alf3Kg - ss) * Math.exp(-lossRatePerDay * days);
}
