import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from './azurite.js';
import { startCosmos, type CosmosHandle } from './cosmos.js';
import { supervise, type Supervised } from './supervisor.js';

const dirs: string[] = [];
const supervised: Supervised<AzuriteHandle | CosmosHandle>[] = [];
afterAll(async () => {
  for (const s of supervised) await s.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'supervisor-'));
  dirs.push(d);
  return d;
}

/** Collects what the supervisor says; resolves `back` when it reports the emulator serving again. */
function console() {
  const lines: string[] = [];
  let onBack: (() => void) | undefined;
  return {
    lines,
    log: (_level: string, message: string) => {
      lines.push(message);
      if (message.includes(' is back on ')) onBack?.();
    },
    back: () => new Promise<void>((resolve) => (onBack = resolve)),
  };
}

describe('a supervised emulator', () => {
  it('Azurite killed is started again on its ports; a client made before carries on and finds what it wrote', async () => {
    const location = tempDir();
    const out = console();
    const azurite = await supervise<AzuriteHandle>({
      name: 'Azurite',
      start: (previous) => startAzurite(location, previous ? { ports: previous.ports } : {}),
      describe: (a) => `port ${a.ports.blob}`,
      log: out.log,
    });
    supervised.push(azurite);
    const first = azurite.current();
    const container = BlobServiceClient.fromConnectionString(first.connectionString).getContainerClient('kept');
    await container.create();
    await container.getBlockBlobClient('before.txt').upload('written before the kill', 22);

    const back = out.back();
    await first.kill();
    await back;
    expect(azurite.restarts()).toBe(1);
    expect(azurite.current().ports).toEqual(first.ports);
    expect(out.lines[0]).toMatch(
      new RegExp(`^Azurite was killed \\(SIGKILL\\); restarting it on port ${first.ports.blob}`),
    );
    expect((await container.getBlockBlobClient('before.txt').downloadToBuffer()).toString()).toBe(
      'written before the kill',
    );
    await container.getBlockBlobClient('after.txt').upload('and after', 9);
  }, 120_000);

  it('the durable Cosmos DB server killed is started again on its port with its documents; the same client carries on', async () => {
    const dataDir = tempDir();
    const out = console();
    const cosmos = await supervise<CosmosHandle>({
      name: 'The Cosmos DB server',
      start: (previous) => startCosmos({ dataDir, ...(previous ? { port: previous.port } : {}) }),
      describe: (c) => `port ${c.port}`,
      log: out.log,
    });
    supervised.push(cosmos);
    const first = cosmos.current();
    const client = new CosmosClient({
      endpoint: first.endpoint,
      key: first.key,
      connectionPolicy: { enableEndpointDiscovery: false },
    });
    const { database } = await client.databases.createIfNotExists({ id: 'smelter' });
    const { container } = await database.containers.createIfNotExists({ id: 'overrides', partitionKey: '/id' });
    await container.items.create({ id: 'cell:L1-C007', mode: 'manual' });

    const back = out.back();
    await first.kill();
    await back;
    expect(cosmos.current().port).toBe(first.port);
    expect((await container.item('cell:L1-C007', 'cell:L1-C007').read()).resource).toMatchObject({ mode: 'manual' });
    await container.items.create({ id: 'cell:L1-C008', mode: 'manual' });
  }, 120_000);

  it('is not restarted once stopped', async () => {
    const dataDir = tempDir();
    const out = console();
    const cosmos = await supervise<CosmosHandle>({
      name: 'The Cosmos DB server',
      start: () => startCosmos({ dataDir }),
      describe: (c) => `port ${c.port}`,
      log: out.log,
    });
    const handle = cosmos.current();
    await cosmos.stop();
    await handle.exited;
    expect(cosmos.restarts()).toBe(0);
    expect(out.lines).toEqual([]);
  }, 60_000);
});
