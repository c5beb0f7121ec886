/**
 * Recalibration of a line's cell model from what the plant did: the settled measurements of recent runs (their
 * accuracy files) at the set points those runs left, and the line's mean bath chemistry from fresh lab samples. It
 * uses the physics engine's calibration (shared/physics/calibration: bounded Levenberg–Marquardt, seeded hold-out) to
 * fit the two parameters a drifting line most often gets wrong: the external (busbar and contact) resistance, which
 * moves the voltage, and the lumped heat-loss conductance, which moves the bath temperature. The hold-out error says
 * whether the refit meets the seeds' ±5 %.
 *
 * The physics cell model is the base cell of PHYSICS.md (126 kA); a line of another technology needs that
 * technology's physics design, which the plant model does not give the physics engine yet.
 */
import { z } from 'zod';
import { listAll, type LakeStore } from '../lake/lake-store.js';
import { utcDate } from '../lake/paths.js';
import type { StoredLabSample } from '../lab/lab-sample.js';
import { BASE_STATE, type CellState, type SetPoints } from '../physics/cell/design.js';
import { DEFAULT_REDUCED_MODEL } from '../physics/cell/predictor.js';
import { calibrate, CELL_FIT_BOUNDS, predictWith, type CellFitParameter } from '../physics/calibration/calibrate.js';
import { BASE_DESIGN } from '../physics/cell/design.js';
import { PhysicsError } from '../physics/errors.js';
import { GOLD } from './gold-writer.js';

/** One settled operating point of a cell: the set points it held and what it measured. */
export interface LineObservation {
  runId: string;
  cellId: string;
  setPoints: SetPoints;
  measured: { cellVoltageV?: number; bathTempC?: number };
}

/** The parameters a line refit moves (see the module comment). */
export const LINE_FIT: readonly CellFitParameter[] = ['externalResistanceMicroOhm', 'otherConductanceWPerK'];
/** Fewest observations a refit takes: two parameters, a quarter held out, and enough left to see noise. */
export const MIN_OBSERVATIONS = 8;

export type Recalibration =
  | {
      ok: true;
      parameters: Record<string, number>;
      converged: boolean;
      observations: number;
      /** The bath chemistry the fit used: the line's fresh lab samples' mean, or the base cell's. */
      bathSource: 'lab' | 'assumed';
      training: { count: number; mapePct: number };
      /** Error on the held-out quarter, % (mean and largest absolute), and the share within ±5 %. */
      holdOut: { count: number; mapePct: number; maxApePct: number; withinFivePct: number };
    }
  | { ok: false; reason: string };

/** Refits the line's model to its observations (seeded split, so the same data gives the same answer). */
export function recalibrateLine(
  observations: readonly LineObservation[],
  labBath: readonly StoredLabSample[] = [],
  seed = 1,
): Recalibration {
  const usable = observations.filter(
    (o) => o.measured.cellVoltageV !== undefined || o.measured.bathTempC !== undefined,
  );
  if (usable.length < MIN_OBSERVATIONS)
    return {
      ok: false,
      reason: `${usable.length} settled observation(s) of the line; a refit needs at least ${MIN_OBSERVATIONS}`,
    };
  const samples = labBath.filter((s) => s.kind === 'bath' && s.alf3Pct !== null && s.caf2Pct !== null);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const state: CellState = samples.length
    ? {
        ...BASE_STATE,
        bath: {
          ...BASE_STATE.bath,
          alf3Pct: mean(samples.map((s) => s.alf3Pct!)),
          caf2Pct: mean(samples.map((s) => s.caf2Pct!)),
        },
      }
    : BASE_STATE;
  try {
    const r = calibrate({
      parameters: LINE_FIT.map((name) => ({
        name,
        initial: CELL_FIT_BOUNDS[name].initial(BASE_DESIGN, DEFAULT_REDUCED_MODEL),
        lower: CELL_FIT_BOUNDS[name].lower,
        upper: CELL_FIT_BOUNDS[name].upper,
      })),
      data: usable.map((o) => ({ input: o, measured: o.measured as Record<string, number> })),
      predict: (params, o) => {
        const p = predictWith(
          params,
          { setPoints: o.setPoints, measured: {} },
          BASE_DESIGN,
          DEFAULT_REDUCED_MODEL,
          state,
        );
        return { cellVoltageV: p.cellVoltageV, bathTempC: p.bathTempC };
      },
      seed,
      tolerance: 0.05,
    });
    const pct = (x: number) => Math.round(x * 1e6) / 1e4;
    const apes = r.holdOut.predictions.flatMap((p) =>
      Object.keys(p.measured).map((k) => Math.abs(p.predicted[k]! - p.measured[k]!) / Math.abs(p.measured[k]!)),
    );
    const trainingApes = r.training.count;
    return {
      ok: true,
      parameters: r.parameters,
      converged: r.converged,
      observations: usable.length,
      bathSource: samples.length ? 'lab' : 'assumed',
      training: { count: trainingApes, mapePct: pct(r.training.rmsRelative) },
      holdOut: {
        count: apes.length,
        mapePct: pct(apes.reduce((a, b) => a + b, 0) / Math.max(apes.length, 1)),
        maxApePct: pct(r.holdOut.maxRelative),
        withinFivePct: r.holdOut.withinTolerance,
      },
    };
  } catch (err) {
    if (err instanceof PhysicsError) return { ok: false, reason: `the refit failed: ${err.message}` };
    throw err;
  }
}

const RunFiles = z.object({
  problem: z.object({ lineCurrentKA: z.number() }).loose(),
  setPoints: z
    .object({
      setPoints: z.array(
        z.object({
          equipmentId: z.string(),
          setPoint: z.record(z.string(), z.number()),
          present: z.record(z.string(), z.number()),
        }),
      ),
    })
    .nullable(),
});
const AccuracyFile = z.object({
  runId: z.string(),
  rows: z.array(
    z.object({
      cellId: z.string(),
      measuredCellVoltageV: z.number().nullable(),
      measuredBathTempC: z.number().nullable(),
    }),
  ),
});

/**
 * The line's settled observations over the `days` before `nowMs`: each assessed run's cells, at the set points the
 * run left them on (its checked set points, else what the PLC reported holding), with their settled measurements.
 * Cells without a full set of set points are left out.
 */
export async function lineObservations(
  lake: LakeStore,
  lineId: string,
  nowMs: number,
  days = 7,
): Promise<LineObservation[]> {
  const out: LineObservation[] = [];
  for (let k = days; k >= 0; k--) {
    const prefix = `optimization_runs/date=${utcDate(nowMs - k * 86_400_000)}/line=${encodeURIComponent(lineId)}/`;
    for (const e of await listAll(lake, GOLD, prefix)) {
      if (!e.path.endsWith('/accuracy.json')) continue;
      const dir = e.path.slice(0, -'accuracy.json'.length);
      const [acc, rec] = await Promise.all([lake.get(GOLD, e.path), lake.get(GOLD, `${dir}recommendation.json`)]);
      const accuracy = acc ? AccuracyFile.safeParse(JSON.parse(new TextDecoder().decode(acc))) : undefined;
      const run = rec ? RunFiles.safeParse(JSON.parse(new TextDecoder().decode(rec))) : undefined;
      if (!accuracy?.success || !run?.success || !run.data.setPoints) continue;
      const byCell = new Map(run.data.setPoints.setPoints.map((s) => [s.equipmentId, { ...s.present, ...s.setPoint }]));
      const line = byCell.get(`${lineId}-LINE`);
      const lineCurrentKA = line?.lineCurrentKA ?? run.data.problem.lineCurrentKA;
      for (const row of accuracy.data.rows) {
        const sp = byCell.get(row.cellId);
        if (!sp || sp.acdCm === undefined || sp.feedIntervalS === undefined || sp.alf3AdditionKgPerDay === undefined)
          continue;
        out.push({
          runId: accuracy.data.runId,
          cellId: row.cellId,
          setPoints: {
            lineCurrentKA,
            acdCm: sp.acdCm,
            feedIntervalS: sp.feedIntervalS,
            alf3AdditionKgPerDay: sp.alf3AdditionKgPerDay,
          },
          measured: {
            ...(row.measuredCellVoltageV !== null ? { cellVoltageV: row.measuredCellVoltageV } : {}),
            ...(row.measuredBathTempC !== null ? { bathTempC: row.measuredBathTempC } : {}),
          },
        });
      }
    }
  }
  return out;
}
