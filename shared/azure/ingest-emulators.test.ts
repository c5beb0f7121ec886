import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../local/emulators/azurite.js';
import { startCosmos, type CosmosHandle } from '../../local/emulators/cosmos.js';
import { decodeJsonlGz } from '../lake/jsonl.js';
import { listAll } from '../lake/lake-store.js';
import { decodeSilver } from '../telemetry/telemetry-tables.js';
import { newSensorStateStore } from '../telemetry/cleanse.js';
import { ingestBatch, type IngestDeps, type IngestEvent } from '../telemetry/ingest.js';
import { BlobLakeStore } from './blob-lake-store.js';
import { cosmosClient, lakeServiceClient } from './clients.js';
import { CosmosHotStateStore } from './cosmos-hot-state.js';
import { tagResolverOf } from '../plant/tag-resolver.js';
import { TEST_PLANT } from '../plant/test-plant.js';

const T0 = Date.UTC(2024, 5, 1, 12, 0, 0);
const enc = new TextEncoder();
const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const settings = {
  TELEMETRY_HUB: 'telemetry',
  TELEMETRY_CONSUMER_GROUP: 'ingest',
  CLEANSING_WINDOW: 31,
  INTERPOLATE_MAX_GAP_INTERVALS: 5,
};

let azurite: AzuriteHandle;
let cosmos: CosmosHandle;
let dir: string;
let lake: BlobLakeStore;
let hotState: CosmosHotStateStore;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ingest-azurite-'));
  [azurite, cosmos] = await Promise.all([startAzurite(dir), startCosmos()]);
  lake = await BlobLakeStore.create(lakeServiceClient({ LakeConnection: azurite.connectionString }));
  hotState = await CosmosHotStateStore.create(
    cosmosClient({ COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: cosmos.key }),
    'smelter',
    { createIfMissing: true },
  );
});
afterAll(async () => {
  await Promise.all([azurite?.stop(), cosmos?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

const event = (partition: string, seq: number, cells: number): IngestEvent => ({
  body: enc.encode(
    JSON.stringify({
      points: Array.from({ length: cells }, (_, c) => ({
        lineId: 'L2',
        cellId: `L2-C00${c + 1}`,
        tag: 'cellVoltage',
        ts: T0 + seq * 1000,
        value: 4.3 + (seq % 5) * 0.01,
        unit: 'V',
        quality: 'good',
        seq,
      })),
    }),
  ),
  partition,
  sequenceNumber: seq,
  enqueuedTimeUtc: new Date(T0 + seq * 1000 + 50).toISOString(),
  partitionKey: 'L2-C001',
});

describe('ingest against Azurite and the Cosmos-compatible server', () => {
  it('the lake store reads back what it wrote, lists by prefix and answers undefined for a missing blob', async () => {
    await lake.put('gold', 'x/a.bin', new Uint8Array([1, 2, 3]), {
      contentType: 'application/octet-stream',
      metadata: { k: 'v' },
    });
    expect(await lake.get('gold', 'x/a.bin')).toEqual(new Uint8Array([1, 2, 3]));
    expect(await lake.get('gold', 'x/missing.bin')).toBeUndefined();
    expect((await listAll(lake, 'gold', 'x/')).map((e) => [e.path, e.size])).toEqual([['x/a.bin', 3]]);
    await lake.delete('gold', 'x/a.bin');
    expect(await lake.get('gold', 'x/a.bin')).toBeUndefined();
  });

  it('the lake store writes create-only: of writers racing for one path exactly one succeeds, and the blob is theirs', async () => {
    const results = await Promise.all(
      [1, 2, 3, 4].map((n) => lake.putIfAbsent('gold', 'claims/entry-1.json', new Uint8Array([n]))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await lake.get('gold', 'claims/entry-1.json')).toEqual(new Uint8Array([results.indexOf(true) + 1]));
    expect(await lake.putIfAbsent('gold', 'claims/entry-1.json', new Uint8Array([9]))).toBe(false);
  });

  it('silver holds every point exactly once when a batch is redelivered with more events appended', async () => {
    const deps: IngestDeps = {
      lake,
      hotState,
      sensors: newSensorStateStore(31),
      settings,
      tags: tagResolverOf(TEST_PLANT),
      log: quiet,
    };
    const events = Array.from({ length: 30 }, (_, i) => event('5', 1000 + i, 3));
    await ingestBatch(events.slice(0, 12), deps);
    // The host crashed before checkpointing: the same batch comes again, longer.
    const again = await ingestBatch(events.slice(0, 20), deps);
    expect(again.files.filter((f) => f.startsWith('silver/'))).toEqual([
      'silver/telemetry/date=2024-06-01/line=L2/hour=12/batch-5-1000-1011.parquet',
      'silver/telemetry/date=2024-06-01/line=L2/hour=12/batch-5-1012-1019.parquet',
    ]);
    // A fresh process (empty sensor state) gets the tail redelivered too.
    await ingestBatch(events.slice(12), { ...deps, sensors: newSensorStateStore(31) });

    const rows = [];
    for (const e of await listAll(lake, 'silver', 'telemetry/date=2024-06-01/line=L2/hour=12/batch-5-'))
      rows.push(...(await decodeSilver((await lake.get('silver', e.path))!)));
    expect(rows).toHaveLength(90);
    expect(new Set(rows.map((r) => `${r.cellId}|${r.tsMs}`)).size).toBe(90);
    expect(rows.every((r) => r.flags.length === 0)).toBe(true);

    const bronze = await listAll(lake, 'bronze', 'telemetry/');
    const bronzeEvents = [];
    for (const e of bronze)
      bronzeEvents.push(...decodeJsonlGz<{ sequenceNumber: number }>((await lake.get('bronze', e.path))!));
    expect(new Set(bronzeEvents.map((e) => e.sequenceNumber)).size).toBe(30);

    const cell = await hotState.getCell('L2-C003');
    expect(cell?.tags.cellVoltage?.ts).toBe(T0 + 1029 * 1000);
    expect(await hotState.getCell('L2-C999')).toBeUndefined();
  });
});
