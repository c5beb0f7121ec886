/**
 * `npm run bench -- ledger-storage [--appends 400] [--concurrency 32]`: ledger appends/s as the live ledger writer
 * sees them: the local ledger on Azurite (not an in-memory lake, as fanout-ledger-alerts measures), each event
 * recorded by one of `concurrency` deliveries at a time, as the devhost's `ledger` subscription runs them (Azure's
 * default maxConcurrentCalls: 16 × processors). The difference between the two benchmarks is storage round trips
 * and how many of them an append waits for in turn.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { BlobServiceClient } from '@azure/storage-blob';
import { z } from 'zod';
import { startAzurite } from '../local/emulators/azurite.js';
import { BlobLakeStore } from '../shared/azure/blob-lake-store.js';
import { recordPlantEvent } from '../shared/ledger/ledger-writer.js';
import { LocalAuditLedger } from '../shared/ledger/local-ledger.js';
import { LEDGER_CONTAINER } from '../shared/ledger/paths.js';
import { verifyLocalLedger } from '../shared/ledger/verify-ledger.js';
import { cloudEvent } from '../shared/messaging/cloud-event.js';
import { PlantEventType } from '../shared/messaging/subscriptions.js';

const Args = z.object({
  appends: z.coerce.number().int().min(10).max(100_000).default(400),
  concurrency: z.coerce.number().int().min(1).max(512).default(32),
});

const COLLECTION = 'plant-bench';

export async function run(argv: string[]): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args: argv,
    options: { appends: { type: 'string' }, concurrency: { type: 'string' } },
  });
  const args = Args.parse(values);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-ledger-'));
  const azurite = await startAzurite(dir);
  try {
    const lake = await BlobLakeStore.create(BlobServiceClient.fromConnectionString(azurite.connectionString), [
      LEDGER_CONTAINER,
    ]);
    const ledger = await LocalAuditLedger.open(lake, { collectionId: COLLECTION });
    const events = Array.from({ length: args.appends }, (_, i) =>
      cloudEvent(
        PlantEventType.setpointRecommended,
        `L1-C${String((i % 100) + 1).padStart(3, '0')}`,
        { commandId: `cmd-${i}`, acdCm: 4.5, state: 'proposed' },
        { id: `bench/${i}`, source: '/bench', time: new Date(Date.UTC(2025, 0, 1) + i * 1000) },
      ),
    );
    const latencies: number[] = [];
    let next = 0;
    const t0 = performance.now();
    // Like the subscription receiver: `concurrency` loops, each taking the next message when its last one is done.
    await Promise.all(
      Array.from({ length: args.concurrency }, async () => {
        while (next < events.length) {
          const e = events[next++]!;
          const t = performance.now();
          await recordPlantEvent(e, { ledger, lake, collectionId: COLLECTION });
          latencies.push(performance.now() - t);
        }
      }),
    );
    const appendMs = performance.now() - t0;
    const verified = await verifyLocalLedger(lake, { collectionId: COLLECTION });
    if (!verified.ok || verified.headSeqNo !== args.appends)
      throw new Error(`bench ledger failed its own verification: ${JSON.stringify(verified)}`);
    latencies.sort((a, b) => a - b);
    const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!);
    return {
      appends: args.appends,
      concurrency: args.concurrency,
      appendsPerS: Number(((args.appends / appendMs) * 1000).toFixed(1)),
      latencyMs: { p50: at(0.5), p90: at(0.9), max: at(1) },
      verified: verified.ok,
      load1: Number(os.loadavg()[0]!.toFixed(1)),
    };
  } finally {
    await azurite.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
