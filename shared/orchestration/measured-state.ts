/**
 * From what the plant measures to what the optimiser needs (shared/optimize CellState). Telemetry gives line current,
 * cell voltage, bath temperature, beam position, feeder shots, metal and bath heights and shell temperature; the
 * optimiser wants ACD, bath chemistry, current efficiency and anode-effect history. Per field, in this order:
 *
 * - `reported`: the set point the cell's PLC reports holding (read-back: ACD target, AlF3 addition) — exact.
 * - `measured`: bath temperature from its thermocouple (the newest good reading in `cell-state`).
 * - `estimated`: ACD without a reported target is found by inverting the cell-voltage breakdown (Haupin,
 *   shared/physics) at the measured voltage, line current and bath temperature with the assumed chemistry below.
 *   The design resistances are the line's technology's (plant model), so a cell whose resistances differ carries that
 *   error into its ACD (≈ 0.1 cm per 0.2 µΩ on the test plant's base cell).
 * - `gold`: anode-effect frequency and mean duration from the last day of `fact_cell_hour` when curated. Anode
 *   effects are rare (≈ 0.1 per cell-day), so one day says little on its own: the rate is the gamma–Poisson
 *   posterior mean with the assumed rate as prior worth 7 cell-days, (n + 0.1·7)/(days + 7); the duration likewise
 *   blends in one assumed 1-min effect.
 * - `assumed`: what no sensor gives — alumina concentration (the feed controller's usual target, 3.0 wt %), bath
 *   excess AlF3, CaF2, MgF2, LiF and current efficiency (the design of the line's technology in the plant model; bath
 *   samples are lab analyses, not telemetry), anode effects when gold has none (0.1 /cell-day, 1 min) and the AlF3
 *   addition without a reported value (the technology's typical addition).
 *
 * A cell is left out of the optimisation (held) when it cannot be described: no fresh cell-voltage or bath
 * temperature reading, a voltage above the anode-effect threshold, or a voltage no ACD in 1–8 cm explains.
 */
import { cellVoltageBreakdown, type CellVoltageInput } from '../physics/electrochemistry/cell-voltage.js';
import { PhysicsError } from '../physics/errors.js';
import { CellInput, type CellDesign, type CellState } from '../optimize/schema.js';
import type { AssumedCellOperation } from '../plant/technology-design.js';
import type { PresentValues } from '../plant/set-point.js';
import type { TagLatest } from '../telemetry/hot-state.js';

/** Alumina concentration assumed when none is measured, wt %: point feeders hold 2–4 wt %, most plants aim near 3 (Kvande, JOM 2014). */
export const ASSUMED_ALUMINA_PCT = 3.0;
/** Anode-effect frequency assumed without gold history, 1/cell-day (modern point-fed cells 0.05–0.3; the optimiser's default). */
export const ASSUMED_ANODE_EFFECTS_PER_CELL_DAY = 0.1;
/** Mean anode-effect duration assumed without gold history, min (point-fed prebake ≈ 0.5–2 min). */
export const ASSUMED_ANODE_EFFECT_DURATION_MIN = 1;
/** Weight of the assumed anode-effect rate against gold's count, cell-days (module comment). */
const ANODE_EFFECT_PRIOR_DAYS = 7;
/** ACD search interval of the voltage inversion, cm (CellState's accepted range). */
const ACD_SEARCH_CM: readonly [number, number] = [1, 8];

/** Everything the snapshot keeps about one cell: its newest readings and what the SCADA side knows of it. */
export interface CellSnapshot {
  cellId: string;
  /** Newest good value per tag (Cosmos `cell-state`). */
  tags: Record<string, TagLatest>;
  /** Manual overrides in force over the cell (its own and its line's): the optimiser must not move it. */
  manual: { scopeKey: string; reason: string; requestedBy: string }[];
  /** Set points its PLC reports holding (fresh read-back). */
  reported: PresentValues;
  /** Anode effects in the last day of curated gold (`fact_cell_hour`), when there is any. */
  gold?: { coveredDays: number; anodeEffects: number; anodeEffectMinutes: number };
}

/** Where each CellState value came from (module comment). */
export type ValueSource = 'reported' | 'measured' | 'estimated' | 'gold' | 'assumed';

export interface MeasurementContext {
  lineCurrentKA: number;
  /** The snapshot's time, epoch ms. */
  nowMs: number;
  /** A reading older than this is not the cell's present state, ms. */
  maxReadingAgeMs: number;
  /** Cell voltage above which the cell is in anode effect, V. */
  anodeEffectThresholdV: number;
  /** The line's technology: design, chemistry, current efficiency and AlF3 addition assumed where nothing measures them. */
  technology: AssumedCellOperation;
}

export type MeasuredCell =
  | { ok: true; input: CellInput; sources: Partial<Record<keyof CellState, ValueSource>>; measuredVoltageV: number }
  | { ok: false; cellId: string; reason: string };

/** The cell as an optimiser input, or why it cannot be described from what is measured. */
export function measuredCellInput(cell: CellSnapshot, ctx: MeasurementContext): MeasuredCell {
  const held = (reason: string): MeasuredCell => ({ ok: false, cellId: cell.cellId, reason });
  const voltage = fresh(cell.tags.cellVoltage, ctx);
  if (typeof voltage === 'string') return held(`cellVoltage ${voltage}`);
  const bath = fresh(cell.tags.bathTemp, ctx);
  if (typeof bath === 'string') return held(`bathTemp ${bath}`);
  if (voltage.value > ctx.anodeEffectThresholdV)
    return held(`in anode effect (${voltage.value} V > ${ctx.anodeEffectThresholdV} V)`);

  const sources: Partial<Record<keyof CellState, ValueSource>> = {
    bathTempC: 'measured',
    aluminaPct: 'assumed',
    alf3Pct: 'assumed',
    caf2Pct: 'assumed',
    mgf2Pct: 'assumed',
    lifPct: 'assumed',
    currentEfficiency: 'assumed',
  };
  let acdCm = cell.reported.acdCm;
  if (acdCm !== undefined) sources.acdCm = 'reported';
  else {
    const estimate = acdFromVoltage(voltage.value, bath.value, ctx.lineCurrentKA, ctx.technology);
    if (typeof estimate === 'string') return held(estimate);
    acdCm = estimate;
    sources.acdCm = 'estimated';
  }
  const alf3AdditionKgPerDay = cell.reported.alf3AdditionKgPerDay ?? ctx.technology.alf3AdditionKgPerDay;
  sources.alf3AdditionKgPerDay = cell.reported.alf3AdditionKgPerDay === undefined ? 'assumed' : 'reported';
  const gold = cell.gold && cell.gold.coveredDays > 0 ? cell.gold : undefined;
  sources.anodeEffectsPerCellDay = gold ? 'gold' : 'assumed';
  sources.anodeEffectDurationMin = gold && gold.anodeEffects > 0 ? 'gold' : 'assumed';
  const anodeEffectsPerCellDay = gold
    ? (gold.anodeEffects + ASSUMED_ANODE_EFFECTS_PER_CELL_DAY * ANODE_EFFECT_PRIOR_DAYS) /
      (gold.coveredDays + ANODE_EFFECT_PRIOR_DAYS)
    : ASSUMED_ANODE_EFFECTS_PER_CELL_DAY;
  const anodeEffectDurationMin =
    gold && gold.anodeEffects > 0
      ? (gold.anodeEffectMinutes + ASSUMED_ANODE_EFFECT_DURATION_MIN) / (gold.anodeEffects + 1)
      : ASSUMED_ANODE_EFFECT_DURATION_MIN;

  const parsed = CellInput.safeParse({
    cellId: cell.cellId,
    manual: cell.manual.length > 0,
    state: {
      acdCm: round(acdCm, 3),
      bathTempC: round(bath.value, 2),
      aluminaPct: ASSUMED_ALUMINA_PCT,
      alf3Pct: ctx.technology.bath.alf3Pct,
      caf2Pct: ctx.technology.bath.caf2Pct,
      mgf2Pct: ctx.technology.bath.mgf2Pct,
      lifPct: ctx.technology.bath.lifPct,
      currentEfficiency: ctx.technology.currentEfficiency,
      anodeEffectsPerCellDay: round(anodeEffectsPerCellDay, 4),
      anodeEffectDurationMin: round(anodeEffectDurationMin, 3),
      alf3AdditionKgPerDay,
    },
    design: ctx.technology.design,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return held(`state out of the optimiser's range at ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return { ok: true, input: parsed.data, sources, measuredVoltageV: voltage.value };
}

/** The newest reading when it is recent enough, else why not (as text). */
function fresh(reading: TagLatest | undefined, ctx: MeasurementContext): TagLatest | string {
  if (!reading) return 'has no reading';
  const ageMs = ctx.nowMs - reading.ts;
  if (ageMs > ctx.maxReadingAgeMs)
    return `reading is ${Math.round(ageMs / 1000)} s old (limit ${Math.round(ctx.maxReadingAgeMs / 1000)} s)`;
  return reading;
}

/**
 * The ACD at which the cell-voltage breakdown gives `voltageV` (bisection: the bath's ohmic drop grows with ACD, so
 * the voltage is monotonic in it), with the technology's design and assumed chemistry; or why there is none.
 */
export function acdFromVoltage(
  voltageV: number,
  bathTempC: number,
  lineCurrentKA: number,
  technology: AssumedCellOperation,
): number | string {
  const design: CellDesign = technology.design;
  const at = (acdCm: number): number => {
    const input: CellVoltageInput = {
      lineCurrentKA,
      acdCm,
      bathTempC,
      bath: { ...technology.bath, aluminaPct: ASSUMED_ALUMINA_PCT },
      geometry: {
        anodeAreaCm2: design.anodeAreaCm2,
        anodeCount: design.anodeCount,
        fanningFactor: design.fanningFactor,
        cathodeAreaCm2: design.cathodeAreaCm2,
      },
      resistancesMicroOhm: {
        anode: design.anodeResistanceMicroOhm,
        cathode: design.cathodeResistanceMicroOhm,
        external: design.externalResistanceMicroOhm,
      },
      aluminaAtAnodeEffectPct: design.aluminaAtAnodeEffectPct,
    };
    return cellVoltageBreakdown(input).cellVoltageV;
  };
  let [lo, hi] = ACD_SEARCH_CM;
  try {
    const vLo = at(lo);
    const vHi = at(hi);
    if (voltageV < vLo || voltageV > vHi) {
      return `cellVoltage ${voltageV} V is outside what ACD ${lo}–${hi} cm gives (${vLo.toFixed(3)}–${vHi.toFixed(3)} V at ${lineCurrentKA} kA, ${bathTempC} °C)`;
    }
    // 40 halvings of 7 cm: far below the 1e-3 cm set-point resolution.
    for (let i = 0; i < 40; i++) {
      const mid = (lo + hi) / 2;
      if (at(mid) < voltageV) lo = mid;
      else hi = mid;
    }
  } catch (err) {
    if (err instanceof PhysicsError) return `ACD cannot be estimated: ${err.message}`;
    throw err;
  }
  return (lo + hi) / 2;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
