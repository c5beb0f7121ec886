import { BlobServiceClient } from '@azure/storage-blob';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../local/emulators/azurite.js';
import { BlobLakeStore } from '../azure/blob-lake-store.js';
import { curateRange } from './curate.js';
import { silverRow, testCurationConfig, writeBatch } from './fixtures.js';
import { goldDataPath } from './paths.js';
import { decodeGoldTable } from './table-io.js';

const T10 = Date.parse('2026-11-22T10:00:00Z');

describe('gold curation on Azurite', () => {
  let azurite: AzuriteHandle;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gold-azurite-'));
    azurite = await startAzurite(dir);
  }, 60_000);
  afterAll(async () => {
    await azurite?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('curates blobs written as the ingest path writes them, and a second run writes nothing', async () => {
    const lake = await BlobLakeStore.create(BlobServiceClient.fromConnectionString(azurite.connectionString));
    for (let b = 0; b < 6; b++) {
      const rows = [];
      for (let s = b * 10; s < b * 10 + 10; s++) {
        rows.push(silverRow('L1', 'L1-LINE', 'lineCurrent', T10 + s * 1000, 126));
        rows.push(silverRow('L1', 'L1-C001', 'cellVoltage', T10 + s * 1000, 4.2));
      }
      await writeBatch(lake, String(b % 2), b * 100, b * 100 + 19, rows);
    }
    const first = await curateRange(lake, { fromMs: T10, toMs: T10 + 3_600_000 }, testCurationConfig());
    expect(first.curated).toHaveLength(1);
    const hour = await decodeGoldTable(
      (await lake.get('gold', goldDataPath('fact_cell_hour', { date: '2026-11-22', lineId: 'L1' })))!,
    );
    expect(hour).toHaveLength(1);
    expect(hour[0]!.cellVoltageMeanV).toBeCloseTo(4.2, 12);
    const second = await curateRange(
      lake,
      { fromMs: T10, toMs: T10 + 3_600_000 },
      testCurationConfig('2026-11-22T15:00:00Z'),
    );
    expect(second.filesWritten).toBe(0);
    expect(second.skippedHours).toBe(1);
  }, 60_000);
});
