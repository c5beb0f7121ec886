/**
 * Steady 1D side-wall heat balance with a frozen-bath side ledge (PHYSICS.md §Heat):
 *   q = h_bath·(t_bath − T_liq) = (T_liq − t_amb) / (δ/k_ledge + Σ L_j/k_j + 1/h_shell)
 * solved for the ledge thickness δ. Positions run from the inner face (bath side of the ledge, 0) outwards to the
 * outer shell surface. When the wall alone is too resistive for the flux the superheat drives (δ would be < 0), there
 * is no ledge: the flux follows from the series resistance and the inner face sits above the liquidus
 * (`ledgePresent: false`, a condition the plant must avoid). A bath at or below its liquidus has no steady ledge
 * (it would freeze through): ERR-PHYS-RANGE on `superheatK`.
 */
import { checkPositive, checkRange, PhysicsError } from '../errors.js';
import { liquidusC as liquidusOf, type BathComposition } from '../properties/bath.js';

export interface WallLayer {
  /** Layer thickness, m. */
  thicknessM: number;
  /** Layer thermal conductivity, W/(m·K). */
  conductivityWPerMK: number;
  /** Optional label for reports (e.g. 'SiC', 'steel shell'). */
  name?: string;
}

export interface SidewallLedgeInput {
  /** Bath temperature, °C. */
  bathTempC: number;
  /** Liquidus, °C; if omitted, computed from `bath` (Solheim et al.). */
  liquidusC?: number;
  bath?: BathComposition;
  /** Bath → ledge heat-transfer coefficient, W/(m²·K) (PHYSICS.md: 600). */
  bathToLedgeWPerM2K: number;
  /** Ledge (frozen bath) thermal conductivity, W/(m·K) (PHYSICS.md: ≈ 1.5). */
  ledgeConductivityWPerMK: number;
  /** Wall layers from the inside (next to the ledge) outwards. */
  wallLayers: WallLayer[];
  /** Shell → air heat-transfer coefficient, W/(m²·K) (PHYSICS.md: ≈ 22). */
  shellToAirWPerM2K: number;
  /** Ambient air temperature, °C. */
  ambientC: number;
}

export interface SidewallLedgeResult {
  ledgeThicknessM: number;
  ledgePresent: boolean;
  /** Heat flux through the side wall, W/m². */
  heatFluxWPerM2: number;
  liquidusC: number;
  superheatK: number;
  /** Temperature of the bath-side face of the ledge (= liquidus while a ledge is present), °C. */
  innerFaceC: number;
  /** Outer shell surface temperature, °C. */
  shellSurfaceC: number;
  /** Area-specific resistance from the ledge hot face to ambient, m²·K/W. */
  resistanceM2KPerW: number;
  /** Positions of the layer interfaces, m (0 = inner face of the ledge, or of the first wall layer without ledge). */
  positionsM: number[];
  /** Temperatures at those positions, °C (piecewise linear between them). */
  temperatureC: number[];
  /** Layer names in order for the segments between positions. */
  layers: string[];
}

export function sidewallLedge(input: SidewallLedgeInput): SidewallLedgeResult {
  checkRange('bathTempC', input.bathTempC, { min: 600, max: 1300, unit: '°C' });
  const tLiq = input.liquidusC ?? (input.bath ? liquidusOf(input.bath) : Number.NaN);
  if (!Number.isFinite(tLiq)) {
    throw new PhysicsError('ERR-PHYS-RANGE', 'liquidusC', 'give liquidusC or the bath chemistry (bath) to compute it');
  }
  const h = checkPositive('bathToLedgeWPerM2K', input.bathToLedgeWPerM2K);
  const kLedge = checkPositive('ledgeConductivityWPerMK', input.ledgeConductivityWPerMK);
  const hShell = checkPositive('shellToAirWPerM2K', input.shellToAirWPerM2K);
  checkRange('ambientC', input.ambientC, { min: -60, max: 200, unit: '°C' });
  if (!Array.isArray(input.wallLayers))
    throw new PhysicsError('ERR-PHYS-RANGE', 'wallLayers', 'wallLayers must be an array');
  let rWall = 0;
  input.wallLayers.forEach((l, j) => {
    checkPositive(`wallLayers.${j}.thicknessM`, l.thicknessM);
    checkPositive(`wallLayers.${j}.conductivityWPerMK`, l.conductivityWPerMK);
    rWall += l.thicknessM / l.conductivityWPerMK;
  });
  const superheat = input.bathTempC - tLiq;
  if (!(tLiq > input.ambientC))
    throw new PhysicsError(
      'ERR-PHYS-RANGE',
      'ambientC',
      `ambient ${input.ambientC} °C must be below the liquidus ${tLiq} °C`,
      input.ambientC,
    );
  if (superheat <= 0) {
    throw new PhysicsError(
      'ERR-PHYS-RANGE',
      'superheatK',
      `superheat ${superheat.toFixed(3)} K ≤ 0: the bath is at or below its liquidus and has no steady ledge (it freezes through)`,
      superheat,
    );
  }
  const rOut = rWall + 1 / hShell;
  let q = h * superheat;
  let delta = kLedge * ((tLiq - input.ambientC) / q - rOut);
  let ledgePresent = delta > 0;
  let innerFace = tLiq;
  if (!ledgePresent) {
    delta = 0;
    q = (input.bathTempC - input.ambientC) / (1 / h + rOut);
    innerFace = input.bathTempC - q / h;
    ledgePresent = false;
  }
  const positionsM: number[] = [0];
  const temperatureC: number[] = [innerFace];
  const layers: string[] = [];
  let x = 0;
  let t = innerFace;
  if (ledgePresent) {
    x += delta;
    t -= (q * delta) / kLedge;
    positionsM.push(x);
    temperatureC.push(t);
    layers.push('ledge');
  }
  input.wallLayers.forEach((l, j) => {
    x += l.thicknessM;
    t -= (q * l.thicknessM) / l.conductivityWPerMK;
    positionsM.push(x);
    temperatureC.push(t);
    layers.push(l.name ?? `layer ${j}`);
  });
  return {
    ledgeThicknessM: delta,
    ledgePresent,
    heatFluxWPerM2: q,
    liquidusC: tLiq,
    superheatK: superheat,
    innerFaceC: innerFace,
    shellSurfaceC: t,
    resistanceM2KPerW: delta / kLedge + rOut,
    positionsM,
    temperatureC,
    layers,
  };
}

/**
 * Default side wall: h and ledge k from PHYSICS.md; the lining (SiC block, ramming paste, insulating board, steel
 * shell) is a typical prebake design chosen so the base cell (superheat 3.9 K) stands on a ≈ 0.145 m ledge.
 */
export const DEFAULT_SIDEWALL: Omit<SidewallLedgeInput, 'bathTempC' | 'liquidusC' | 'bath'> = Object.freeze({
  bathToLedgeWPerM2K: 600,
  ledgeConductivityWPerMK: 1.5,
  wallLayers: [
    // Typical prebake side lining (engineering values, not from PHYSICS.md; calibrate against shell temperatures):
    { name: 'SiC side block', thicknessM: 0.1, conductivityWPerMK: 18 },
    { name: 'ramming paste', thicknessM: 0.04, conductivityWPerMK: 5 },
    { name: 'insulating board', thicknessM: 0.05, conductivityWPerMK: 0.21 },
    { name: 'steel shell', thicknessM: 0.02, conductivityWPerMK: 45 },
  ],
  shellToAirWPerM2K: 22,
  ambientC: 35,
}) as Omit<SidewallLedgeInput, 'bathTempC' | 'liquidusC' | 'bath'>;
