/**
 * Greenhouse-gas factors and the PFC slope method of PHYSICS.md, shared by the optimiser (cost objective) and the gold
 * KPIs (which take the factors from app settings so an auditor sees which were used).
 */

/** Slope-method factors: CF4 slope (kg CF4/t Al per AE-min/cell-day), C2F6/CF4 weight fraction, GWP100 of each. */
export interface PfcFactors {
  pfcSefCf4: number;
  pfcFC2f6: number;
  gwpCf4: number;
  gwpC2f6: number;
}

/** Point-feed prebake (PFPB) slope factors (EU 2023/1773) and GWP100 values (IPCC AR5), as in PHYSICS.md. */
export const PFPB_PFC_FACTORS: Readonly<PfcFactors> = Object.freeze({
  pfcSefCf4: 0.104,
  pfcFC2f6: 0.057,
  gwpCf4: 6630,
  gwpC2f6: 11100,
});

/** Anode-carbon CO2, t CO2/t Al (IPCC Tier 1 prebake; PHYSICS.md). */
export const ANODE_CO2_T_PER_T_AL = 1.6;

/** PFC emissions: masses in kg and CO2e in t. */
export interface PfcEmissions {
  cf4Kg: number;
  c2f6Kg: number;
  co2eT: number;
}

/** CF4 [kg] = SEF · AEM · production [t]; C2F6 = CF4 · F; CO2e = (CF4 · GWP_CF4 + C2F6 · GWP_C2F6) / 1000. */
export function pfcSlopeMethod(aemMinPerCellDay: number, productionT: number, p: PfcFactors): PfcEmissions {
  const cf4Kg = p.pfcSefCf4 * aemMinPerCellDay * productionT;
  const c2f6Kg = cf4Kg * p.pfcFC2f6;
  return { cf4Kg, c2f6Kg, co2eT: (cf4Kg * p.gwpCf4 + c2f6Kg * p.gwpC2f6) / 1000 };
}
