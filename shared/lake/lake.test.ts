import { describe, expect, it } from 'vitest';
import { aggregateMinutes } from '../telemetry/aggregates.js';
import { emptyFlagCounts, emptyReasonCounts } from '../telemetry/data-quality.js';
import { Flag, flagNames } from '../telemetry/flags.js';
import type { SilverRow } from '../telemetry/records.js';
import { decodeJsonl, decodeJsonlGz, encodeJsonl, encodeJsonlGz } from './jsonl.js';
import { listAll, MemoryLakeStore } from './lake-store.js';
import { decodeParquet } from './parquet.js';
import {
  bronzePath,
  goldMinutePath,
  ingestIntentPath,
  parseSilverBatchName,
  quarantinePath,
  SILVER_COMPACTED_FILE,
  silverPath,
} from './paths.js';
import {
  decodeMinuteAggregates,
  decodeSilver,
  encodeBatchQuality,
  encodeMinuteAggregates,
  encodeSilver,
} from '../telemetry/telemetry-tables.js';

const T0 = Date.UTC(2024, 5, 1, 23, 59, 30);
const range = { partition: '3', firstSeq: 100, lastSeq: 199 };
const rows: SilverRow[] = [
  {
    lineId: 'L1',
    cellId: 'L1-C001',
    tag: 'bathTemp',
    tsMs: T0,
    value: 960,
    unit: 'degC',
    rawValue: 1760,
    rawUnit: 'degF',
    quality: 'good',
    flags: flagNames(Flag.unit_converted),
    seq: 5,
    partition: '3',
    sequenceNumber: 100,
    enqueuedMs: T0 + 40,
  },
  {
    lineId: 'L1',
    cellId: 'L1-C001',
    tag: 'bathTemp',
    tsMs: T0 + 1000,
    value: 1200,
    unit: 'degC',
    rawValue: 1200,
    rawUnit: 'degC',
    quality: 'bad',
    flags: flagNames(Flag.out_of_range | Flag.bad_quality),
    seq: null,
    partition: '3',
    sequenceNumber: 2 ** 40,
    enqueuedMs: T0 + 1040,
  },
];

describe('lake paths', () => {
  it('follow DESIGN §4', () => {
    expect(bronzePath(range, T0)).toBe('telemetry/ingest_date=2024-06-01/hour=23/p=3/100-199.jsonl.gz');
    expect(silverPath(range, '2024-06-01', 'L1', 23)).toBe(
      'telemetry/date=2024-06-01/line=L1/hour=23/batch-3-100-199.parquet',
    );
    expect(parseSilverBatchName('batch-3-100-199.parquet')).toEqual(range);
    expect(parseSilverBatchName('batch-a-b-7-8.parquet')).toEqual({ partition: 'a-b', firstSeq: 7, lastSeq: 8 });
    expect(parseSilverBatchName(SILVER_COMPACTED_FILE)).toBeUndefined();
    expect(quarantinePath(range, '2024-06-01')).toBe('telemetry/date=2024-06-01/p=3/100-199.jsonl');
    expect(goldMinutePath(range, '2024-06-01', 'L2')).toBe(
      'telemetry_minute/date=2024-06-01/line=L2/p=3/100-199.parquet',
    );
    expect(ingestIntentPath('telemetry', 'ingest', '3')).toBe('_state/ingest/telemetry/ingest/p=3.json');
  });
});

describe('lake formats', () => {
  it('round-trips silver rows through Parquet, flags as a comma-joined string', async () => {
    const bytes = encodeSilver(rows);
    expect(await decodeSilver(bytes)).toEqual(rows);
    const raw = await decodeParquet(bytes);
    expect(raw[1]!.flags).toBe('out_of_range,bad_quality');
  });

  it('round-trips minute aggregates and writes batch quality', async () => {
    const aggs = aggregateMinutes(rows);
    expect(await decodeMinuteAggregates(encodeMinuteAggregates(aggs))).toEqual(aggs);
    const q = encodeBatchQuality({
      partition: '3',
      firstSeq: 100,
      lastSeq: 199,
      firstEnqueuedMs: T0,
      pointsIn: 2,
      silverRows: 2,
      interpolatedRows: 0,
      goodRows: 1,
      excludedRows: 1,
      quarantined: 0,
      flaggedByFlag: emptyFlagCounts(),
      quarantinedByReason: emptyReasonCounts(),
      processingMs: 1.5,
    });
    expect((await decodeParquet(q))[0]).toMatchObject({
      partition: '3',
      pointsIn: 2,
      flag_spike: 0,
      quarantine_DUPLICATE: 0,
    });
  });

  it('round-trips JSON Lines, plain and gzip', () => {
    const recs = [{ a: 1 }, { b: 'x\ny' }];
    expect(decodeJsonl(encodeJsonl(recs))).toEqual(recs);
    expect(decodeJsonlGz(encodeJsonlGz(recs))).toEqual(recs);
  });

  it('memory store lists by prefix and overwrites on put', async () => {
    const s = new MemoryLakeStore();
    await s.put('silver', 'a/1', new Uint8Array([1]));
    await s.put('silver', 'a/1', new Uint8Array([1, 2]));
    await s.put('silver', 'b/1', new Uint8Array([3]));
    expect((await listAll(s, 'silver', 'a/')).map((e) => [e.path, e.size])).toEqual([['a/1', 2]]);
    expect(await s.get('silver', 'zzz')).toBeUndefined();
  });
});
