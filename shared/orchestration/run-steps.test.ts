/**
 * The steps of an optimisation run, chained as the orchestrator chains them, over the in-memory ports: what each
 * step reads, what it leaves in the lake, how the envelope's refusals feed the next round, and that recording and
 * publishing twice (an activity re-run after a crash) leaves one record and the same event ids.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cellStateDocs, readbackDocsOf } from '../../local/simulator/cell-state.js';
import { createPotline, type Potline } from '../../local/simulator/index.js';
import { anodeEffectHistory } from '../gold/anode-effect-history.js';
import { goldDataPath } from '../gold/paths.js';
import { FACT_CELL_HOUR } from '../gold/schema.js';
import { encodeGoldTable, type GoldRow } from '../gold/table-io.js';
import { MemoryLakeStore } from '../lake/lake-store.js';
import { utcDate } from '../lake/paths.js';
import { RecordingEventPublisher } from '../messaging/event-publisher.js';
import { PlantEventType } from '../messaging/subscriptions.js';
import { proposedCommand, transition } from '../scada/command.js';
import { MemoryCommandRepository } from '../scada/command-repository.js';
import { TEST_PLANT } from '../plant/test-plant.js';
import { limitsFromPlant } from '../scada/equipment-limits.js';
import { MemoryOverrideStore } from '../scada/override.js';
import { MemoryReadbackStore } from '../scada/readback.js';
import { MemoryHotStateStore } from '../telemetry/hot-state.js';
import { checkSetPointEnvelope, RoundSetPoints } from './envelope-check.js';
import { getJson } from './lake-json.js';
import { MemoryLineConstraintStore } from './line-constraints.js';
import { loadLineSnapshot } from './line-snapshot.js';
import { optimizeSetPoints, type OptimizeResult } from './optimize-set-points.js';
import { predictCells, type PredictCellsResult } from './predict-cells.js';
import { publishOptimizationEvents, recordOptimizationRun } from './record-run.js';
import { RunBook } from './run-book.js';
import { runPaths } from './run-paths.js';
import { MemoryRunStore } from './run-store.js';
import { OptimizationRunEventData, type OptimizationRunInput } from './schemas.js';

const plantAt = async (version: string) => {
  if (version !== TEST_PLANT.version) throw new Error(`no plant version ${version}`);
  return TEST_PLANT;
};
const RUN_ID = 'opt-L1-steps';
let potline: Potline;
let nowMs: number;
const hot = new MemoryHotStateStore();
const overrides = new MemoryOverrideStore();
const commands = new MemoryCommandRepository();
const readback = new MemoryReadbackStore();
const constraints = new MemoryLineConstraintStore();
const lake = new MemoryLakeStore();
const input: OptimizationRunInput = {
  lineId: 'L1',
  mode: 'closed-loop',
  userConstraints: [],
  approvalTimeoutMinutes: 30,
  requestedBy: 'schedule',
  trigger: 'schedule',
  correlationId: RUN_ID,
  modelVersion: 'test',
  plantVersion: TEST_PLANT.version,
};

/** A fact_cell_hour file for the line with one anode effect per cell in the last day (coverage 20 h). */
function goldCellHours(cellIds: string[], endMs: number): Uint8Array {
  const rows: GoldRow[] = [];
  for (const cellId of cellIds) {
    for (let h = 1; h <= 20; h++) {
      const row: GoldRow = Object.fromEntries(
        FACT_CELL_HOUR.columns.map((c) => [c.name, c.nullable ? null : c.type === 'STRING' ? '' : 0]),
      );
      const start = Math.floor(endMs / 3_600_000) * 3_600_000 - h * 3_600_000;
      Object.assign(row, {
        lineId: 'L1',
        cellId,
        hourStartMs: start,
        minutesWithVoltage: 60,
        anodeEffectCount: h === 5 ? 1 : 0,
        anodeEffectMinutes: h === 5 ? 2 : 0,
      });
      rows.push(row);
    }
  }
  return encodeGoldTable(FACT_CELL_HOUR, rows);
}

beforeAll(async () => {
  potline = createPotline({
    lines: 1,
    cellsPerLine: 24,
    seed: 4,
    startMs: Date.UTC(2026, 10, 22, 9, 59, 20),
    feederChokesPerCellDay: 0,
    lineRampsPerDay: 0,
  });
  const docs = await cellStateDocs(potline);
  for (const doc of docs) await hot.upsertCell(doc);
  for (const doc of readbackDocsOf(docs)) await readback.saveLatest(doc);
  nowMs = potline.nowMs();
  await overrides.put(
    {
      id: 'cell:L1-C005',
      scopeKey: 'cell:L1-C005',
      scope: { kind: 'cell', cellId: 'L1-C005' },
      mode: 'manual',
      reason: 'anode change',
      requestedBy: 'olga',
      requestedAtMs: nowMs,
      version: 1,
      correlationId: 'c',
      updatedAtMs: nowMs,
    },
    undefined,
  );
  await constraints.replace(
    'L1',
    {
      constraints: [
        { scope: 'cell', cellId: 'L1-C007', variable: 'acdCm', freeze: true, reason: 'probe' },
        { scope: 'cell', cellId: 'L1-C099', variable: 'acdCm', min: 3, freeze: false },
      ],
      updatedBy: 'erin',
      updatedAtMs: nowMs,
      correlationId: 'c',
    },
    () => [],
  );
  const cellIds = docs.map((d) => d.cellId).filter((id) => id !== 'L1-LINE');
  await lake.put(
    'gold',
    goldDataPath(FACT_CELL_HOUR.name, { date: utcDate(nowMs), lineId: 'L1' }),
    goldCellHours(cellIds, nowMs),
  );
});

describe('the steps of an optimisation run', () => {
  const run = () => new RunBook(RUN_ID, input, nowMs);
  let book: RunBook;
  let predictions: PredictCellsResult[];

  it('snapshots the line in even chunks with overrides, gold history and the stored constraints', async () => {
    book = run();
    const snap = await loadLineSnapshot(
      {
        lineState: hot,
        overrides,
        constraints,
        lake,
        anodeEffectHistory: (lineId, atMs) => anodeEffectHistory(lake, lineId, atMs),
      },
      { runId: RUN_ID, lineId: 'L1', snapshotAtMs: nowMs, runDir: book.dir, chunkCells: 10, maxReadingAgeMs: 60_000 },
    );
    if (!snap.ok) throw new Error(snap.reason);
    expect(snap.chunks.map((c) => c.cells)).toEqual([8, 8, 8]);
    expect(snap.chunks[0]!.ref.path).toBe(`${book.dir}_work/snapshot-000.json`);
    expect(snap).toMatchObject({
      cells: 24,
      cellsWithGold: 24,
      constraintsVersion: 1,
      storedConstraints: [{ cellId: 'L1-C007' }, { cellId: 'L1-C099' }],
    });
    expect(snap.lineCurrentKA).toBeGreaterThan(100);

    predictions = await Promise.all(
      snap.chunks.map((c, i) =>
        predictCells(
          { lake, plantAt },
          {
            runId: RUN_ID,
            lineId: 'L1',
            plantVersion: TEST_PLANT.version,
            lineCurrentKA: snap.lineCurrentKA,
            snapshotAtMs: nowMs,
            maxReadingAgeMs: 60_000,
            chunk: c.ref,
            out: runPaths.predictionsChunk(book.dir, i),
          },
        ),
      ),
    );
    book.notePredictions(predictions);
    expect(book.usableCells).toBe(24);
    expect(book.hold.map((h) => h.equipmentId)).toEqual(['L1-C005']);
    expect(book.freezeLineCurrent).toBeUndefined();
  });

  it('says no run is possible for a line without telemetry, or without a fresh line current', async () => {
    const snap = (lineId: string, at = nowMs) =>
      loadLineSnapshot(
        {
          lineState: hot,
          overrides,
          constraints,
          lake,
          anodeEffectHistory: (lineId, atMs) => anodeEffectHistory(lake, lineId, atMs),
        },
        { runId: 'x', lineId, snapshotAtMs: at, runDir: 'x/', chunkCells: 10, maxReadingAgeMs: 60_000 },
      );
    expect(await snap('L7')).toMatchObject({ ok: false, reason: expect.stringContaining('no cell of line L7') });
    expect(await snap('L1', nowMs + 600_000)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/newest lineCurrent of L1 is \d+ s old/),
    });
  });

  it('re-optimises holding what the envelope refuses, and then proposes only what it accepts', async () => {
    // The dispatcher knows L1-C010 moved 0.6 cm in the last hour (its hourly ACD budget) and L1-C011 went quiet.
    const moved = transition(
      transition(
        transition(
          proposedCommand(
            {
              commandId: 'cmd-old',
              recommendationId: 'old/L1-C010',
              sourceEventId: 'e',
              correlationId: 'c',
              equipmentId: 'L1-C010',
              lineId: 'L1',
              action: 'setpoint',
              setPoint: { acdCm: 3.5 },
              reportedPresent: { acdCm: 2.9 },
            },
            nowMs - 600_000,
          ),
          'approved',
          nowMs - 600_000,
          { deltas: { acdCm: 0.6 } },
        ),
        'dispatched',
        nowMs - 599_000,
        { attempts: 1 },
      ),
      'acknowledged',
      nowMs - 598_000,
      {
        ack: {
          appliedAtMs: nowMs - 598_000,
          applied: { acdCm: 3.5 },
          previous: { acdCm: 2.9 },
          correlationId: 'c',
          receivedAtMs: nowMs - 598_000,
        },
      },
    );
    await commands.create(moved);
    const quiet = (await hot.getCell('L1-C011'))!;
    await hot.upsertCell({
      ...quiet,
      tags: { ...quiet.tags, cellVoltage: { ...quiet.tags.cellVoltage!, ts: nowMs - 120_000 } },
    });

    const userConstraints = (await constraints.get('L1'))!.constraints;
    const round = async (): Promise<{ opt: OptimizeResult; verdict: ReturnType<RunBook['afterEnvelope']> }> => {
      book.round++;
      const refs = book.roundRefs();
      const opt = await optimizeSetPoints(
        { lake, plantAt },
        {
          runId: RUN_ID,
          lineId: 'L1',
          plantVersion: TEST_PLANT.version,
          round: book.round,
          lineCurrentKA: 126,
          predictions: predictions.map((p) => p.ref),
          userConstraints,
          hold: book.hold,
          ...(book.freezeLineCurrent ? { freezeLineCurrent: book.freezeLineCurrent } : {}),
          out: refs.recommendation,
        },
      );
      const env = await checkSetPointEnvelope(
        {
          hotState: hot,
          overrides,
          readback,
          commands,
          lake,
          limitsFor: limitsFromPlant({ current: async () => TEST_PLANT }),
          clock: () => nowMs,
        },
        { runId: RUN_ID, lineId: 'L1', recommendation: opt.ref, out: refs.setPoints },
      );
      return { opt, verdict: book.afterEnvelope(opt, env) };
    };
    const first = await round();
    expect(first.opt.droppedConstraints).toEqual([
      expect.objectContaining({ constraint: expect.objectContaining({ cellId: 'L1-C099' }) }),
    ]);
    expect(first.verdict.next).toBe('retry');
    const refused = book.envelope!.refused;
    expect(refused.find((r) => r.equipmentId === 'L1-C011')).toMatchObject({ rules: ['interlock-stale-data'] });
    expect(refused.find((r) => r.equipmentId === 'L1-C010')?.rules).toContain('max-rate');

    const second = await round();
    expect(second.verdict).toEqual({ next: 'accept' });
    const setPoints = await getJson(lake, book.envelope!.ref, RoundSetPoints);
    const moved2 = new Set(setPoints.setPoints.map((s) => s.equipmentId));
    for (const held of ['L1-C005', 'L1-C010', 'L1-C011']) expect(moved2.has(held), held).toBe(false);
    expect(setPoints.setPoints.find((s) => s.equipmentId === 'L1-C007')?.setPoint.acdCm).toBeUndefined();
    expect(book.hasSetPoints).toBe(true);
  });

  it('records and publishes idempotently: twice gives one run document and the same event ids', async () => {
    book.settleWithoutApproval();
    const result = book.result(nowMs + 5000);
    expect(OptimizationRunEventData.parse(result)).toMatchObject({
      status: 'completed',
      outcome: 'applied',
      heldEquipment: 3,
    });
    const runs = new MemoryRunStore();
    const publisher = new RecordingEventPublisher();
    const req = {
      run: result,
      correlationId: RUN_ID,
      round: { recommendation: book.proposal!.recommendation, setPoints: book.envelope!.ref },
      out: runPaths.recommendation(book.dir),
    };
    const a = await recordOptimizationRun({ lake, runs }, req);
    const b = await recordOptimizationRun({ lake, runs }, req);
    expect(a).toEqual(b);
    expect(runs.writes).toBe(2);
    expect([...runs.docs.keys()]).toEqual([RUN_ID]);

    const publish = {
      run: OptimizationRunEventData.parse({ ...result, recommendation: a.recommendation }),
      correlationId: RUN_ID,
      time: new Date(nowMs + 5000).toISOString(),
      setPoints: book.envelope!.ref,
    };
    const first = await publishOptimizationEvents({ lake, publisher }, publish);
    const again = await publishOptimizationEvents({ lake, publisher }, publish);
    expect(again.eventIds).toEqual(first.eventIds);
    const types = publisher.published.slice(0, first.eventIds.length).map((e) => e.type);
    expect(types.filter((t) => t === PlantEventType.setpointRecommended)).toHaveLength(result.setPointEvents);
    expect(types.at(-1)).toBe(PlantEventType.optimizationCompleted);
  });
});
