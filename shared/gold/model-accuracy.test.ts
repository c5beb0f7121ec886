import { describe, expect, it } from 'vitest';
import { defaultEventPolicies, raiseRequestFromEvent } from '../alerts/plant-events.js';
import { MemoryLakeStore } from '../lake/lake-store.js';
import { utcDate } from '../lake/paths.js';
import { RecordingEventPublisher } from '../messaging/event-publisher.js';
import { PlantEventType } from '../messaging/subscriptions.js';
import { checkLabBatch } from '../lab/batch-upload.js';
import { writeLabBatch } from '../lab/lab-store.js';
import { TEST_PLANT } from '../plant/test-plant.js';
import { assessModelAccuracy, RunAccuracyFile } from './assess-model-accuracy.js';
import { compactJsonFacts } from './json-facts.js';
import { LAB_SAMPLE_FACTS } from './lab-sample-facts.js';
import { MODEL_ACCURACY_FACTS } from './model-accuracy-facts.js';
import { goldDataPath } from './paths.js';
import { FACT_CELL_MINUTE } from './schema.js';
import { decodeGoldTable, encodeGoldTable, type GoldRow } from './table-io.js';

const HOUR = 3_600_000;
const STARTED = Date.UTC(2026, 10, 22, 9, 0, 0);
const COMPLETED = STARTED + 30_000;
const stamp = { codeVersion: 'test', curatedAt: '2026-11-23T00:00:00Z', parameters: {} };
const kpi = (after: number) => ({ before: after, after, changePct: 0, unit: '' });

/** A completed run on `lineId` predicting 4.20 V, 960 °C, CE 0.94 for two cells (and a failed run, never assessed). */
async function writeRun(lake: MemoryLakeStore, lineId: string, runId: string, status = 'completed') {
  const dir = `optimization_runs/date=${utcDate(STARTED)}/line=${lineId}/run=${runId}/`;
  const cellEffects = ['C001', 'C002'].map((c) => ({
    cellId: `${lineId}-${c}`,
    cellVoltageV: kpi(4.2),
    bathTempC: kpi(960),
    secKWhPerKg: kpi((2.98 * 4.2) / 0.94),
    currentEfficiency: kpi(0.94),
  }));
  const file = {
    run: { runId, lineId, startedMs: STARTED, completedMs: COMPLETED, status, outcome: 'applied' },
    problem: {},
    recommendation: { status: 'optimal', cellEffects },
    setPoints: null,
  };
  await lake.put('gold', `${dir}recommendation.json`, new TextEncoder().encode(JSON.stringify(file)));
}

/** Curated minutes of a line over an hour: each cell reads `voltage` V and `bathC` °C, 6 readings a minute. */
async function writeMinutes(lake: MemoryLakeStore, lineId: string, hourStart: number, voltage: number, bathC: number) {
  const rows: GoldRow[] = [];
  for (const cell of ['C001', 'C002'])
    for (let m = 0; m < 60; m++)
      for (const [tag, value] of [
        ['cellVoltage', voltage],
        ['bathTemp', bathC],
      ] as const) {
        const row: GoldRow = Object.fromEntries(
          FACT_CELL_MINUTE.columns.map((c) => [c.field ?? c.name, c.nullable ? null : c.type === 'STRING' ? '' : 0]),
        );
        Object.assign(row, {
          lineId,
          cellId: `${lineId}-${cell}`,
          tag,
          minuteStartMs: hourStart + m * 60_000,
          count: 6,
          sum: 6 * value,
          mean: value,
        });
        rows.push(row);
      }
  const path = goldDataPath(FACT_CELL_MINUTE.name, {
    date: utcDate(hourStart),
    lineId,
    hour: new Date(hourStart).getUTCHours(),
  });
  await lake.put('gold', path, encodeGoldTable(FACT_CELL_MINUTE, rows));
}

describe('model accuracy against the plant', () => {
  it('compares settled measurements with the predictions, alerts a line beyond 5 % MAPE, and does each run once', async () => {
    const lake = new MemoryLakeStore();
    const publisher = new RecordingEventPublisher();
    await writeRun(lake, 'L1', 'opt-L1-a');
    await writeRun(lake, 'L2', 'opt-L2-a');
    await writeRun(lake, 'L3', 'opt-L3-a', 'failed');
    // The settled window is 2–3 h after the run (11:00–12:00): L1 reads 2 % under the prediction, L2 8 % over.
    await writeMinutes(lake, 'L1', STARTED + 2 * HOUR, 4.2 * 0.98, 955);
    await writeMinutes(lake, 'L2', STARTED + 2 * HOUR, 4.2 * 1.08, 965);

    const early = await assessModelAccuracy({ lake, publisher }, COMPLETED + 2.5 * HOUR);
    expect(early).toEqual({ assessed: [], waiting: 2, alerts: 0 });

    const done = await assessModelAccuracy({ lake, publisher }, COMPLETED + 3.5 * HOUR);
    const byLine = Object.fromEntries(done.assessed.map((a) => [a.accuracy.lineId, a.accuracy]));
    // |4.2 − 4.116| / 4.116 = 2.0408 %; SEC from the measured voltage at the predicted CE carries the same error.
    expect(byLine.L1).toMatchObject({ cells: 2, cellsMeasured: 2, cellVoltageMapePct: 2.0408, exceeded: [] });
    expect(byLine.L1!.secMapePct).toBeCloseTo(2.0408, 3);
    expect(byLine.L1!.bathTempMapePct).toBeCloseTo((5 / 955) * 100, 3);
    expect(byLine.L2).toMatchObject({ cellVoltageMapePct: 7.4074, exceeded: ['cellVoltage', 'sec'] });
    expect(done.alerts).toBe(1);
    const [event] = publisher.published;
    expect(event).toMatchObject({ type: PlantEventType.modelAccuracyDegraded, subject: 'L2' });
    expect((event!.data as { reason: string }).reason).toMatch(
      /MAPE above 5 % after run opt-L2-a: cellVoltage 7.4074 %/,
    );

    // The notifier turns the event into a warning for engineering, about line L2.
    const raise = raiseRequestFromEvent(event!, defaultEventPolicies({ operations: ['ops'], engineering: ['eng'] }));
    expect(raise).toMatchObject({ severity: 'warning', channels: ['eng'], lineId: 'L2' });

    const again = await assessModelAccuracy({ lake, publisher }, COMPLETED + 4 * HOUR);
    expect(again).toEqual({ assessed: [], waiting: 0, alerts: 0 });
    expect(publisher.published).toHaveLength(1);

    // Curation compacts the accuracy files into fact_model_accuracy, one row per run × cell.
    const write = await compactJsonFacts(lake, MODEL_ACCURACY_FACTS, utcDate(STARTED), false, stamp);
    expect(write?.rows).toBe(4);
    const rows = await decodeGoldTable((await lake.get('gold', write!.dataPath))!);
    expect(rows.find((r) => r.cellId === 'L2-C001')).toMatchObject({
      runId: 'opt-L2-a',
      predictedCellVoltageV: 4.2,
      measuredCellVoltageV: 4.536,
      cellVoltageApePct: 7.4074,
      settleMinutes: 120,
    });
    expect(await compactJsonFacts(lake, MODEL_ACCURACY_FACTS, utcDate(STARTED), false, stamp)).toBeUndefined();
    const file = RunAccuracyFile.parse(
      JSON.parse(
        new TextDecoder().decode(
          (await lake.get('gold', `optimization_runs/date=2026-11-22/line=L1/run=opt-L1-a/accuracy.json`))!,
        ),
      ),
    );
    expect(file.rows).toHaveLength(2);
  });

  it('judges with null measurements once the curation wait is over when the plant reported nothing', async () => {
    const lake = new MemoryLakeStore();
    const publisher = new RecordingEventPublisher();
    await writeRun(lake, 'L1', 'opt-L1-quiet');
    expect((await assessModelAccuracy({ lake, publisher }, COMPLETED + 4 * HOUR)).waiting).toBe(1);
    const late = await assessModelAccuracy({ lake, publisher }, COMPLETED + 7 * HOUR);
    expect(late.assessed[0]!.accuracy).toMatchObject({ cellsMeasured: 0, cellVoltageMapePct: null, exceeded: [] });
  });

  it('curates lab samples into fact_lab_sample, one row per sample id with its newest report', async () => {
    const lake = new MemoryLakeStore();
    const now = Date.UTC(2026, 10, 22, 18);
    const row = { kind: 'bath', sampleId: 'B-1', cellId: 'L1-C001', sampledAt: '2026-11-22T08:00:00Z', caf2Pct: 5 };
    const first = [
      { ...row, alf3Pct: 10 },
      {
        kind: 'metal',
        sampleId: 'M-1',
        cellId: 'L2-C002',
        sampledAt: '2026-11-22T09:00:00Z',
        fePct: 0.21,
        siPct: 0.07,
      },
    ];
    await writeLabBatch(lake, first, checkLabBatch(first, TEST_PLANT, now), now);
    const corrected = [{ ...row, alf3Pct: 10.6 }];
    await writeLabBatch(lake, corrected, checkLabBatch(corrected, TEST_PLANT, now + HOUR), now + HOUR);
    const write = await compactJsonFacts(lake, LAB_SAMPLE_FACTS, '2026-11-22', false, stamp);
    const rows = await decodeGoldTable((await lake.get('gold', write!.dataPath))!);
    expect(rows.map((r) => [r.sampleId, r.lineId, r.kind, r.alf3Pct, r.fePct, r.dateKey])).toEqual([
      ['B-1', 'L1', 'bath', 10.6, null, 20261122],
      ['M-1', 'L2', 'metal', null, 0.21, 20261122],
    ]);
  });
});
