/**
 * The coupled cell model: alumina → voltage → Joule heat → temperature → bath conductivity and liquidus, stepped in
 * time.
 *
 * - Heat: the 2D cross-section (crossSection.ts) solved by the FV conduction model with the enthalpy ledge.
 * - Heat sources (whole cell, scaled to the half section per metre: ÷ 2·cellLength):
 *   electrolyte Q_e = I·(E_rev + η_sa + η_ca + η_cc + V_bath + V_bubble) − ṁ_Al·E_rx in the ACD bath (its ohmic part
 *   is PHYSICS.md's q''' = j²/κ; the overvoltages and the reaction's heat demand are added to the same layer),
 *   Q_anode = I²·R_anode in the anodes, Q_cathode = I²·R_cathode in the cathode blocks; the external drop heats the
 *   busbars, not the cell.
 * - Mass: the plan-view alumina model (mass/alumina.ts) with feeder shots every feedIntervalS, in rotation.
 * - Chemistry: the bath inventory (chemistry.ts); the ledge mass is the frozen bath of the 2D section (× 2·length),
 *   AlF3 follows addition − first-order loss, alumina follows feed − Faraday consumption.
 * - Voltage: cellVoltageBreakdown at the mean liquid-bath temperature, the anode-weighted alumina and the liquid
 *   composition. Temperatures outside the correlations' window are clamped for the voltage and flagged.
 *
 * The mesh is built for the ACD of the starting state; a new ACD set point changes the voltage and the heat, not the
 * mesh (a ±1 cm move of the anodes does not change the conduction paths measurably).
 */
import { aluminiumRateKgPerS, specificEnergyKWhPerKg } from '../constants.js';
import { PhysicsError } from '../errors.js';
import { cellVoltageBreakdown, type CellVoltageBreakdown } from '../electrochemistry/cell-voltage.js';
import { ConductionModel } from '../heat/conduction.js';
import { AluminaModel } from '../mass/alumina.js';
import { aluminaSaturationPct, BATH_RANGES, liquidusC, type BathComposition } from '../properties/bath.js';
import { BATH_DENSITY_KG_M3 } from '../properties/density.js';
import {
  compositionOf,
  evolveAlf3Kg,
  inventoryFrom,
  liquidBathMassKg,
  maxLedgeKg,
  type BathInventory,
} from './chemistry.js';
import { buildCrossSection, Mat, Region, type CrossSection } from './cross-section.js';
import { BASE_DESIGN, type CellDesign, type CellState, type SetPoints } from './design.js';

export interface CellSnapshot {
  timeH: number;
  cellVoltageV: number;
  bathTempC: number;
  liquidusC: number;
  /** Superheat t_bath − T_liq, K (named °C as the plant reports it). */
  superheatC: number;
  ledgeThicknessM: number;
  aluminaMeanPct: number;
  aluminaMinPct: number;
  aluminaMaxPct: number;
  alf3Pct: number;
  bathMassKg: number;
  ledgeMassKg: number;
  anodeEffect: boolean;
  /** Voltage evaluated with the bath temperature clamped into the correlations' window. */
  temperatureClamped: boolean;
  /** The ledge has taken nearly all the cryolite (the cell is freezing); chemistry is held at that limit. */
  freezing: boolean;
  heatGeneratedW: number;
  heatLossW: number;
}

export interface CoupledCellOptions {
  design?: CellDesign;
  /** Thermal (and coupling) step, s. Default 120. */
  thermalStepS?: number;
  /** Alumina sub-step, s. Default 30. */
  aluminaStepS?: number;
  /** Skip the steady initialisation (the field starts at bathTempC everywhere inside; for tests). */
  initialField?: { temperatureC: Float64Array; liquidFraction: Float64Array };
}

export interface HeatSources {
  electrolyteW: number;
  anodeW: number;
  cathodeW: number;
}

/** Heat the cell generates, split by where it is released, W (whole cell). */
export function heatSourcesW(v: CellVoltageBreakdown, lineCurrentKA: number, design: CellDesign): HeatSources {
  const I = lineCurrentKA * 1000;
  const rx = aluminiumRateKgPerS(I, design.currentEfficiency) * design.reactionEnergyKWhPerKg * 3.6e6;
  const electro =
    v.reversibleV + v.anodeSurfaceV + v.anodeConcentrationV + v.cathodeConcentrationV + v.bathOhmicV + v.bubbleOhmicV;
  return { electrolyteW: I * electro - rx, anodeW: I * v.anodeOhmicV, cathodeW: I * v.cathodeOhmicV };
}

export class CoupledCell {
  readonly design: CellDesign;
  setPoints: SetPoints;
  readonly section: CrossSection;
  readonly heat: ConductionModel;
  readonly alumina: AluminaModel;
  inventory: BathInventory;
  timeS = 0;
  /** Anode-effect time and count so far (each quenched after design.anodeEffectDurationS). */
  anodeEffectS = 0;
  anodeEffectCount = 0;
  /** The last step's anode effect (breakdown and the fraction of the step it lasted), or null. */
  private lastAnodeEffect: { v: CellVoltageBreakdown; fraction: number } | null = null;
  readonly thermalStepS: number;
  readonly aluminaStepS: number;
  private nextShotS: number;
  private lastV: CellVoltageBreakdown | null = null;
  private clamped = false;
  private readonly regionVolume = new Float64Array(11);
  /** Indices of the bath (phase-change) cells and their volumes. */
  private readonly bathCells: Int32Array;
  private readonly bathVol: Float64Array;
  private readonly modelBathMassKg: number;
  private readonly scale: number;

  constructor(state: CellState, setPoints: SetPoints = state.setPoints, opts: CoupledCellOptions = {}) {
    this.design = opts.design ?? BASE_DESIGN;
    this.setPoints = { ...setPoints };
    checkSetPoints(this.setPoints);
    checkSetPoints(state.setPoints, 'state.setPoints');
    this.thermalStepS = opts.thermalStepS ?? 120;
    this.aluminaStepS = Math.min(opts.aluminaStepS ?? 30, this.thermalStepS);
    if (!(this.thermalStepS > 0)) throw new PhysicsError('ERR-PHYS-RANGE', 'thermalStepS', 'thermal step must be > 0');
    const tLiq = liquidusC(state.bath);
    this.section = buildCrossSection(this.design, state.setPoints.acdCm, tLiq);
    const s = this.section;
    this.heat = new ConductionModel({
      grid: s.grid,
      materials: s.materials,
      materialIndex: s.materialIndex,
      initialTemperatureC: tLiq + 4,
      boundaries: {
        west: { type: 'symmetry' },
        east: {
          type: 'convective',
          hWPerM2K: this.design.thermal.shellToAirWPerM2K,
          ambientC: this.design.thermal.ambientC,
        },
        south: {
          type: 'convective',
          hWPerM2K: this.design.thermal.shellToAirWPerM2K,
          ambientC: this.design.thermal.ambientC,
        },
        north: (_f, x) => ({
          type: 'convective',
          hWPerM2K:
            x > s.xs.anodeInnerM && x < s.xs.anodeOuterM
              ? this.design.thermal.anodeTopWPerM2K
              : this.design.thermal.coverTopWPerM2K,
          ambientC: this.design.thermal.ambientC,
        }),
      },
    });
    for (let k = 0; k < s.grid.size; k++)
      this.regionVolume[s.region[k]!] = this.regionVolume[s.region[k]!]! + this.heat.cellVolume(k);
    const bathMat = Mat.bath;
    const poolMat = Mat.pool;
    const bc: number[] = [];
    for (let k = 0; k < s.grid.size; k++)
      if (s.materialIndex[k] === bathMat || s.materialIndex[k] === poolMat) bc.push(k);
    this.bathCells = Int32Array.from(bc);
    this.bathVol = Float64Array.from(bc, (k) => this.heat.cellVolume(k));
    this.scale = 1 / (2 * this.design.cellLengthM);
    const a = this.design.alumina;
    this.modelBathMassKg = state.bathMassKg;
    this.alumina = new AluminaModel({
      lengthM: a.lengthM,
      widthM: a.widthM,
      nx: a.nx,
      ny: a.ny,
      bathMassKg: state.bathMassKg,
      bathDensityKgM3: BATH_DENSITY_KG_M3,
      dispersionM2PerS: a.dispersionM2PerS,
      circulationMPerS: a.circulationMPerS,
      initialAluminaPct: state.bath.aluminaPct,
      feeders: a.feeders,
      fastFraction: a.fastFraction,
      slowRatePerS: a.slowRatePerS,
      shotFootprintRadiusM: a.shotFootprintRadiusM,
    });
    if (opts.initialField) {
      this.heat.T.set(opts.initialField.temperatureC);
      this.heat.liquidFraction.set(opts.initialField.liquidFraction);
    } else {
      const cached = steadyFieldCache.get(this.cacheKey(state));
      if (cached) {
        this.heat.T.set(cached.T);
        this.heat.liquidFraction.set(cached.f);
      } else {
        this.solveSteadyFixedLiquidus(state.setPoints, state.bath);
        steadyFieldCache.set(this.cacheKey(state), {
          T: Float64Array.from(this.heat.T),
          f: Float64Array.from(this.heat.liquidFraction),
        });
        if (steadyFieldCache.size > 64) steadyFieldCache.delete(steadyFieldCache.keys().next().value!);
      }
    }
    this.settleAlumina(state);
    this.inventory = inventoryFrom(state.bath, state.bathMassKg, this.frozenMassKg());
    this.nextShotS = this.setPoints.feedIntervalS;
    this.updateChemistry();
    this.applySources();
  }

  /**
   * Brings the alumina field to its periodic state under the starting set points (ten feed cycles), then shifts it
   * so the mean dissolved alumina equals the state's value: the state's alumina is the cycle-mean dissolved level,
   * with the undissolved alumina a steady feeding cycle carries.
   */
  private settleAlumina(state: CellState): void {
    const I = state.setPoints.lineCurrentKA * 1000;
    const ce = this.design.currentEfficiency;
    const tau = state.setPoints.feedIntervalS;
    const a = this.alumina;
    for (let cycle = 0; cycle < 10; cycle++) {
      a.feed(this.design.shotMassKg);
      let t = 0;
      while (t < tau - 1e-9) {
        const dt = Math.min(this.aluminaStepS, tau - t);
        a.step(dt, I, ce);
        t += dt;
      }
    }
    const shift = state.bath.aluminaPct - a.stats().meanPct;
    const c = a.transport.c;
    for (let k = 0; k < c.length; k++) c[k] = Math.max(c[k]! + shift, 0);
    a.fedKg = 0;
    a.consumedKg = 0;
    a.consumptionDeficitKg = 0;
    a.timeS = 0;
    this.aluminaInitialKg = a.totalAluminaKg();
  }

  /** Total alumina (dissolved + undissolved) at the start, kg (for mass-balance checks). */
  aluminaInitialKg = 0;

  private cacheKey(state: CellState): string {
    return JSON.stringify([this.design, state, this.section.grid.size]);
  }

  /** Frozen bath (ledge) mass of the whole cell, kg: ρ·Σ(1 − f)·V over bath cells × 2·length. */
  frozenMassKg(): number {
    const f = this.heat.liquidFraction;
    let v = 0;
    for (let m = 0; m < this.bathCells.length; m++) v += (1 - f[this.bathCells[m]!]!) * this.bathVol[m]!;
    return (v * BATH_DENSITY_KG_M3) / this.scale;
  }

  /** Volume-weighted mean temperature of the fully liquid bath, °C (the hottest bath cell if all is frozen). */
  bathTempC(): number {
    const T = this.heat.T;
    const f = this.heat.liquidFraction;
    let sv = 0;
    let st = 0;
    let hottest = -Infinity;
    for (let m = 0; m < this.bathCells.length; m++) {
      const k = this.bathCells[m]!;
      const t = T[k]!;
      if (t > hottest) hottest = t;
      if (f[k]! >= 0.999) {
        const v = this.bathVol[m]!;
        sv += v;
        st += v * t;
      }
    }
    return sv > 0 ? st / sv : hottest;
  }

  /** Ledge thickness per wetted side row (metal + bath height), m, with the row heights. */
  ledgeProfile(): { yM: number[]; thicknessM: number[] } {
    const s = this.section;
    const nx = s.grid.nx;
    const yM: number[] = [];
    const thicknessM: number[] = [];
    for (const j of s.sideRows) {
      let d = 0;
      for (const i of s.sideCols) d += (1 - this.heat.liquidFraction[j * nx + i]!) * s.grid.x.widths[i]!;
      yM.push(s.grid.y.centers[j]!);
      thicknessM.push(d);
    }
    return { yM, thicknessM };
  }

  /** Mean ledge thickness over the wetted side, m. */
  ledgeThicknessM(): number {
    const s = this.section;
    const p = this.ledgeProfile();
    let sw = 0;
    let sd = 0;
    s.sideRows.forEach((j, r) => {
      const w = s.grid.y.widths[j]!;
      sw += w;
      sd += w * p.thicknessM[r]!;
    });
    return sw > 0 ? sd / sw : 0;
  }

  composition(): BathComposition {
    return compositionOf(this.inventory);
  }

  liquidBathMassKg(): number {
    return liquidBathMassKg(this.inventory);
  }

  /** Alumina seen by the anodes (anode-weighted mean), wt % of the current liquid bath. */
  anodeAluminaPct(): number {
    return this.alumina.anodeMeanPct() * (this.modelBathMassKg / this.liquidBathMassKg());
  }

  /** Set when the ledge would take more cryolite than the bath can give: the cell is freezing (a flagged state). */
  freezing = false;

  private updateChemistry(): void {
    const frozen = this.frozenMassKg();
    const maxLedge = maxLedgeKg(this.inventory);
    if (frozen > maxLedge) this.freezing = true;
    this.inventory.ledgeKg = Math.min(frozen, maxLedge);
    this.inventory.aluminaKg = this.alumina.dissolvedKg();
    const comp = this.composition();
    const pcm = this.section.materials[Mat.bath]!.phaseChange!;
    pcm.meltingC = liquidusC(comp);
    const t = clampBathTemp(this.bathTempC());
    this.alumina.saturationPct = aluminaSaturationPct(comp, t) * (this.liquidBathMassKg() / this.modelBathMassKg);
  }

  /** Cell voltage breakdown at the present state and set points. */
  voltage(aluminaFloorPct = 0): CellVoltageBreakdown {
    const comp = this.composition();
    const tRaw = this.bathTempC();
    const t = clampBathTemp(tRaw);
    this.clamped = t !== tRaw;
    const cSat = aluminaSaturationPct(comp, t);
    const c = Math.min(Math.max(this.anodeAluminaPct(), aluminaFloorPct, 0), cSat);
    return cellVoltageBreakdown({
      lineCurrentKA: this.setPoints.lineCurrentKA,
      acdCm: this.setPoints.acdCm,
      bathTempC: t,
      bath: { ...comp, aluminaPct: c },
      geometry: this.design.geometry,
      resistancesMicroOhm: this.design.resistancesMicroOhm,
      aluminaAtAnodeEffectPct: this.design.aluminaAtAnodeEffectPct,
      conductivityCorrelation: this.design.conductivityCorrelation,
    });
  }

  /** Sets the 2D heat sources from the voltage breakdown. */
  applySources(v: CellVoltageBreakdown = this.voltage(), extraElectrolyteV = 0): HeatSources {
    this.lastV = v;
    const q = heatSourcesW(v, this.setPoints.lineCurrentKA, this.design);
    q.electrolyteW += this.setPoints.lineCurrentKA * 1000 * extraElectrolyteV;
    const s = this.section;
    const qe = (q.electrolyteW * this.scale) / this.regionVolume[Region.bathAcd]!;
    const qa = (q.anodeW * this.scale) / this.regionVolume[Region.anode]!;
    const qc = (q.cathodeW * this.scale) / this.regionVolume[Region.cathode]!;
    const src = this.heat.source;
    const rAcd = Region.bathAcd;
    const rAnode = Region.anode;
    const rCathode = Region.cathode;
    const region = s.region;
    for (let k = 0; k < src.length; k++) {
      const r = region[k]!;
      src[k] = r === rAcd ? qe : r === rAnode ? qa : r === rCathode ? qc : 0;
    }
    return q;
  }

  /** Advances one coupling step of thermalStepS (or `dtS`). */
  step(dtS: number = this.thermalStepS): void {
    const I = this.setPoints.lineCurrentKA * 1000;
    const ce = this.design.currentEfficiency;
    const end = this.timeS + dtS;
    let t = this.timeS;
    while (t < end - 1e-9) {
      const next = Math.min(end, t + this.aluminaStepS, this.nextShotS);
      if (next > t) this.alumina.step(next - t, I, ce);
      t = next;
      if (t >= this.nextShotS - 1e-9) {
        this.alumina.feed(this.design.shotMassKg);
        this.nextShotS += this.setPoints.feedIntervalS;
      }
    }
    this.inventory.alf3Kg = evolveAlf3Kg(
      this.inventory.alf3Kg,
      this.setPoints.alf3AdditionKgPerDay,
      this.design.alf3LossRatePerDay,
      dtS / 3600,
    );
    this.updateChemistry();
    const v = this.voltage();
    if (v.anodeEffect) {
      // The controller quenches the anode effect: it lasts anodeEffectDurationS, then extra shots restore the
      // alumina. The step's heat is the normal (onset) heat plus the anode-effect excess for its duration only.
      const aeS = Math.min(this.design.anodeEffectDurationS, dtS);
      const normal = this.voltage(this.design.aluminaAtAnodeEffectPct + 0.2);
      this.applySources(normal, (v.cellVoltageV - normal.cellVoltageV) * (aeS / dtS));
      this.lastAnodeEffect = { v, fraction: aeS / dtS };
      this.anodeEffectS += aeS;
      this.anodeEffectCount += 1;
      for (let q = 0; q < this.design.anodeEffectQuenchShots; q++) this.alumina.feed(this.design.shotMassKg);
    } else {
      this.applySources(v);
      this.lastAnodeEffect = null;
    }
    this.heat.step(dtS);
    this.timeS = end;
  }

  /** Present KPIs. */
  snapshot(): CellSnapshot {
    const v = this.lastV ?? this.voltage();
    const comp = this.composition();
    const st = this.alumina.stats();
    const f = this.modelBathMassKg / this.liquidBathMassKg();
    const tb = this.bathTempC();
    const tl = liquidusC(comp);
    const loss = this.heat.boundaryHeatLossW();
    const q = heatSourcesW(v, this.setPoints.lineCurrentKA, this.design);
    const ae = this.lastAnodeEffect;
    return {
      timeH: this.timeS / 3600,
      /** Step-mean voltage (includes the anode-effect excess for its duration). */
      cellVoltageV: ae ? v.cellVoltageV + ae.fraction * (ae.v.cellVoltageV - v.cellVoltageV) : v.cellVoltageV,
      bathTempC: tb,
      liquidusC: tl,
      superheatC: tb - tl,
      ledgeThicknessM: this.ledgeThicknessM(),
      aluminaMeanPct: st.meanPct * f,
      aluminaMinPct: Math.max(st.minPct * f, 0),
      aluminaMaxPct: st.maxPct * f,
      alf3Pct: comp.alf3Pct,
      bathMassKg: this.liquidBathMassKg(),
      ledgeMassKg: this.inventory.ledgeKg,
      anodeEffect: ae !== null || v.anodeEffect,
      temperatureClamped: this.clamped,
      freezing: this.freezing,
      heatGeneratedW: q.electrolyteW + q.anodeW + q.cathodeW,
      heatLossW: (loss.west + loss.east + loss.south + loss.north) / this.scale,
    };
  }

  /** Specific energy at the present voltage, kWh/kg Al. */
  secKWhPerKg(): number {
    return specificEnergyKWhPerKg((this.lastV ?? this.voltage()).cellVoltageV, this.design.currentEfficiency);
  }

  /**
   * Steady 2D field for the given set points with the bath chemistry held at `bath` (liquidus fixed): Picard on the
   * voltage–temperature coupling (bath conductivity), each pass a steady conduction solve with the enthalpy ledge.
   * Returns the steady bath temperature.
   */
  solveSteadyFixedLiquidus(
    setPoints: SetPoints,
    bath: BathComposition,
    opts: { toleranceK?: number; maxIterations?: number } = {},
  ): number {
    const tol = opts.toleranceK ?? 1e-3;
    const pcm = this.section.materials[Mat.bath]!.phaseChange!;
    pcm.meltingC = liquidusC(bath);
    const saved = this.setPoints;
    this.setPoints = { ...setPoints };
    // fixed point T = F(T) of "voltage at T → steady field → bath temperature", solved by the secant method on
    // g(T) = F(T) − T (Picard alone oscillates: the conductivity feedback has a gain near −1)
    const F = (tb: number): number => {
      const t = clampBathTemp(tb);
      const v = cellVoltageBreakdown({
        lineCurrentKA: setPoints.lineCurrentKA,
        acdCm: setPoints.acdCm,
        bathTempC: t,
        bath: { ...bath, aluminaPct: Math.min(bath.aluminaPct, aluminaSaturationPct(bath, t)) },
        geometry: this.design.geometry,
        resistancesMicroOhm: this.design.resistancesMicroOhm,
        aluminaAtAnodeEffectPct: this.design.aluminaAtAnodeEffectPct,
        conductivityCorrelation: this.design.conductivityCorrelation,
      });
      this.applySources(v);
      this.heat.solveSteady({ toleranceK: 1e-5, maxIterations: 400, linearTolerance: 1e-9 });
      return this.bathTempC();
    };
    try {
      let t0 = pcm.meltingC + 4;
      let g0 = F(t0) - t0;
      let t1 = t0 + g0 * 0.5;
      for (let it = 0; it < (opts.maxIterations ?? 30); it++) {
        const g1 = F(t1) - t1;
        if (Math.abs(g1) < tol) return t1 + g1;
        const slope = (g1 - g0) / (t1 - t0);
        let t2 = slope < 0 && Number.isFinite(slope) ? t1 - g1 / slope : t1 + 0.5 * g1;
        if (Math.abs(t2 - t1) > 50) t2 = t1 + Math.sign(t2 - t1) * 50;
        t0 = t1;
        g0 = g1;
        t1 = t2;
      }
    } finally {
      this.setPoints = saved;
    }
    throw new PhysicsError('ERR-PHYS-CONVERGENCE', 'bathTempC', 'steady voltage–temperature iteration did not settle');
  }
}

const steadyFieldCache = new Map<string, { T: Float64Array; f: Float64Array }>();

export function clampBathTemp(t: number): number {
  const r = BATH_RANGES.bathTempC;
  return t < r.min ? r.min : t > r.max ? r.max : t;
}

export function checkSetPoints(sp: SetPoints, prefix = 'setPoints'): void {
  if (!sp || typeof sp !== 'object') throw new PhysicsError('ERR-PHYS-CONFIG', prefix, 'set points are required');
  const chk = (name: keyof SetPoints, min: number, max: number, unit: string) => {
    const v = sp[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      throw new PhysicsError(
        'ERR-PHYS-RANGE',
        `${prefix}.${name}`,
        `${prefix}.${name} = ${String(v)} ${unit} is outside [${min}, ${max}] ${unit}`,
        typeof v === 'number' ? v : undefined,
        [min, max],
      );
    }
  };
  chk('lineCurrentKA', 10, 600, 'kA');
  chk('acdCm', 1, 10, 'cm');
  chk('feedIntervalS', 10, 36000, 's');
  chk('alf3AdditionKgPerDay', 0, 1000, 'kg/day');
}
