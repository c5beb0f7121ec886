import { describe, expect, it } from 'vitest';
import { silverRow } from '../gold/fixtures.js';
import type { SilverRow } from './records.js';
import { listAll, MemoryLakeStore, type LakeStore } from '../lake/lake-store.js';
import { SILVER_COMPACTED_FILE, silverPath } from '../lake/paths.js';
import {
  compactSilverHour,
  heldBatches,
  migrateLegacySilver,
  readSilverDate,
  readSilverHour,
  silverHoursOf,
  type SilverHour,
} from './silver-hours.js';
import { encodeSilver } from './telemetry-tables.js';

const T10 = Date.parse('2026-11-22T10:00:00Z');
const H10: SilverHour = { date: '2026-11-22', lineId: 'L1', hour: 10 };

/** Rows of one batch: `n` points of a few cells, tagged with the batch's partition and sequence numbers. */
function batchRows(partition: string, firstSeq: number, n: number, offsetS = 0): SilverRow[] {
  return Array.from({ length: n }, (_, i) => ({
    ...silverRow('L1', `L1-C00${i % 3}`, 'cellVoltage', T10 + (offsetS + i) * 1000, 4.2 + i / 100),
    partition,
    sequenceNumber: firstSeq + Math.floor(i / 2),
  }));
}

async function writeSilverBatch(
  lake: LakeStore,
  partition: string,
  firstSeq: number,
  lastSeq: number,
  rows: SilverRow[],
) {
  await lake.put('silver', silverPath({ partition, firstSeq, lastSeq }, '2026-11-22', 'L1', 10), encodeSilver(rows));
}

const identity = (r: SilverRow) => `${r.partition}|${r.sequenceNumber}|${r.cellId}|${r.tag}|${r.tsMs}`;
const identities = (rows: readonly SilverRow[]) => rows.map(identity).sort();
const dataFiles = async (lake: LakeStore) =>
  (await listAll(lake, 'silver', 'telemetry/')).map((e) => e.path.slice(e.path.lastIndexOf('/') + 1)).sort();

/** A lake with three batches of hour 10 of line L1; returns the rows written. */
async function threeBatches(lake: LakeStore): Promise<SilverRow[]> {
  const a = batchRows('0', 100, 20);
  const b = batchRows('1', 40, 10, 20);
  const c = batchRows('0', 110, 6, 30);
  await writeSilverBatch(lake, '0', 100, 109, a);
  await writeSilverBatch(lake, '1', 40, 44, b);
  await writeSilverBatch(lake, '0', 110, 112, c);
  return [...a, ...b, ...c];
}

describe('silver compaction by line and hour', () => {
  it('folds the batch files into one file readers see the same rows in, and a second run changes nothing', async () => {
    const lake = new MemoryLakeStore();
    const written = await threeBatches(lake);
    expect(identities(await readSilverHour(lake, H10))).toEqual(identities(written));

    const first = await compactSilverHour(lake, H10);
    expect(first).toMatchObject({ filesBefore: 3, filesAfter: 1, batchesFolded: 3, rows: 36, conflict: false });
    expect(await dataFiles(lake)).toEqual([SILVER_COMPACTED_FILE]);
    const compacted = (await lake.getVersioned(
      'silver',
      `telemetry/date=2026-11-22/line=L1/hour=10/${SILVER_COMPACTED_FILE}`,
    ))!;
    expect([...heldBatches(compacted.body)]).toEqual(['0:100-109', '0:110-112', '1:40-44']);
    expect(identities(await readSilverHour(lake, H10))).toEqual(identities(written));

    const second = await compactSilverHour(lake, H10);
    expect(second).toMatchObject({ filesBefore: 1, filesAfter: 1, batchesFolded: 0, rows: 36 });
    const again = await lake.getVersioned(
      'silver',
      `telemetry/date=2026-11-22/line=L1/hour=10/${SILVER_COMPACTED_FILE}`,
    );
    expect(again!.version).toBe(compacted.version);
  });

  it('a batch arriving after the compaction is read beside it and folded in by the next run', async () => {
    const lake = new MemoryLakeStore();
    const written = await threeBatches(lake);
    await compactSilverHour(lake, H10);
    const late = batchRows('2', 7, 4, 50);
    await writeSilverBatch(lake, '2', 7, 8, late);
    expect(identities(await readSilverHour(lake, H10))).toEqual(identities([...written, ...late]));
    expect(await compactSilverHour(lake, H10)).toMatchObject({
      filesBefore: 2,
      filesAfter: 1,
      batchesFolded: 1,
      rows: 40,
    });
    expect(identities(await readSilverDate(lake, '2026-11-22'))).toEqual(identities([...written, ...late]));
  });

  it('a batch redelivered after its compaction is not read twice, and the next run removes it', async () => {
    const lake = new MemoryLakeStore();
    const written = await threeBatches(lake);
    await compactSilverHour(lake, H10);
    await writeSilverBatch(lake, '0', 100, 109, batchRows('0', 100, 20)); // the same range written again
    expect(identities(await readSilverHour(lake, H10))).toEqual(identities(written));
    expect(await compactSilverHour(lake, H10)).toMatchObject({ filesBefore: 2, filesAfter: 1, batchesFolded: 0 });
    expect(identities(await readSilverHour(lake, H10))).toEqual(identities(written));
  });

  it('two compactions of one hour at once: one switches, the other changes nothing, no row is lost', async () => {
    const lake = new MemoryLakeStore();
    const written = await threeBatches(lake);
    const [a, b] = await Promise.all([compactSilverHour(lake, H10), compactSilverHour(lake, H10)]);
    expect([a.conflict, b.conflict].sort()).toEqual([false, true]);
    expect(identities(await readSilverHour(lake, H10))).toEqual(identities(written));
    await compactSilverHour(lake, H10);
    expect(await dataFiles(lake)).toEqual([SILVER_COMPACTED_FILE]);
  });

  it('a reader running while the hour is switched sees the old set or the new one, whenever the switch falls', async () => {
    for (let at = 0; at < 8; at++) {
      const lake = new MemoryLakeStore();
      const written = await threeBatches(lake);
      await compactSilverHour(lake, H10);
      const late = batchRows('2', 7, 4, 50);
      await writeSilverBatch(lake, '2', 7, 8, late);
      // The reader's at-th call to the lake first lets a whole compaction run.
      let calls = 0;
      const interleaved: LakeStore = {
        put: (...a) => lake.put(...a),
        putIfAbsent: (...a) => lake.putIfAbsent(...a),
        putIfVersion: (...a) => lake.putIfVersion(...a),
        delete: (...a) => lake.delete(...a),
        get: async (...a) => {
          if (calls++ === at) await compactSilverHour(lake, H10);
          return lake.get(...a);
        },
        getVersioned: async (...a) => {
          if (calls++ === at) await compactSilverHour(lake, H10);
          return lake.getVersioned(...a);
        },
        list: (container, prefix) => {
          const run = calls++ === at;
          return (async function* () {
            if (run) await compactSilverHour(lake, H10);
            yield* lake.list(container, prefix);
          })();
        },
      };
      expect(identities(await readSilverHour(interleaved, H10)), `switch at call ${at}`).toEqual(
        identities([...written, ...late]),
      );
    }
  });

  it('moves silver written before the hour folders into them, once, even when run again', async () => {
    const lake = new MemoryLakeStore();
    const rows = [...batchRows('3', 500, 6), { ...batchRows('3', 500, 1)[0]!, tsMs: T10 + 3_600_000 + 5 }];
    await lake.put('silver', 'telemetry/date=2026-11-22/line=L1/p=3/500-505.parquet', encodeSilver(rows));
    expect(await migrateLegacySilver(lake)).toBe(1);
    expect(await migrateLegacySilver(lake)).toBe(0);
    expect((await listAll(lake, 'silver', 'telemetry/')).map((e) => e.path)).toEqual([
      'telemetry/date=2026-11-22/line=L1/hour=10/batch-3-500-505.parquet',
      'telemetry/date=2026-11-22/line=L1/hour=11/batch-3-500-505.parquet',
    ]);
    expect((await silverHoursOf(lake, '2026-11-22')).map((h) => h.hour)).toEqual([10, 11]);
    expect(identities(await readSilverDate(lake, '2026-11-22'))).toEqual(identities(rows));
  });
});
