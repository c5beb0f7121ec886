/**
 * Step 1 of an optimisation run: everything the run knows about the line, read once and written to the lake in
 * chunks (one per prediction activity): each cell's newest readings, manual overrides, the set points its PLC reports
 * holding (read-back) and its anode-effect history from gold, plus the line current and the line's stored constraints.
 */
import { z } from 'zod';
import type { LakeStore } from '../lake/lake-store.js';
import { UserConstraint } from '../optimize/schema.js';
import { READBACK_TAG } from '../scada/readback.js';
import { scopeKeyOf, type OverrideDoc, type OverrideStore } from '../scada/override.js';
import { DEFAULT_CLOCK_SKEW_TOLERANCE_MS } from '../plant/envelope-limits.js';
import { LINE_EQUIPMENT_SUFFIX, PresentValues, SET_POINT_FIELDS } from '../plant/set-point.js';
import { TagLatest, type CellStateDoc, type LineStateReader } from '../telemetry/hot-state.js';
import { putJson } from './lake-json.js';
import type { LineConstraintStore } from './line-constraints.js';
import type { BathSample, CellSnapshot } from './measured-state.js';
import { runPaths } from './run-paths.js';
import { LakeRef } from './schemas.js';

/** A cell's anode effects over the last day as gold counts them (hours with voltage readings only). */
export const AnodeEffectHistory = z.object({
  coveredDays: z.number(),
  anodeEffects: z.number(),
  anodeEffectMinutes: z.number(),
});
export type AnodeEffectHistory = z.infer<typeof AnodeEffectHistory>;

export const CellSnapshotSchema = z.object({
  cellId: z.string(),
  tags: z.record(z.string(), TagLatest),
  manual: z.array(z.object({ scopeKey: z.string(), reason: z.string(), requestedBy: z.string() })),
  /** Set points the cell's PLC reports holding (read-back), where the report is fresh. */
  reported: PresentValues,
  gold: AnodeEffectHistory.optional(),
  /** The newest bath sample in the look-back (predict-cells decides whether it is fresh enough to use). */
  lab: z
    .object({
      sampleId: z.string(),
      sampledAtMs: z.number(),
      alf3Pct: z.number(),
      caf2Pct: z.number(),
      mgf2Pct: z.number().optional(),
      lifPct: z.number().optional(),
    })
    .optional(),
});

/** One snapshot chunk as written to the lake. */
export const SnapshotChunk = z.object({ lineId: z.string(), cells: z.array(CellSnapshotSchema) });
export type SnapshotChunk = z.infer<typeof SnapshotChunk>;

export const LineSnapshotRequest = z.object({
  runId: z.string(),
  lineId: z.string(),
  /** The run's time (the orchestrator's replay-safe clock), epoch ms. */
  snapshotAtMs: z.number(),
  /** The run's lake folder (run-paths.ts); chunks go to its `_work/snapshot-NNN.json`. */
  runDir: z.string().min(1),
  /** Cells per chunk (one prediction activity each). */
  chunkCells: z.number().int().min(1),
  /** A reading older than this (against snapshotAtMs) does not describe the present, ms. */
  maxReadingAgeMs: z.number().int().positive(),
});
export type LineSnapshotRequest = z.infer<typeof LineSnapshotRequest>;

export const LineSnapshot = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    lineCurrentKA: z.number(),
    cells: z.number().int(),
    /** The chunks written, in cell order. */
    chunks: z.array(z.object({ ref: LakeRef, cells: z.number().int() })),
    storedConstraints: z.array(UserConstraint),
    /** The constraints document's version, for the record (absent when the line has none). */
    constraintsVersion: z.number().int().optional(),
    cellsWithGold: z.number().int(),
    /** Cells with a bath sample in the look-back (fresh or not). */
    cellsWithLab: z.number().int().optional(),
  }),
  z.object({ ok: z.literal(false), reason: z.string() }),
]);
export type LineSnapshot = z.infer<typeof LineSnapshot>;

export interface SnapshotDeps {
  lineState: LineStateReader;
  overrides: OverrideStore;
  constraints: Pick<LineConstraintStore, 'get'>;
  lake: LakeStore;
  /** Per cell of the line, its anode effects over the day before `atMs` (gold; cells without history absent). */
  anodeEffectHistory(lineId: string, atMs: number): Promise<ReadonlyMap<string, AnodeEffectHistory>>;
  /**
   * Per cell of the line, its newest bath sample taken in the LAB_LOOKBACK_MS before `atMs` (cells without one absent);
   * lab-chemistry.ts reads them from the lab store.
   */
  bathSamples(lineId: string, atMs: number): Promise<ReadonlyMap<string, BathSample>>;
}

/**
 * How far back the snapshot looks for a bath sample, ms: longer than any sensible age limit, so a cell whose newest
 * sample is too old is told so (with its age) rather than reported as never sampled.
 */
export const LAB_LOOKBACK_MS = 7 * 86_400_000;

/** Reads the line and writes its snapshot chunks; `ok: false` (not retried) when the line cannot be optimised at all. */
export async function loadLineSnapshot(deps: SnapshotDeps, req: LineSnapshotRequest): Promise<LineSnapshot> {
  const docs = await deps.lineState.cellsOfLine(req.lineId);
  const lineDoc = docs.find((d) => d.cellId === `${req.lineId}${LINE_EQUIPMENT_SUFFIX}`);
  const cellDocs = docs.filter((d) => d !== lineDoc);
  if (cellDocs.length === 0)
    return {
      ok: false,
      reason: `no cell of line ${req.lineId} has telemetry in cell-state; is the line sending data?`,
    };
  const current = lineDoc?.tags.lineCurrent;
  if (!current)
    return {
      ok: false,
      reason: `line ${req.lineId} has no lineCurrent reading (${req.lineId}${LINE_EQUIPMENT_SUFFIX}); cells cannot be modelled without it`,
    };
  const currentAgeMs = req.snapshotAtMs - current.ts;
  if (currentAgeMs > req.maxReadingAgeMs)
    return {
      ok: false,
      reason: `the newest lineCurrent of ${req.lineId} is ${Math.round(currentAgeMs / 1000)} s old (limit ${Math.round(req.maxReadingAgeMs / 1000)} s)`,
    };
  // A reading dated ahead of the clock (a negative age) says nothing about now: stale as well.
  if (-currentAgeMs > DEFAULT_CLOCK_SKEW_TOLERANCE_MS)
    return {
      ok: false,
      reason: `the newest lineCurrent of ${req.lineId} is dated ${Math.round(-currentAgeMs / 1000)} s in the future; check the source's clock`,
    };
  if (!(current.value > 0))
    return { ok: false, reason: `line ${req.lineId} reads ${current.value} kA: the line is off` };

  const [lineOverride, cellOverrides, stored, gold, lab] = await Promise.all([
    deps.overrides.get(scopeKeyOf({ kind: 'line', lineId: req.lineId })),
    Promise.all(cellDocs.map((d) => deps.overrides.get(scopeKeyOf({ kind: 'cell', cellId: d.cellId })))),
    deps.constraints.get(req.lineId),
    deps.anodeEffectHistory(req.lineId, req.snapshotAtMs),
    deps.bathSamples(req.lineId, req.snapshotAtMs),
  ]);
  const cells: CellSnapshot[] = cellDocs.map((doc, i) => ({
    cellId: doc.cellId,
    tags: doc.tags,
    manual: [lineOverride, cellOverrides[i]]
      .filter((o): o is OverrideDoc => o?.mode === 'manual')
      .map((o) => ({ scopeKey: o.scopeKey, reason: o.reason, requestedBy: o.requestedBy })),
    reported: reportedSetPoints(
      doc,
      req.snapshotAtMs - req.maxReadingAgeMs,
      req.snapshotAtMs + DEFAULT_CLOCK_SKEW_TOLERANCE_MS,
    ),
    ...(gold.has(doc.cellId) ? { gold: gold.get(doc.cellId)! } : {}),
    ...(lab.has(doc.cellId) ? { lab: lab.get(doc.cellId)! } : {}),
  }));

  // Cells spread evenly over the fewest chunks of at most chunkCells, so the activities finish together.
  const chunkCount = Math.ceil(cells.length / req.chunkCells);
  const perChunk = Math.ceil(cells.length / chunkCount);
  const chunks = await Promise.all(
    Array.from({ length: chunkCount }, async (_, i) => {
      const part = cells.slice(i * perChunk, (i + 1) * perChunk);
      const chunk: SnapshotChunk = { lineId: req.lineId, cells: part };
      return { ref: await putJson(deps.lake, runPaths.snapshotChunk(req.runDir, i), chunk), cells: part.length };
    }),
  );
  return {
    ok: true,
    lineCurrentKA: current.value,
    cells: cells.length,
    chunks: chunks.filter((c) => c.cells > 0),
    storedConstraints: stored?.constraints ?? [],
    ...(stored ? { constraintsVersion: stored.version } : {}),
    cellsWithGold: gold.size,
    cellsWithLab: cells.filter((c) => c.lab).length,
  };
}

/** Anode effects per cell over the last day of `fact_cell_hour` and the cell-days that observed them. */
/** The set points a cell's PLC reports holding, from its hot-state read-back tags no older than `sinceMs`. */
function reportedSetPoints(doc: CellStateDoc, sinceMs: number, untilMs: number): PresentValues {
  const out: { -readonly [K in keyof PresentValues]: PresentValues[K] } = {};
  for (const field of SET_POINT_FIELDS) {
    const r = doc.tags[READBACK_TAG[field]];
    if (r && r.ts >= sinceMs && r.ts <= untilMs) out[field] = r.value;
  }
  return out;
}
