/**
 * Exactly once through a crash of the silver compaction: the curation runs in a child process against Azurite and
 * is killed (SIGKILL) while reading the batch files, right after the switch to the compacted file, and in the middle
 * of deleting the folded batch files. After each crash silver holds every row once; a second curation finishes the
 * hour (one file) with the same rows, and a third changes nothing.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../local/emulators/azurite.js';
import { BlobLakeStore } from '../../shared/azure/blob-lake-store.js';
import { curateRange } from '../../shared/gold/curate.js';
import { silverRow, testCurationConfig, writeBatch } from '../../shared/gold/fixtures.js';
import { goldDataPath } from '../../shared/gold/paths.js';
import { listAll } from '../../shared/lake/lake-store.js';
import { readSilverHour } from '../../shared/telemetry/silver-hours.js';
import type { SilverRow } from '../../shared/telemetry/records.js';
import { repoRoot } from './support.js';

const T10 = Date.parse('2026-11-22T10:00:00Z');
const HOUR = 3_600_000;

let tmp: string;
let azurite: AzuriteHandle;
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'curation-crash-'));
  azurite = await startAzurite(path.join(tmp, 'azurite'));
}, 60_000);
afterAll(async () => {
  await azurite?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** Runs the curation child until it kills itself; resolves with the signal that ended it. */
function curationThatDies(killAt: string, lineId: string): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/e2e/fixtures/curation-that-dies.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      LakeConnection: azurite.connectionString,
      KILL_AT: killAt,
      FROM_MS: String(T10),
      TO_MS: String(T10 + HOUR),
      LINES: lineId,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (_code, signal) => resolve(signal));
  });
}

const identity = (r: SilverRow) => `${r.partition}|${r.sequenceNumber}|${r.cellId}|${r.tag}|${r.tsMs}`;

describe('silver compaction through a crash', () => {
  it.each([
    ['read', 'L1'],
    ['switch', 'L2'],
    ['delete:2', 'L3'],
  ])('killed at %s: every row once before and after the re-run, one file per hour', async (killAt, lineId) => {
    const lake = await BlobLakeStore.create(BlobServiceClient.fromConnectionString(azurite.connectionString));
    const written: SilverRow[] = [];
    for (let b = 0; b < 4; b++) {
      const rows = Array.from({ length: 30 }, (_, i) =>
        silverRow(lineId, `${lineId}-C00${i % 3}`, 'cellVoltage', T10 + (b * 30 + i) * 1000, 4.2 + i / 1000),
      ).map((r, i) => ({ ...r, partition: String(b % 2), sequenceNumber: b * 100 + Math.floor(i / 3) }));
      await writeBatch(lake, String(b % 2), b * 100, b * 100 + 9, rows);
      written.push(...rows);
    }
    const hour = { date: '2026-11-22', lineId, hour: 10 };
    const expected = written.map(identity).sort();
    const silverFiles = async () => (await listAll(lake, 'silver', `telemetry/date=2026-11-22/line=${lineId}/`)).length;

    expect(await curationThatDies(killAt, lineId)).toBe('SIGKILL');
    expect(await silverFiles()).toBe(killAt === 'read' ? 4 : killAt === 'switch' ? 5 : 4);
    expect((await readSilverHour(lake, hour)).map(identity).sort()).toEqual(expected);

    const rerun = await curateRange(lake, { fromMs: T10, toMs: T10 + HOUR, lines: [lineId] }, testCurationConfig());
    expect(rerun.curated.map((c) => c.hour)).toEqual([10]);
    expect(await silverFiles()).toBe(1);
    expect((await readSilverHour(lake, hour)).map(identity).sort()).toEqual(expected);
    expect(await lake.get('gold', goldDataPath('fact_cell_minute', { ...hour }))).toBeDefined();

    const third = await curateRange(lake, { fromMs: T10, toMs: T10 + HOUR, lines: [lineId] }, testCurationConfig());
    expect(third.filesWritten).toBe(0);
    expect(third.silver).toEqual([]);
  });
});
