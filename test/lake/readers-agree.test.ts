/**
 * Independent Parquet readers agree on the lake: telemetry goes through the real ingest path and the hourly curation
 * (silver compacted, gold curated, a day without plant events giving zero-row entity files), the lake is copied to
 * disk as it is laid out, and then
 * - DuckDB reads silver and every gold table with hive partitioning: types (UTC instants, booleans, dates) and row
 *   counts as written;
 * - arrow-rs (parquet-wasm) reads every Parquet file, zero-row ones included, with the footer's row count.
 */
import { tagResolverOf } from '../../shared/plant/tag-resolver.js';
import { PlantIndex } from '../../shared/plant/plant-index.js';
import { testPlantWith } from '../../shared/plant/test-plant.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as arrowRs from 'parquet-wasm/node';
import { afterAll, describe, expect, it } from 'vitest';
import { curateRange } from '../../shared/gold/curate.js';
import { testCurationConfig } from '../../shared/gold/fixtures.js';
import { GOLD_TABLES } from '../../shared/gold/schema.js';
import { listAll, MemoryLakeStore } from '../../shared/lake/lake-store.js';
import { recordPlantEvent } from '../../shared/ledger/ledger-writer.js';
import { LocalAuditLedger } from '../../shared/ledger/local-ledger.js';
import { runEvents } from '../../shared/orchestration/run-events.js';
import { parquetRowCount } from '../../shared/lake/parquet.js';
import { readSilverDate } from '../../shared/telemetry/silver-hours.js';
import { newSensorStateStore } from '../../shared/telemetry/cleanse.js';
import { MemoryHotStateStore } from '../../shared/telemetry/hot-state.js';
import { ingestBatch, type IngestEvent } from '../../shared/telemetry/ingest.js';

const T0 = Date.parse('2026-11-22T10:58:00Z'); // the stream crosses 11:00, so silver has two hours per line
const dir = mkdtempSync(path.join(os.tmpdir(), 'readers-agree-'));
/** The plant the stream comes from: two lines of four cells. */
const plant = new PlantIndex(testPlantWith({ L1: 4, L2: 4 }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Four minutes of two lines × four cells, one body per second and partition, a few bad points among them. */
function events(): IngestEvent[] {
  const out: IngestEvent[] = [];
  let seq = 0;
  for (let s = 0; s < 240; s++) {
    for (const p of ['0', '1']) {
      const lineId = p === '0' ? 'L1' : 'L2';
      const points = [1, 2, 3, 4].flatMap((c) => [
        { lineId, cellId: `${lineId}-C00${c}`, tag: 'cellVoltage', value: 4.2 + c / 100, unit: 'V' },
        ...(s % 5 === 0 ? [{ lineId, cellId: `${lineId}-C00${c}`, tag: 'bathTemp', value: 960, unit: 'degC' }] : []),
      ]);
      points.push({ lineId, cellId: `${lineId}-LINE`, tag: 'lineCurrent', value: 126, unit: 'kA' });
      if (s === 100) points.push({ lineId, cellId: `${lineId}-C001`, tag: 'cellVoltage', value: 40, unit: 'V' });
      const ts = new Date(T0 + s * 1000).toISOString();
      out.push({
        body: new TextEncoder().encode(JSON.stringify(points.map((x) => ({ ...x, ts, quality: 'good' })))),
        partition: p,
        sequenceNumber: seq++,
        enqueuedTimeUtc: new Date(T0 + s * 1000 + 150),
      });
    }
  }
  return out;
}

async function writeLakeToDisk(lake: MemoryLakeStore): Promise<string[]> {
  const files: string[] = [];
  for (const container of ['silver', 'gold']) {
    for (const e of await listAll(lake, container, '')) {
      if (!e.path.endsWith('.parquet')) continue;
      const file = path.join(dir, container, e.path);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, (await lake.get(container, e.path))!);
      files.push(file);
    }
  }
  return files;
}

describe('Parquet readers agree on the lake', () => {
  it('DuckDB with hive partitioning and arrow-rs read silver and gold as written', async () => {
    const lake = new MemoryLakeStore();
    const deps = {
      lake,
      hotState: new MemoryHotStateStore(),
      sensors: newSensorStateStore(31),
      settings: {
        TELEMETRY_HUB: 'telemetry',
        TELEMETRY_CONSUMER_GROUP: 'ingest',
        CLEANSING_WINDOW: 31,
        INTERPOLATE_MAX_GAP_INTERVALS: 5,
      },
      tags: tagResolverOf(plant),
      log: { info: () => {}, warn: () => {}, error: () => {} },
    };
    const all = events();
    for (let i = 0; i < all.length; i += 40) await ingestBatch(all.slice(i, i + 40), deps);
    // One optimisation run that changed nothing: the day's set-point and alert facts are files with no rows.
    const ledger = await LocalAuditLedger.open(lake, { collectionId: 'plant-01' });
    const run = {
      runId: 'opt-L1-1',
      lineId: 'L1',
      startedMs: T0,
      completedMs: T0 + 60_000,
      status: 'completed' as const,
      objectiveKWhPerKg: 13.9,
      baselineKWhPerKg: 13.9,
      cellsChanged: 0,
      modelVersion: '0.1.0',
      mode: 'closed-loop' as const,
      trigger: 'schedule' as const,
      requestedBy: 'schedule',
      outcome: 'unchanged' as const,
      setPointEvents: 0,
      heldEquipment: 0,
    };
    for (const e of runEvents(run, [], { correlationId: 'c', time: new Date(T0 + 60_000).toISOString() }))
      await recordPlantEvent(e, { ledger, lake, collectionId: 'plant-01' });
    const curation = await curateRange(
      lake,
      { fromMs: T0, toMs: T0 + 2 * 3_600_000 },
      testCurationConfig(undefined, false, plant),
    );
    expect(curation.silver.map((s) => [s.lineId, s.hour, s.filesAfter])).toEqual([
      ['L1', 10, 1],
      ['L1', 11, 1],
      ['L2', 10, 1],
      ['L2', 11, 1],
    ]);
    const silverRows = (await readSilverDate(lake, '2026-11-22')).length;
    const files = await writeLakeToDisk(lake);

    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    await con.run(`set timezone = 'UTC'`);
    const rows = async (sql: string) => (await con.runAndReadAll(sql)).getRowObjectsJson();
    const glob = (p: string) => `read_parquet('${path.join(dir, p).replaceAll("'", "''")}', hive_partitioning = true)`;

    // Silver: hive columns date, line, hour; event and enqueued times as UTC instants; one row per point.
    const silver = glob('silver/telemetry/*/*/*/*.parquet');
    const silverTypes = Object.fromEntries(
      (await rows(`describe select * from ${silver}`)).map((r) => [r.column_name, r.column_type]),
    );
    expect(silverTypes).toMatchObject({
      eventTimeUtc: 'TIMESTAMP WITH TIME ZONE',
      enqueuedTimeUtc: 'TIMESTAMP WITH TIME ZONE',
      value: 'DOUBLE',
      sequenceNumber: 'BIGINT',
      date: 'DATE',
      line: 'VARCHAR',
      hour: 'BIGINT',
    });
    const [counts] = await rows(
      `select count(*)::int n, count(distinct (partition, sequenceNumber, cellId, tag, eventTimeUtc))::int distinct_points,
              count(*) filter (where hour(eventTimeUtc) <> hour)::int misplaced, min(eventTimeUtc)::varchar first_at
       from ${silver}`,
    );
    expect(counts).toEqual({
      n: silverRows,
      distinct_points: silverRows,
      misplaced: 0,
      first_at: '2026-11-22 10:58:00+00',
    });

    // Gold: every table that curation wrote, with the schema's types; row counts as the footers say.
    const duckType = {
      STRING: 'VARCHAR',
      DOUBLE: 'DOUBLE',
      INT32: 'INTEGER',
      INT64: 'BIGINT',
      TIMESTAMP: 'TIMESTAMP WITH TIME ZONE',
      BOOLEAN: 'BOOLEAN',
      DATE: 'DATE',
    };
    for (const t of GOLD_TABLES) {
      const tableFiles = files.filter((f) => f.includes(`${path.sep}gold${path.sep}${t.name}${path.sep}`));
      expect(tableFiles.length, `${t.name} has files`).toBeGreaterThan(0);
      const source = glob(`gold/${t.name}/${t.partitions.map(() => '*/').join('')}*.parquet`);
      const described = await rows(`describe select * from ${source}`);
      for (const c of t.columns)
        expect(described.find((r) => r.column_name === c.name)?.column_type, `${t.name}.${c.name}`).toBe(
          duckType[c.type],
        );
      const [{ n }] = (await rows(`select count(*)::int n from ${source}`)) as [{ n: number }];
      const fromFooters = tableFiles.reduce((a, f) => a + parquetRowCount(new Uint8Array(readFileSync(f))), 0);
      expect(n, t.name).toBe(fromFooters);
    }
    const [day] = await rows(
      `select count(*)::int n, bool_or(isLineSensor) line_sensor from ${glob('gold/dim_cell/*.parquet')}`,
    );
    expect(day).toEqual({ n: 10, line_sensor: true });
    con.closeSync();

    // arrow-rs: every file, the zero-row entity facts of a day without plant events among them.
    let empty = 0;
    for (const f of files) {
      const bytes = new Uint8Array(readFileSync(f));
      const table = tableFromIPC(arrowRs.readParquet(bytes).intoIPCStream());
      expect(table.numRows, f).toBe(parquetRowCount(bytes));
      if (table.numRows === 0) empty++;
      for (const field of table.schema.fields)
        if (String(field.type).startsWith('Timestamp'))
          expect(String(field.type), `${f} ${field.name}`).toBe('Timestamp<MILLISECOND, UTC>');
    }
    expect(empty).toBeGreaterThan(0);
  });
});
