/**
 * The cost of a durable local Cosmos server: document writes per second through @azure/cosmos against the in-memory
 * server (`startCosmos()`) and the journalled one (`startCosmos({ dataDir })`, every write synced before it is
 * acknowledged), one writer at a time and many at once; then how long the durable server takes to load what was
 * written (kill, restart) and how large its files are.
 *
 * npx tsx bench/run.ts cosmos [--writes 2000] [--concurrency 50] [--doc-bytes 1000]
 */
import { CosmosClient, type Container } from '@azure/cosmos';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startCosmos, type CosmosHandle } from '../local/emulators/cosmos.js';

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const writes = Number(argOf(args, '--writes') ?? 2000);
  const concurrency = Number(argOf(args, '--concurrency') ?? 50);
  const docBytes = Number(argOf(args, '--doc-bytes') ?? 1000);
  const sequentialWrites = Math.min(writes, 500);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-cosmos-'));
  try {
    const inMemory = await measure(await startCosmos(), { writes, sequentialWrites, concurrency, docBytes });
    const durableServer = await startCosmos({ dataDir });
    const durable = await measure(durableServer, { writes, sequentialWrites, concurrency, docBytes });
    const storeBytes = readdirSync(durableServer.storeDir!).reduce(
      (n, f) => n + statSync(path.join(durableServer.storeDir!, f)).size,
      0,
    );
    await durableServer.kill();
    const t0 = performance.now();
    const restarted = await startCosmos({ dataDir });
    const restartMs = performance.now() - t0;
    const count = await documentCount(restarted);
    await restarted.stop();
    return {
      documents: { bytes: docBytes, concurrentWrites: writes, concurrency, sequentialWrites },
      inMemory,
      durable,
      concurrentCostPercent: round((1 - durable.concurrentWritesPerS / inMemory.concurrentWritesPerS) * 100),
      restart: {
        ms: Math.round(restartMs),
        documentsLoaded: count,
        storeBytes,
        note: 'process start and replay of the journal (kill, then start on the same dataDir)',
      },
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function measure(
  server: CosmosHandle,
  o: { writes: number; sequentialWrites: number; concurrency: number; docBytes: number },
) {
  try {
    const items = await container(server);
    const payload = 'x'.repeat(o.docBytes);
    const doc = (i: number) => ({ id: `doc-${i % 300}`, pk: `L${i % 3}`, i, payload });
    // Warm up the client's connection and metadata caches.
    for (let i = 0; i < 20; i++) await items.items.upsert(doc(i));

    const s0 = performance.now();
    for (let i = 0; i < o.sequentialWrites; i++) await items.items.upsert(doc(i));
    const sequentialMs = performance.now() - s0;

    const latencies: number[] = [];
    let next = 0;
    const c0 = performance.now();
    await Promise.all(
      Array.from({ length: o.concurrency }, async () => {
        while (next < o.writes) {
          const i = next++;
          const t = performance.now();
          await items.items.upsert(doc(i));
          latencies.push(performance.now() - t);
        }
      }),
    );
    const concurrentMs = performance.now() - c0;
    latencies.sort((a, b) => a - b);
    return {
      sequentialWritesPerS: Math.round(o.sequentialWrites / (sequentialMs / 1000)),
      sequentialMsPerWrite: round(sequentialMs / o.sequentialWrites),
      concurrentWritesPerS: Math.round(o.writes / (concurrentMs / 1000)),
      concurrentLatencyMs: {
        p50: round(latencies[Math.floor(latencies.length * 0.5)]!),
        p99: round(latencies[Math.floor(latencies.length * 0.99)]!),
      },
    };
  } finally {
    await server.stop();
  }
}

async function container(server: CosmosHandle): Promise<Container> {
  const client = new CosmosClient({
    endpoint: server.endpoint,
    key: server.key,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  const { database } = await client.databases.createIfNotExists({ id: 'bench' });
  return (await database.containers.createIfNotExists({ id: 'docs', partitionKey: { paths: ['/pk'] } })).container;
}

async function documentCount(server: CosmosHandle): Promise<number> {
  const client = new CosmosClient({
    endpoint: server.endpoint,
    key: server.key,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  const { resources } = await client
    .database('bench')
    .container('docs')
    .items.query<number>('SELECT VALUE COUNT(1) FROM c')
    .fetchAll();
  return resources[0] ?? 0;
}

const round = (x: number) => Math.round(x * 100) / 100;

function argOf(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
