/**
 * Where runs keep their data in the lake (container `gold`). A run's folder is fixed by its line, its start date and
 * its id, so a re-run activity rewrites the same blobs instead of adding new ones:
 *
 *   gold/optimization_runs/date=YYYY-MM-DD/line=<lineId>/run=<runId>/recommendation.json   the full recommendation
 *   …/run=<runId>/_work/snapshot-000.json, predictions-000.json, round-1/…                  what each step saw
 *   gold/pde_runs/date=YYYY-MM-DD/model=<modelId>/<runId>.json                               a PDE run's result
 *
 * `_work/` holds the inputs of each step (Hive readers skip `_` folders); keep it for audit or let the lake's
 * lifecycle rule age it out.
 */
import { utcDate } from '../lake/paths.js';
import type { LakeRef } from './schemas.js';

export const RUNS_CONTAINER = 'gold';

const pad3 = (n: number) => String(n).padStart(3, '0');

/** The folder of one optimisation run, ending with '/'. */
export function optimizationRunDir(lineId: string, runId: string, startedMs: number): string {
  return `optimization_runs/date=${utcDate(startedMs)}/line=${encodeURIComponent(lineId)}/run=${encodeURIComponent(runId)}/`;
}

export const runPaths = {
  snapshotChunk: (dir: string, index: number): LakeRef => ({
    container: RUNS_CONTAINER,
    path: `${dir}_work/snapshot-${pad3(index)}.json`,
  }),
  predictionsChunk: (dir: string, index: number): LakeRef => ({
    container: RUNS_CONTAINER,
    path: `${dir}_work/predictions-${pad3(index)}.json`,
  }),
  roundRecommendation: (dir: string, round: number): LakeRef => ({
    container: RUNS_CONTAINER,
    path: `${dir}_work/round-${round}/recommendation.json`,
  }),
  roundSetPoints: (dir: string, round: number): LakeRef => ({
    container: RUNS_CONTAINER,
    path: `${dir}_work/round-${round}/set-points.json`,
  }),
  recommendation: (dir: string): LakeRef => ({ container: RUNS_CONTAINER, path: `${dir}recommendation.json` }),
};

/** Where a PDE run's full result goes. */
export function pdeRunResultRef(modelId: string, runId: string, startedMs: number): LakeRef {
  return {
    container: RUNS_CONTAINER,
    path: `pde_runs/date=${utcDate(startedMs)}/model=${encodeURIComponent(modelId)}/${encodeURIComponent(runId)}.json`,
  };
}
