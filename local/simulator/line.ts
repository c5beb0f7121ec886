/**
 * A potline's rectifier: one series current for every cell of the line, with slow noise and occasional
 * ramps (power modulation, rectifier trips recovered) that the cells all feel at once.
 */
import type { CellTechnology, PlantLine } from '../../shared/plant/schema.js';
import { LINE_CURRENT_SLEW_KA_PER_S, SECONDS_PER_DAY_S } from './constants.js';
import type { Rng } from './prng.js';

export interface LineState {
  lineId: string;
  /** The line as the plant model describes it (rectifier rating, limits, tag map, cells). */
  readonly plant: PlantLine;
  /** The line's cell technology. */
  readonly technology: CellTechnology;
  /** Line current the plant runs at when no ramp is in progress, kA (the set point). */
  baseKA: number;
  /** Where the rectifiers are heading, kA. */
  targetKA: number;
  /** Actual series current, kA. */
  currentKA: number;
  /** Slow fluctuation of the regulated current (AR(1) state), kA. */
  driftKA: number;
  /** When the current ramp returns to the base current, ms epoch (undefined when not ramping). */
  rampEndsAtMs: number | undefined;
  rng: Rng;
}

export interface LineOptions {
  /** Expected ramps per line per day (power modulation events), 1/day. */
  rampsPerDay: number;
}

/** Standard deviation of the regulated current's slow drift, fraction of the current (±0.1 %; typical rectifier regulation). */
const DRIFT_SIGMA = 0.001;
/** Correlation time of the drift, s (assumed). */
const DRIFT_TIME_S = 60;

/**
 * Power modulation: most ramps shed 1.5–6.5 % of the load, a few push 0.8–2.5 % above base (fractions of the base
 * current). The rectifier's rating bounds every ramp.
 */
const RAMP_DOWN = [0.015, 0.065] as const;
const RAMP_UP = [0.008, 0.025] as const;

/** Creates a line of the plant model at its base current. */
export function createLine(plant: PlantLine, technology: CellTechnology, baseKA: number, rng: Rng): LineState {
  return {
    lineId: plant.lineId,
    plant,
    technology,
    baseKA,
    targetKA: baseKA,
    currentKA: baseKA,
    driftKA: 0,
    rampEndsAtMs: undefined,
    rng,
  };
}

/** Advances the line current by dtS seconds ending at nowMs: ramps start and end, the current slews toward its target. */
export function stepLine(line: LineState, dtS: number, nowMs: number, options: LineOptions): void {
  const { rng } = line;
  if (line.rampEndsAtMs !== undefined && nowMs >= line.rampEndsAtMs) {
    line.rampEndsAtMs = undefined;
    line.targetKA = line.baseKA;
  } else if (line.rampEndsAtMs === undefined && rng.chance((options.rampsPerDay * dtS) / SECONDS_PER_DAY_S)) {
    // Power modulation mostly sheds load; a few ramps push above base (durations in s).
    const fraction = rng.chance(0.75) ? -rng.uniform(...RAMP_DOWN) : rng.uniform(...RAMP_UP);
    const { minCurrentKA, maxCurrentKA } = line.plant.rectifier;
    line.targetKA = Math.min(maxCurrentKA, Math.max(minCurrentKA, line.baseKA * (1 + fraction)));
    line.rampEndsAtMs = nowMs + rng.uniform(600, 3600) * 1000;
  }
  const maxStepKA = LINE_CURRENT_SLEW_KA_PER_S * dtS;
  line.currentKA += Math.max(-maxStepKA, Math.min(maxStepKA, line.targetKA - line.currentKA));
  const a = Math.exp(-dtS / DRIFT_TIME_S);
  line.driftKA = a * line.driftKA + Math.sqrt(1 - a * a) * DRIFT_SIGMA * line.baseKA * rng.normal();
}

/** The current the cells see (regulated current plus its slow drift), kA. */
export function lineCurrentKA(line: LineState): number {
  return line.currentKA + line.driftKA;
}

/** Sets the line's base current; any ramp in progress is cancelled so the set point takes over at once. */
export function setLineCurrent(line: LineState, lineCurrentKASetPoint: number): void {
  line.baseKA = lineCurrentKASetPoint;
  line.targetKA = lineCurrentKASetPoint;
  line.rampEndsAtMs = undefined;
}
