/**
 * `npm run bench -- curation [--cells 300] [--points-per-min 16667]`: time to curate one hour of one line at the
 * default simulator rate (50,000 points/min over 3 lines ≈ 16,700 per line). The hour's per-batch silver files and
 * minute partials are generated synthetically as the ingest path writes them (4 partitions, 10-s batches, cells
 * hashed to partitions) into an in-memory lake, so the figures are the curation's own CPU time, without storage
 * latency: first the silver compaction of the hour (rows/s, files of the line-hour before and after), then the gold.
 * Target: under 60 s (the plant requires under 15 min).
 */
import { parseArgs } from 'node:util';
import { MemoryLakeStore } from '../shared/lake/lake-store.js';
import { goldMinutePath, silverPath } from '../shared/lake/paths.js';
import { compactSilverHour } from '../shared/telemetry/silver-hours.js';
import { encodeMinuteAggregates, encodeSilver } from '../shared/telemetry/telemetry-tables.js';
import { aggregateMinutes } from '../shared/telemetry/aggregates.js';
import { mulberry32 } from '../shared/telemetry/test-support.js';
import type { SilverRow } from '../shared/telemetry/records.js';
import { curateRange } from '../shared/gold/curate.js';
import { silverRow, testCurationConfig } from '../shared/gold/fixtures.js';

const HOUR_START_MS = Date.parse('2026-11-22T10:00:00Z');
const PARTITIONS = 4;
const BATCH_S = 10;
/** Readings per cell-minute by tag, in the simulator's sampling ratio (voltage 1 : bath, beam 5 : heights, shell 30). */
const PER_MINUTE: [string, number, number][] = [
  ['cellVoltage', 40, 4.3],
  ['bathTemp', 6, 962],
  ['anodeBeamPosition', 6, 30],
  ['metalHeight', 1, 20],
  ['bathHeight', 1, 18],
  ['shellTemp', 1, 320],
];

/** Generates the hour's partial files; returns how many points and files. */
async function generate(
  lake: MemoryLakeStore,
  cells: number,
  pointsPerMin: number,
): Promise<{ points: number; files: number }> {
  const rnd = mulberry32(42);
  const perCell = PER_MINUTE.reduce((a, [, n]) => a + n, 0);
  const scale = pointsPerMin / (cells * perCell);
  let points = 0;
  let files = 0;
  const seq = new Array<number>(PARTITIONS).fill(0);
  for (let t = 0; t < 3600; t += BATCH_S) {
    const byPartition: SilverRow[][] = Array.from({ length: PARTITIONS }, () => []);
    const windowMs = HOUR_START_MS + t * 1000;
    byPartition[0]!.push(
      ...Array.from({ length: BATCH_S }, (_, i) =>
        silverRow('L1', 'L1-LINE', 'lineCurrent', windowMs + i * 1000, 126 + rnd()),
      ),
    );
    for (let c = 1; c <= cells; c++) {
      const cellId = `L1-C${String(c).padStart(3, '0')}`;
      const part = byPartition[c % PARTITIONS]!;
      for (const [tag, perMin, level] of PER_MINUTE) {
        const n = Math.max(1, Math.round((perMin * scale * BATCH_S) / 60));
        for (let i = 0; i < n; i++)
          part.push(
            silverRow(
              'L1',
              cellId,
              tag,
              windowMs + Math.floor(((i + rnd()) / n) * BATCH_S * 1000),
              level * (1 + 0.01 * rnd()),
            ),
          );
      }
      if (rnd() < BATCH_S / 90) part.push(silverRow('L1', cellId, 'aluminaFeed', windowMs + 1000, 5.8));
    }
    for (let p = 0; p < PARTITIONS; p++) {
      const rows = byPartition[p]!;
      points += rows.length;
      const range = { partition: String(p), firstSeq: seq[p]!, lastSeq: seq[p]! + rows.length - 1 };
      seq[p]! += rows.length;
      await lake.put('gold', goldMinutePath(range, '2026-11-22', 'L1'), encodeMinuteAggregates(aggregateMinutes(rows)));
      await lake.put('silver', silverPath(range, '2026-11-22', 'L1', 10), encodeSilver(rows));
      files++;
    }
  }
  return { points, files };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args,
    options: { cells: { type: 'string', default: '300' }, 'points-per-min': { type: 'string', default: '16667' } },
  });
  const cells = Number(values.cells);
  const pointsPerMin = Number(values['points-per-min']);
  const lake = new MemoryLakeStore();
  const gen = await generate(lake, cells, pointsPerMin);
  const range = { fromMs: HOUR_START_MS, toMs: HOUR_START_MS + 3_600_000 };
  const c0 = process.cpuUsage();
  const t = performance.now();
  const compaction = await compactSilverHour(lake, { date: '2026-11-22', lineId: 'L1', hour: 10 });
  const compactionS = (performance.now() - t) / 1000;
  const compactionCpu = process.cpuUsage(c0);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const first = await curateRange(lake, range, testCurationConfig());
  const curateS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const t1 = performance.now();
  const second = await curateRange(lake, range, testCurationConfig('2026-11-22T13:00:00Z'));
  const rerunS = (performance.now() - t1) / 1000;
  return {
    line: { cells, pointsPerMin, pointsInHour: gen.points, partialFiles: gen.files },
    silverCompaction: {
      filesPerLineHourBefore: compaction.filesBefore,
      filesPerLineHourAfter: compaction.filesAfter,
      rows: compaction.rows,
      compactedMiB: Number((compaction.bytes / 2 ** 20).toFixed(1)),
      wallS: Number(compactionS.toFixed(2)),
      cpuS: Number(((compactionCpu.user + compactionCpu.system) / 1e6).toFixed(2)),
      rowsPerWallS: Math.round(compaction.rows / compactionS),
    },
    curation: {
      wallS: Number(curateS.toFixed(2)),
      cpuS: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
      minuteRows: first.curated[0]?.minuteRows,
      cellHourRows: first.curated[0]?.cellHourRows,
      filesWritten: first.filesWritten,
    },
    rerunUnchanged: {
      wallS: Number(rerunS.toFixed(2)),
      hoursSkipped: second.skippedHours,
      filesWritten: second.filesWritten,
    },
    targetS: 60,
    withinTarget: curateS < 60,
    note: 'in-memory lake: storage latency excluded (Azurite adds ~5–10 ms per partial read)',
  };
}
