/**
 * The model-accuracy sweep: finds completed optimisation runs whose settled window has passed, compares what each
 * predicted per cell (recommendation.json's cell effects at the recommended set points) with the plant's curated
 * minutes over that window (gold fact_cell_minute: cleansing-flagged readings excluded), writes the comparison next to
 * the run (`…/run=<runId>/accuracy.json`, compacted into gold fact_model_accuracy by curation) and publishes
 * `smelter.model.accuracy-degraded` for a line whose MAPE exceeds 5 %. Idempotent: a run with its accuracy file is
 * done, and the alert's event id derives from the run id.
 */
import { z } from 'zod';
import { listAll, type LakeStore } from '../lake/lake-store.js';
import { utcDate } from '../lake/paths.js';
import { cloudEvent } from '../messaging/cloud-event.js';
import type { EventPublisher } from '../messaging/event-publisher.js';
import { PlantEventType } from '../messaging/subscriptions.js';
import { GOLD } from './gold-writer.js';
import { readGoldRows } from './gold-reader.js';
import {
  ACCURACY_ALERT_MAPE_PCT,
  accuracyRows,
  lineAccuracy,
  type AccuracyRow,
  type CellPredictionAtRun,
  type LineAccuracy,
  type SettledMeasurement,
} from './model-accuracy.js';
import { goldDataPath } from './paths.js';
import { lineObservations, recalibrateLine, type Recalibration } from './recalibrate-line.js';
import { readLabSamples } from '../lab/lab-store.js';
import { FACT_CELL_MINUTE } from './schema.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** When a run's effect is judged. */
export interface AccuracyTiming {
  /**
   * Minutes after the run before the window opens: an ACD move shows in the voltage within minutes, but the bath
   * temperature answers with the heat balance's time constant of hours.
   */
  settleMinutes: number;
  /** Length of the averaging window, min. */
  windowMinutes: number;
  /** How long after the window to wait for its minutes to be curated before judging with what there is, min. */
  curationWaitMinutes: number;
}
export const DEFAULT_ACCURACY_TIMING: AccuracyTiming = {
  settleMinutes: 120,
  windowMinutes: 60,
  curationWaitMinutes: 180,
};
/** How far back the sweep looks for runs, days. */
const LOOKBACK_DAYS = 2;

/** Bath samples younger than this describe the line's chemistry for a refit, ms (a day and a half, as the optimiser). */
const RECALIBRATION_LAB_AGE_MS = 36 * 3_600_000;

/** CloudEvents `source` of the sweep's events. */
export const MODEL_ACCURACY_SOURCE = '/functions/modelAccuracy';

const Kpi = z.object({ after: z.number() });
const RunRecommendation = z.object({
  run: z.object({
    runId: z.string(),
    lineId: z.string(),
    startedMs: z.number(),
    completedMs: z.number(),
    status: z.string(),
    outcome: z.string(),
  }),
  recommendation: z.object({
    cellEffects: z
      .array(
        z.object({
          cellId: z.string(),
          cellVoltageV: Kpi,
          bathTempC: Kpi,
          secKWhPerKg: Kpi,
          currentEfficiency: Kpi,
        }),
      )
      .optional(),
  }),
});

/** The accuracy file of one run. */
export const RunAccuracyFile = z.object({
  runId: z.string(),
  lineId: z.string(),
  assessedAtMs: z.number(),
  line: z.custom<LineAccuracy>(),
  rows: z.array(z.custom<AccuracyRow>()),
  /** The refit made when the line exceeded the limit. */
  recalibration: z.custom<Recalibration>().optional(),
});
export type RunAccuracyFile = z.infer<typeof RunAccuracyFile>;

export interface AccuracySweepResult {
  assessed: { runId: string; accuracy: LineAccuracy }[];
  /** Runs whose window has not passed (or not been curated) yet. */
  waiting: number;
  alerts: number;
}

/** Assesses every completed run of the last two days that is due; see the module comment. */
export async function assessModelAccuracy(
  deps: { lake: LakeStore; publisher: EventPublisher },
  nowMs: number,
  timing: AccuracyTiming = DEFAULT_ACCURACY_TIMING,
): Promise<AccuracySweepResult> {
  const out: AccuracySweepResult = { assessed: [], waiting: 0, alerts: 0 };
  for (let d = nowMs - LOOKBACK_DAYS * DAY_MS; d <= nowMs + DAY_MS - 1; d += DAY_MS) {
    if (utcDate(d) > utcDate(nowMs)) break;
    const entries = await listAll(deps.lake, GOLD, `optimization_runs/date=${utcDate(d)}/`);
    const paths = new Set(entries.map((e) => e.path));
    for (const e of entries) {
      if (!e.path.endsWith('/recommendation.json') || e.path.includes('/_work/')) continue;
      const dir = e.path.slice(0, -'recommendation.json'.length);
      if (paths.has(`${dir}accuracy.json`)) continue;
      const bytes = await deps.lake.get(GOLD, e.path);
      const parsed = bytes ? RunRecommendation.safeParse(JSON.parse(new TextDecoder().decode(bytes))) : undefined;
      if (!parsed?.success || parsed.data.run.status !== 'completed') continue;
      const { run, recommendation } = parsed.data;
      const fromMs = run.completedMs + timing.settleMinutes * MINUTE_MS;
      const toMs = fromMs + timing.windowMinutes * MINUTE_MS;
      if (nowMs < toMs) {
        out.waiting++;
        continue;
      }
      const measured = await settledMeasurements(deps.lake, run.lineId, fromMs, toMs);
      if (measured.size === 0 && nowMs < toMs + timing.curationWaitMinutes * MINUTE_MS) {
        out.waiting++;
        continue;
      }
      const predicted: CellPredictionAtRun[] = (recommendation.cellEffects ?? []).map((c) => ({
        cellId: c.cellId,
        cellVoltageV: c.cellVoltageV.after,
        bathTempC: c.bathTempC.after,
        secKWhPerKg: c.secKWhPerKg.after,
        currentEfficiency: c.currentEfficiency.after,
      }));
      const rows = accuracyRows(run, run.startedMs, predicted, measured, {
        fromMs,
        toMs,
        settleMinutes: timing.settleMinutes,
      });
      const accuracy = lineAccuracy(run.lineId, rows);
      // A line beyond the limit is refitted at once from its recent settled runs and fresh bath samples, so the
      // alert says whether a recalibrated model would meet ±5 % (its hold-out error) or what data it lacks.
      const recalibration =
        accuracy.exceeded.length > 0
          ? recalibrateLine(
              await lineObservations(deps.lake, run.lineId, nowMs),
              await readLabSamples(deps.lake, run.lineId, nowMs - RECALIBRATION_LAB_AGE_MS, nowMs + 1),
            )
          : undefined;
      const file: RunAccuracyFile = {
        runId: run.runId,
        lineId: run.lineId,
        assessedAtMs: nowMs,
        line: accuracy,
        rows,
        ...(recalibration ? { recalibration } : {}),
      };
      // The alert goes out before the file that marks the run done: a crash in between repeats the (deduplicated) event.
      if (accuracy.exceeded.length > 0) {
        await deps.publisher.publish([degradedEvent(run.runId, accuracy, nowMs, recalibration)]);
        out.alerts++;
      }
      await deps.lake.put(GOLD, `${dir}accuracy.json`, new TextEncoder().encode(JSON.stringify(file)), {
        contentType: 'application/json',
      });
      out.assessed.push({ runId: run.runId, accuracy });
    }
  }
  return out;
}

/** The event that raises the accuracy alert (the alert notifier's policy names the line and the figures). */
export function degradedEvent(runId: string, accuracy: LineAccuracy, nowMs: number, recalibration?: Recalibration) {
  const figures = accuracy.exceeded
    .map((k) => {
      const v = {
        cellVoltage: accuracy.cellVoltageMapePct,
        bathTemp: accuracy.bathTempMapePct,
        sec: accuracy.secMapePct,
      }[k];
      return `${k} ${v} %`;
    })
    .join(', ');
  return cloudEvent(
    PlantEventType.modelAccuracyDegraded,
    accuracy.lineId,
    {
      runId,
      limitPct: ACCURACY_ALERT_MAPE_PCT,
      reason: `model MAPE above ${ACCURACY_ALERT_MAPE_PCT} % after run ${runId}: ${figures}; ${refit(recalibration)}`,
      ...accuracy,
      ...(recalibration ? { recalibration } : {}),
    },
    { source: MODEL_ACCURACY_SOURCE, id: runId, time: new Date(nowMs) },
  );
}

/** What the alert says of the refit. */
function refit(r: Recalibration | undefined): string {
  if (!r) return "recalibrate the line's model";
  if (!r.ok) return `no refit: ${r.reason}`;
  const params = Object.entries(r.parameters)
    .map(([k, v]) => `${k} ${Math.round(v * 1000) / 1000}`)
    .join(', ');
  return `a refit on ${r.observations} settled cells (${params}) predicts held-out data within ${r.holdOut.mapePct} % MAPE (max ${r.holdOut.maxApePct} %)`;
}

const MinuteRow = z.object({
  cellId: z.string(),
  tag: z.string(),
  minuteStartMs: z.number(),
  count: z.number(),
  sum: z.number(),
});

/** Per cell, the mean of its kept cellVoltage and bathTemp readings in [fromMs, toMs) from curated minutes. */
export async function settledMeasurements(
  lake: LakeStore,
  lineId: string,
  fromMs: number,
  toMs: number,
): Promise<Map<string, SettledMeasurement>> {
  const sums = new Map<string, { v: number; vn: number; t: number; tn: number }>();
  for (let h = Math.floor(fromMs / HOUR_MS) * HOUR_MS; h < toMs; h += HOUR_MS) {
    const rows = await readGoldRows(
      lake,
      goldDataPath(FACT_CELL_MINUTE.name, { date: utcDate(h), lineId, hour: new Date(h).getUTCHours() }),
      MinuteRow,
    );
    for (const r of rows ?? []) {
      if (r.minuteStartMs < fromMs || r.minuteStartMs >= toMs || r.count === 0) continue;
      if (r.tag !== 'cellVoltage' && r.tag !== 'bathTemp') continue;
      const s = sums.get(r.cellId) ?? { v: 0, vn: 0, t: 0, tn: 0 };
      if (r.tag === 'cellVoltage') {
        s.v += r.sum;
        s.vn += r.count;
      } else {
        s.t += r.sum;
        s.tn += r.count;
      }
      sums.set(r.cellId, s);
    }
  }
  const out = new Map<string, SettledMeasurement>();
  for (const [cellId, s] of sums)
    out.set(cellId, {
      ...(s.vn > 0 ? { cellVoltageV: s.v / s.vn } : {}),
      ...(s.tn > 0 ? { bathTempC: s.t / s.tn } : {}),
    });
  return out;
}
