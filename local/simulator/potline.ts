/**
 * A seeded potline: the lines of a plant model, each a series of cells of its technology, stepped in time together.
 * This is the plant the telemetry describes and the PLC that set points are applied to (applySetPoint).
 */
import { z } from 'zod';
import { PlantModel } from '../../shared/plant/schema.js';
import { drawCellParams } from './cell-params.js';
import { applyAcdTarget, calibrateFixedLossW, createCell, stepCell, type CellEvent, type CellState } from './cell.js';
import { fromZodIssues, SimulatorError } from './errors.js';
import { createLine, lineCurrentKA, setLineCurrent, stepLine, type LineState } from './line.js';
import { createRng, type Rng } from './prng.js';
import { baseCellPlant } from './plant-file.js';
import { lineSensorCellId } from './tags.js';

export const PotlineOptions = z.object({
  /**
   * The plant to simulate: its lines, their technologies, rectifiers, limits, tag maps and cells. Without one, a
   * potline of `lines` × `cellsPerLine` cells of the documented base cell (plant-file.ts `baseCellPlant`).
   */
  plant: PlantModel.optional(),
  /** Size of the generated base-cell potline (only without `plant`; default 3 × 100). */
  lines: z.number().int().min(1).max(20).optional(),
  cellsPerLine: z.number().int().min(1).max(999).optional(),
  seed: z.number().int().default(1),
  /** Simulated time of the first state, ms epoch (fixed by default so a seed alone reproduces a run). */
  startMs: z
    .number()
    .int()
    .nonnegative()
    .default(Date.UTC(2025, 0, 1)),
  /** Physics time step, s. */
  stepS: z.number().positive().max(10).default(1),
  /**
   * Feeder chokes per cell per day, 1/day; most outlast the cell's alumina buffer (10–20 min) and end in an anode
   * effect, so this is close to the anode-effect frequency (modern point-fed cells: 0.05–0.3 per cell-day).
   */
  feederChokesPerCellDay: z.number().min(0).max(1000).default(0.1),
  /** Line-current ramps (power modulation) per line per day, 1/day. */
  lineRampsPerDay: z.number().min(0).max(1000).default(4),
  /**
   * Set-point changes an operator makes at the HMI, per line per hour, 1/h: the plant moves a cell's ACD, feed
   * interval or AlF3 addition without the platform. None by default (a quiet plant for tests); `npm start` sets
   * HMI_CHANGES_PER_LINE_HOUR.
   */
  hmiChangesPerLineHour: z.number().min(0).max(3600).default(0),
});
export type PotlineOptions = z.input<typeof PotlineOptions>;

/** A set point the plant accepts for one cell (or, for line current, for the cell's line). */
export const SetPoint = z
  .object({
    acdCm: z.number().min(1.5).max(6).optional(),
    feedIntervalS: z.number().min(10).max(7200).optional(),
    lineCurrentKA: z.number().min(50).max(600).optional(),
    alf3AdditionKgPerDay: z.number().min(0).max(500).optional(),
  })
  .strict();
export type SetPoint = z.infer<typeof SetPoint>;

export interface AppliedSetPoint {
  cellId: string;
  lineId: string;
  appliedAtMs: number;
  applied: SetPoint;
  previous: SetPoint;
}

export type PotlineEvent =
  | CellEvent
  | { type: 'setpoint_applied'; cellId: string; tsMs: number; applied: SetPoint; previous: SetPoint }
  /** An operator changed a set point at the HMI: the plant's own change, not a command of the platform. */
  | { type: 'hmi_change'; cellId: string; tsMs: number; applied: SetPoint; previous: SetPoint };

export interface Potline {
  /** The plant model simulated (the generated base-cell plant when none was given). */
  readonly plant: PlantModel;
  readonly seed: number;
  readonly stepS: number;
  readonly lines: readonly LineState[];
  readonly cells: readonly CellState[];
  /** Simulated time of the present state, ms epoch. */
  nowMs(): number;
  /** Advances every line and cell by one step and returns what happened during it (shots, anode effects, taps …). */
  step(): PotlineEvent[];
  /** Applies a set point now, as the plant's PLC would; the next step and the next readings reflect it. */
  applySetPoint(cellId: string, setPoint: SetPoint): AppliedSetPoint;
  /**
   * Chokes the cell's feeder now, as a crust bridge over the feed hole does, for `forS` seconds, with the cell's
   * alumina buffer already spent (1 wt %, below the anode-effect onset of about 1.8): the next step is an anode
   * effect, which the cell's controller kills as it kills the random ones. For demonstrations and tests that need
   * an anode effect at a known moment.
   */
  chokeFeeder(cellId: string, forS: number): void;
  cell(cellId: string): CellState | undefined;
  line(lineId: string): LineState | undefined;
  /** The series current the cells of a line see now, kA. */
  lineCurrentKA(lineId: string): number;
}

/**
 * Potroom crews retune a few cells of a line every shift, mostly their ACD (target resistance), at times the feed
 * interval or the AlF3 addition: 20 per line-hour makes every short local run meet some.
 */
export const HMI_CHANGES_PER_LINE_HOUR = 20;

/**
 * The potroom takes a cell to manual at its local panel now and then (anode change, tapping, a crust problem): 20 per
 * line-hour, for 2–10 minutes each, makes most short local runs meet a command the PLC refuses for it.
 */
export const PANEL_MANUAL_PER_LINE_HOUR = 20;

/**
 * Moves one of a cell's set points as an operator at the HMI would: a typical retune, kept inside the line's limits
 * (the plant model's envelope) and what the simulated PLC itself accepts (SetPoint).
 */
function hmiChange(cell: CellState, line: LineState, rng: Rng, nowMs: number): PotlineEvent {
  const field = rng.pick(['acdCm', 'acdCm', 'acdCm', 'feedIntervalS', 'alf3AdditionKgPerDay'] as const);
  const previous: SetPoint = {};
  const applied: SetPoint = {};
  const sign = rng.chance(0.5) ? 1 : -1;
  const limits = line.plant.envelope.fields;
  const within = (x: number, f: 'acdCm' | 'feedIntervalS' | 'alf3AdditionKgPerDay') =>
    clamp(x, Math.max(limits[f].min, PLC_ACCEPTS[f].min), Math.min(limits[f].max, PLC_ACCEPTS[f].max));
  if (field === 'acdCm') {
    previous.acdCm = cell.acdTargetCm;
    applied.acdCm = within(Math.round((cell.acdTargetCm + sign * rng.uniform(0.05, 0.4)) * 100) / 100, 'acdCm');
    applyAcdTarget(cell, applied.acdCm);
  } else if (field === 'feedIntervalS') {
    previous.feedIntervalS = cell.feedIntervalS;
    applied.feedIntervalS = within(Math.round(cell.feedIntervalS + sign * rng.uniform(5, 20)), 'feedIntervalS');
    cell.feedIntervalS = applied.feedIntervalS;
  } else {
    previous.alf3AdditionKgPerDay = cell.alf3AdditionKgPerDay;
    applied.alf3AdditionKgPerDay = within(
      Math.round((cell.alf3AdditionKgPerDay + sign * rng.uniform(2, 10)) * 10) / 10,
      'alf3AdditionKgPerDay',
    );
    cell.alf3AdditionKgPerDay = applied.alf3AdditionKgPerDay;
  }
  return { type: 'hmi_change', cellId: cell.params.cellId, tsMs: nowMs, applied, previous };
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Alumina left in a cell whose buffer a choked feeder has spent: 1 wt %, below the anode-effect onset (PHYSICS.md ≈ 1.8). */
const SPENT_ALUMINA_FRACTION = 0.01;

/** What the simulated PLC accepts per cell field (SetPoint's bounds). */
const PLC_ACCEPTS = {
  acdCm: { min: 1.5, max: 6 },
  feedIntervalS: { min: 10, max: 7200 },
  alf3AdditionKgPerDay: { min: 0, max: 500 },
} as const;

/** Rectifier calibration: a line regulates a little off its technology's nominal current, within ±0.8 %. */
const CALIBRATION_SPREAD = 0.008;

/** Builds the potline from options (validated); the same options always give the same plant. */
export function createPotline(input: PotlineOptions = {}): Potline {
  const parsed = PotlineOptions.safeParse(input);
  if (!parsed.success) throw fromZodIssues('SIM-CONFIG', 'Invalid potline options', parsed.error.issues);
  const options = parsed.data;
  if (options.plant && (options.lines !== undefined || options.cellsPerLine !== undefined))
    throw new SimulatorError(
      'SIM-CONFIG',
      options.lines !== undefined ? 'lines' : 'cellsPerLine',
      'lines and cellsPerLine size a generated base-cell potline; a plant model brings its own lines and cells',
    );
  const plant = options.plant ?? baseCellPlant(options.lines ?? 3, options.cellsPerLine ?? 100);
  const root = createRng(options.seed);
  const hmiRng = root.fork('hmi');
  let nowMs = options.startMs;
  const lines: LineState[] = [];
  const cells: CellState[] = [];
  const cellsById = new Map<string, CellState>();
  const linesById = new Map<string, LineState>();
  const cellsOfLine = new Map<string, CellState[]>();
  const pendingEvents: PotlineEvent[] = [];

  for (const plantLine of plant.areas.flatMap((a) => a.lines)) {
    const { lineId } = plantLine;
    const technology = plant.technologies[plantLine.technology]!;
    const lineRng = root.fork(lineId);
    const { minCurrentKA, maxCurrentKA } = plantLine.rectifier;
    const baseKA = clamp(
      technology.nominalCurrentKA * (1 + CALIBRATION_SPREAD * lineRng.uniform(-1, 1)),
      minCurrentKA,
      maxCurrentKA,
    );
    const line = createLine(plantLine, technology, baseKA, lineRng.fork('current'));
    lines.push(line);
    linesById.set(lineId, line);
    const lineCells: CellState[] = [];
    cellsOfLine.set(lineId, lineCells);
    for (const { cellId } of plantLine.cells) {
      const cellRng = root.fork(cellId);
      const params = drawCellParams(lineId, cellId, technology, line.baseKA, cellRng.fork('params'));
      const cell = createCell(params, cellRng.fork('dynamics'), nowMs, lineCurrentKA(line));
      params.fixedHeatLossW = calibrateFixedLossW(cell, lineCurrentKA(line));
      cells.push(cell);
      lineCells.push(cell);
      cellsById.set(cellId, cell);
    }
  }

  const findCell = (cellId: string): CellState => {
    const cell = cellsById.get(cellId);
    if (!cell)
      throw new SimulatorError(
        'SIM-UNKNOWN-CELL',
        'cellId',
        `No cell ${cellId} in this potline (cells ${cells[0]?.params.cellId} … ${cells.at(-1)?.params.cellId}, lines ${lines.map((l) => l.lineId).join(', ')})`,
      );
    return cell;
  };

  return {
    plant,
    seed: options.seed,
    stepS: options.stepS,
    lines,
    cells,
    nowMs: () => nowMs,
    step() {
      const dtS = options.stepS;
      nowMs += dtS * 1000;
      const events: PotlineEvent[] = pendingEvents.splice(0);
      const cellEvents: CellEvent[] = [];
      for (const line of lines) stepLine(line, dtS, nowMs, { rampsPerDay: options.lineRampsPerDay });
      for (const line of lines) {
        if (!hmiRng.chance((options.hmiChangesPerLineHour * dtS) / 3600)) continue;
        const lineCells = cellsOfLine.get(line.lineId)!;
        if (lineCells.length > 0) events.push(hmiChange(hmiRng.pick(lineCells), line, hmiRng, nowMs));
      }
      for (const cell of cells) {
        const line = linesById.get(cell.params.lineId)!;
        stepCell(
          cell,
          lineCurrentKA(line),
          dtS,
          nowMs,
          { feederChokesPerDay: options.feederChokesPerCellDay },
          cellEvents,
        );
      }
      for (const e of cellEvents) events.push(e);
      return events;
    },
    chokeFeeder(cellId, forS) {
      const cell = findCell(cellId);
      cell.feederChokedUntilMs = nowMs + forS * 1000;
      cell.aluminaKg = Math.min(cell.aluminaKg, cell.params.bathMassKg * SPENT_ALUMINA_FRACTION);
    },
    applySetPoint(cellId, setPointInput) {
      const parsedSetPoint = SetPoint.safeParse(setPointInput);
      if (!parsedSetPoint.success)
        throw fromZodIssues('SIM-SETPOINT', `Set point for ${cellId} rejected`, parsedSetPoint.error.issues);
      const setPoint = parsedSetPoint.data;
      const lineLevel = lines.find((l) => lineSensorCellId(l.lineId) === cellId);
      if (lineLevel) {
        const cellFields = Object.keys(setPoint).filter((k) => k !== 'lineCurrentKA');
        if (cellFields.length > 0) {
          throw new SimulatorError(
            'SIM-SETPOINT',
            cellFields[0]!,
            `${cellId} is a line: only lineCurrentKA applies to it; send ${cellFields.join(', ')} to a cell id`,
          );
        }
      }
      const cell = lineLevel ? undefined : findCell(cellId);
      const line = lineLevel ?? linesById.get(cell!.params.lineId)!;
      const previous: SetPoint = {};
      const rating = line.plant.rectifier;
      if (
        setPoint.lineCurrentKA !== undefined &&
        (setPoint.lineCurrentKA < rating.minCurrentKA || setPoint.lineCurrentKA > rating.maxCurrentKA)
      )
        throw new SimulatorError(
          'SIM-SETPOINT',
          'lineCurrentKA',
          `Set point for ${cellId} rejected: line ${line.lineId}'s rectifier delivers ${rating.minCurrentKA}–${rating.maxCurrentKA} kA, not ${setPoint.lineCurrentKA} kA`,
        );
      if (setPoint.lineCurrentKA !== undefined) {
        previous.lineCurrentKA = line.baseKA;
        setLineCurrent(line, setPoint.lineCurrentKA);
      }
      if (cell) {
        if (setPoint.acdCm !== undefined) {
          previous.acdCm = cell.acdTargetCm;
          applyAcdTarget(cell, setPoint.acdCm);
        }
        if (setPoint.feedIntervalS !== undefined) {
          previous.feedIntervalS = cell.feedIntervalS;
          cell.feedIntervalS = setPoint.feedIntervalS;
          // Re-plan the next shot from the last one so a shorter interval takes effect now.
          cell.nextShotAtMs = Math.min(cell.nextShotAtMs, Math.round(nowMs + setPoint.feedIntervalS * 1000));
        }
        if (setPoint.alf3AdditionKgPerDay !== undefined) {
          previous.alf3AdditionKgPerDay = cell.alf3AdditionKgPerDay;
          cell.alf3AdditionKgPerDay = setPoint.alf3AdditionKgPerDay;
        }
      }
      pendingEvents.push({ type: 'setpoint_applied', cellId, tsMs: nowMs, applied: setPoint, previous });
      return { cellId, lineId: line.lineId, appliedAtMs: nowMs, applied: setPoint, previous };
    },
    cell: (cellId) => cellsById.get(cellId),
    line: (lineId) => linesById.get(lineId),
    lineCurrentKA: (lineId) => {
      const line = linesById.get(lineId);
      if (!line) throw new SimulatorError('SIM-UNKNOWN-CELL', 'lineId', `No line ${lineId} in this potline`);
      return lineCurrentKA(line);
    },
  };
}
