/**
 * The telemetry path end to end, with the real app in a devhost process and the real emulators: simulator bodies
 * (faults included) go into the local Event Hub, the devhost is killed mid-stream and restarted on the same data,
 * and silver must then hold every valid point exactly once, with every fault flagged or quarantined.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobLakeStore } from '../../shared/azure/blob-lake-store.js';
import { listAll } from '../../shared/lake/lake-store.js';
import { RunRecorder } from '../../local/console/run-recorder.js';
import { readRunFromLake } from '../../local/console/score-run.js';
import { startAzurite, stopChild, type AzuriteHandle } from '../../local/emulators/azurite.js';
import { startCosmos, type CosmosHandle } from '../../local/emulators/cosmos.js';
import { waitFor } from '../../local/devhost/testing.js';
import { virtualClock } from '../../local/simulator/clock.js';
import { createPotline } from '../../local/simulator/potline.js';
import { runSimulator } from '../../local/simulator/runner.js';
import { memorySink } from '../../local/simulator/sinks/memory-sink.js';
import { scoreCleansing } from '../../local/score/cleansing-score.js';
import { curateRange } from '../../shared/gold/curate.js';
import { testCurationConfig } from '../../shared/gold/fixtures.js';
import { killHard, sendToHub, spawnDevhost, type DevhostProcess } from './support.js';

const START_MS = Date.UTC(2026, 10, 22, 6, 0, 0);

let tmp: string;
let azurite: AzuriteHandle;
let cosmos: CosmosHandle;
const devhosts: DevhostProcess[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'ingest-e2e-'));
  [azurite, cosmos] = await Promise.all([startAzurite(path.join(tmp, 'azurite')), startCosmos()]);
});

afterAll(async () => {
  await Promise.all(devhosts.map((d) => stopChild(d.child)));
  await Promise.all([azurite?.stop(), cosmos?.stop()]);
  rmSync(tmp, { recursive: true, force: true });
});

describe('telemetry ingest through the devhost', () => {
  it('loses no point and writes none twice when the host is killed mid-stream and restarted', async () => {
    // A small seeded potline, generated ahead of time so the test controls when bodies arrive.
    const testStartMs = Date.now();
    const sink = memorySink();
    const potline = createPotline({ lines: 1, cellsPerLine: 12, seed: 7, startMs: START_MS });
    const sim = runSimulator({
      potline,
      sink,
      ratePerMin: 6000,
      durationS: 120,
      clock: virtualClock(START_MS),
      faults: { malformed_json: 0.01, duplicate: 0.01, spike: 0.005 },
    });
    await sim.done;
    const labels = sim.labels.labels();
    const recorder = new RunRecorder();
    recorder.noteSent(sink.events);
    expect(sink.events.length).toBeGreaterThan(2000);

    const env = {
      AzureWebJobsStorage: azurite.connectionString,
      LakeConnection: azurite.connectionString,
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: cosmos.key,
    };
    const dataDir = path.join(tmp, 'devhost');
    const lake = await BlobLakeStore.create(BlobServiceClient.fromConnectionString(azurite.connectionString));
    const third = Math.floor(sink.events.length / 3);

    const first = await spawnDevhost(dataDir, env);
    devhosts.push(first);
    await sendToHub(first, 'telemetry', sink.events.slice(0, third));
    await waitFor(
      'the first silver files',
      async () => (await listAll(lake, 'silver', 'telemetry/')).length > 0,
      60_000,
    );
    await sendToHub(first, 'telemetry', sink.events.slice(third, 2 * third));
    await killHard(first.child);

    const second = await spawnDevhost(dataDir, env);
    devhosts.push(second);
    await sendToHub(second, 'telemetry', sink.events.slice(2 * third));

    const score = await waitFor(
      'every valid point in silver or quarantine',
      async () => {
        const { silver, quarantine } = await readRunFromLake(lake, {
          eventsFromMs: START_MS,
          enqueuedFromMs: testStartMs,
          untilMs: START_MS + 86_400_000,
        });
        const s = scoreCleansing(labels, silver, quarantine, recorder.sentKeys);
        return s.lost === 0 ? s : undefined;
      },
      120_000,
    );
    expect(score.lost).toBe(0);
    expect(score.duplicatedInSilver).toBe(0);
    expect(score.validPointsSent).toBe(recorder.sentKeys.size);
    for (const kind of [
      'duplicate',
      'unknown_tag',
      'malformed_or_truncated_body',
      'wrong_unit',
      'bad_quality',
      'out_of_order',
    ] as const) {
      expect(score.byKind[kind]?.injected, kind).toBeGreaterThan(0);
      expect(score.byKind[kind]?.missed, kind).toBe(0);
    }
    expect(second.output()).not.toMatch(/Unhandled|TypeError|ReferenceError/);

    // The hourly curation compacts what the crash left: one silver file per line and hour, the same score.
    const window = { eventsFromMs: START_MS, enqueuedFromMs: testStartMs, untilMs: START_MS + 86_400_000 };
    const before = await readRunFromLake(lake, window);
    const curation = await curateRange(
      lake,
      { fromMs: START_MS, toMs: START_MS + 2 * 3_600_000 },
      testCurationConfig(),
    );
    expect(curation.silver.length).toBeGreaterThan(0);
    for (const c of curation.silver) expect(c.filesAfter, `${c.lineId} hour ${c.hour}`).toBe(1);
    const compacted = await readRunFromLake(lake, window);
    const after = scoreCleansing(labels, compacted.silver, compacted.quarantine, recorder.sentKeys);
    expect([after.lost, after.duplicatedInSilver]).toEqual([0, 0]);
    expect(compacted.silver.length).toBe(before.silver.length);
  }, 240_000);
});
