import { CosmosClient, type Container } from '@azure/cosmos';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createRng } from '../simulator/prng.js';
import type { CrashPoint } from './cosmos-journal/crash-point.js';
import { encodeFrame } from './cosmos-journal/frames.js';
import { startCosmos, type CosmosHandle, type CosmosOptions } from './cosmos.js';

const started: CosmosHandle[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((c) => c.stop()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cosmos-durable-'));
  dirs.push(dir);
  return dir;
}

async function start(options: CosmosOptions): Promise<{ server: CosmosHandle; client: CosmosClient }> {
  const server = await startCosmos(options);
  started.push(server);
  // No retries: a request to a killed server must fail at once, not be replayed against the restarted one.
  const client = new CosmosClient({
    endpoint: server.endpoint,
    key: server.key,
    connectionPolicy: {
      enableEndpointDiscovery: false,
      retryOptions: { maxRetryAttemptCount: 0, fixedRetryIntervalInMilliseconds: 0, maxWaitTimeInSeconds: 0 },
    },
  });
  return { server, client };
}

async function kill(server: CosmosHandle): Promise<void> {
  await server.kill();
  started.splice(started.indexOf(server), 1);
}

async function container(client: CosmosClient, id = 'items', partitionKeyPath = '/pk'): Promise<Container> {
  const { database } = await client.databases.createIfNotExists({ id: 'smelter' });
  return (await database.containers.createIfNotExists({ id, partitionKey: { paths: [partitionKeyPath] } })).container;
}

/** Every document of `c` without the properties the server assigns (they change across a restart). */
async function contents(c: Container): Promise<Record<string, unknown>[]> {
  const { resources } = await c.items.query<Record<string, unknown>>('SELECT * FROM c').fetchAll();
  return resources.map(withoutSystem).sort((a, b) => String(a.id).localeCompare(String(b.id)));
}

function withoutSystem(doc: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !k.startsWith('_')));
}

interface CellDoc {
  id: string;
  pk: string;
  acdCm: number;
  tags: number[];
  nested: { manual: boolean };
  replaced?: boolean;
}

const byId = (docs: object[]) =>
  [...docs].sort((a, b) => String((a as { id: unknown }).id).localeCompare(String((b as { id: unknown }).id)));

function journals(dataDir: string): string[] {
  return readdirSync(path.join(dataDir, 'cosmos'))
    .filter((f) => f.startsWith('journal-'))
    .sort()
    .map((f) => path.join(dataDir, 'cosmos', f));
}

describe('the durable local Cosmos server', () => {
  it('keeps every acknowledged create, upsert, replace and patch across a SIGKILL, with its content', async () => {
    const dataDir = tempDir();
    const rng = createRng(1);
    const { server, client } = await start({ dataDir });
    const items = await container(client);
    const expected = new Map<string, CellDoc>();
    for (let i = 0; i < 120; i++) {
      const doc: CellDoc = {
        id: `cell-${i}`,
        pk: `L${i % 3}`,
        acdCm: rng.uniform(3, 5),
        tags: [rng.int(0, 9)],
        nested: { manual: rng.chance(0.5) },
      };
      if (i % 4 === 0) await items.items.create(doc);
      else await items.items.upsert(doc);
      expected.set(doc.id, doc);
    }
    for (let i = 0; i < 120; i += 5) {
      const doc: CellDoc = { ...expected.get(`cell-${i}`)!, acdCm: rng.uniform(3, 5), replaced: true };
      await items.item(doc.id, doc.pk).replace(doc);
      expected.set(doc.id, doc);
    }
    for (let i = 1; i < 120; i += 7) {
      const old = expected.get(`cell-${i}`)!;
      await items.item(old.id, old.pk).patch([
        { op: 'set', path: '/nested/manual', value: true },
        { op: 'incr', path: '/tags/0', value: 10 },
      ]);
      expected.set(old.id, { ...old, nested: { manual: true }, tags: [old.tags[0]! + 10] });
    }
    await kill(server);

    const again = await start({ dataDir });
    expect(await contents(await container(again.client))).toEqual(byId([...expected.values()]));
  });

  it('keeps deletes deleted, and databases and containers with their partition key and indexing policy', async () => {
    const dataDir = tempDir();
    const { server, client } = await start({ dataDir });
    const items = await container(client);
    for (let i = 0; i < 10; i++) await items.items.create({ id: `d${i}`, pk: 'p' });
    for (const i of [2, 5, 7]) await items.item(`d${i}`, 'p').delete();
    const { database } = await client.databases.createIfNotExists({ id: 'smelter' });
    const indexingPolicy = {
      compositeIndexes: [
        [
          { path: '/lineId', order: 'ascending' as const },
          { path: '/ts', order: 'descending' as const },
        ],
      ],
    };
    await database.containers.create({ id: 'overrides', partitionKey: { paths: ['/scopeKey'] }, indexingPolicy });
    await database.container('overrides').items.create({ id: 'line:L3', scopeKey: 'line:L3', mode: 'manual' });
    await database.containers.create({ id: 'doomed', partitionKey: { paths: ['/x'] } });
    await database.container('doomed').delete();
    await client.databases.create({ id: 'scratch' });
    await client.database('scratch').delete();
    await kill(server);

    const { client: after } = await start({ dataDir });
    expect((await contents(after.database('smelter').container('items'))).map((d) => d.id)).toEqual([
      'd0',
      'd1',
      'd3',
      'd4',
      'd6',
      'd8',
      'd9',
    ]);
    const { resources: containers } = await after.database('smelter').containers.readAll().fetchAll();
    expect(containers.map((c) => c.id).sort()).toEqual(['items', 'overrides']);
    const overrides = containers.find((c) => c.id === 'overrides')!;
    expect(overrides.partitionKey?.paths).toEqual(['/scopeKey']);
    expect(overrides.indexingPolicy?.compositeIndexes).toEqual(indexingPolicy.compositeIndexes);
    expect(
      (await after.database('smelter').container('overrides').item('line:L3', 'line:L3').read()).resource,
    ).toMatchObject({ mode: 'manual' });
    expect((await after.databases.readAll().fetchAll()).resources.map((d) => d.id)).toEqual(['smelter']);
  });

  it('keeps the effects of a transactional batch and user-defined functions; a batch the server would stop half-way is refused whole', async () => {
    const dataDir = tempDir();
    const { server, client } = await start({ dataDir });
    const items = await container(client);
    for (const id of ['b0', 'b1']) await items.items.create({ id, pk: 'p', v: 0 });
    const batch = await items.items.batch(
      [
        { operationType: 'Create', resourceBody: { id: 'b2', pk: 'p', v: 2 } },
        { operationType: 'Upsert', resourceBody: { id: 'b3', pk: 'p', v: 3 } },
        { operationType: 'Replace', id: 'b0', resourceBody: { id: 'b0', pk: 'p', v: 10 } },
        { operationType: 'Delete', id: 'b1' },
        { operationType: 'Read', id: 'b0' },
      ],
      'p',
    );
    expect(batch.result?.map((r) => r.statusCode)).toEqual([201, 201, 200, 204, 200]);
    // The server does not serve Patch inside a batch: refused before the Create runs, so nothing changes.
    await expect(
      items.items.batch(
        [
          { operationType: 'Create', resourceBody: { id: 'b4', pk: 'p' } },
          { operationType: 'Patch', id: 'b0', resourceBody: { operations: [{ op: 'set', path: '/v', value: 1 }] } },
        ],
        'p',
      ),
    ).rejects.toThrow(/Operation type 'Patch' is not supported in Batch/);
    await items.scripts.userDefinedFunctions.create({ id: 'double', body: 'function double(x) { return x * 2; }' });
    await kill(server);

    const { client: after } = await start({ dataDir });
    const reloaded = await container(after);
    expect(await contents(reloaded)).toEqual([
      { id: 'b0', pk: 'p', v: 10 },
      { id: 'b2', pk: 'p', v: 2 },
      { id: 'b3', pk: 'p', v: 3 },
    ]);
    const { resources } = await reloaded.items
      .query<number>('SELECT VALUE udf.double(c.v) FROM c WHERE c.id = "b3"')
      .fetchAll();
    expect(resources).toEqual([6]);
  });

  it('keeps all of 200 concurrent upserts acknowledged together (group commit) across a SIGKILL', async () => {
    const dataDir = tempDir();
    const { server, client } = await start({ dataDir });
    const items = await container(client);
    const docs = Array.from({ length: 200 }, (_, i) => ({ id: `c${i}`, pk: `p${i % 7}`, value: i * 1.5 }));
    await Promise.all(docs.map((d) => items.items.upsert(d)));
    await kill(server);

    const { client: after } = await start({ dataDir });
    expect(await contents(await container(after))).toEqual(byId(docs));
  });

  it('cuts a torn last record (a write a kill cut short) and loads everything before it', async () => {
    const dataDir = tempDir();
    const { server, client } = await start({ dataDir });
    const items = await container(client);
    const docs = Array.from({ length: 30 }, (_, i) => ({ id: `t${i}`, pk: 'p', i }));
    for (const d of docs) await items.items.create(d);
    await kill(server);
    const [journal] = journals(dataDir);
    const whole = statSync(journal!).size;
    const frame = encodeFrame(
      Buffer.from(
        JSON.stringify({ op: 'putDocument', db: 'smelter', coll: 'items', doc: { id: 'never-acknowledged', pk: 'p' } }),
      ),
    );
    appendFileSync(journal!, frame.subarray(0, frame.length - 5));

    const { client: after } = await start({ dataDir });
    expect(await contents(await container(after))).toEqual(byId(docs));
    expect(statSync(journal!).size).toBe(whole);
  });

  it('refuses to start, naming the file, when a journal is damaged before its last record', async () => {
    const dataDir = tempDir();
    const { server, client } = await start({ dataDir });
    const items = await container(client);
    for (let i = 0; i < 20; i++) await items.items.create({ id: `m${i}`, pk: 'p', text: 'x'.repeat(50) });
    await kill(server);
    const [journal] = journals(dataDir);
    const data = readFileSync(journal!);
    const middle = Math.floor(data.length / 2);
    data[middle] = data[middle]! ^ 0x20;
    writeFileSync(journal!, data);

    await expect(startCosmos({ dataDir })).rejects.toThrow(
      new RegExp(`ERR-COSMOS-JOURNAL-DAMAGED: ${journal!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged`),
    );
  });

  it('answers 412 to an ETag from before the restart (ETags and _ts are assigned again when the store is loaded)', async () => {
    const dataDir = tempDir();
    const { server, client } = await start({ dataDir });
    const items = await container(client);
    const { resource } = await items.items.create({ id: 'e1', pk: 'p', v: 1 });
    await kill(server);

    const { client: after } = await start({ dataDir });
    const reloaded = (await (await container(after)).item('e1', 'p').read()).resource!;
    expect(reloaded.v).toBe(1);
    expect(reloaded._etag).not.toBe(resource!._etag);
    await expect(
      (await container(after))
        .item('e1', 'p')
        .replace({ id: 'e1', pk: 'p', v: 2 }, { accessCondition: { type: 'IfMatch', condition: resource!._etag! } }),
    ).rejects.toMatchObject({ code: 412 });
  });
});

describe('a kill of the process that started the server', () => {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const writer = path.join(import.meta.dirname, 'fixtures', 'cosmos-writer.ts');

  it('keeps every write acknowledged to a client killed with the server (whole group) or alone (the server follows), at seeded moments', async () => {
    const dataDir = tempDir();
    const rng = createRng(7);
    for (const [killAfter, target] of [
      [rng.int(20, 200), 'group'],
      [rng.int(200, 600), 'group'],
      [rng.int(20, 400), 'parent'],
    ] as const) {
      const driver = spawn(process.execPath, ['--import', tsx, writer, dataDir], {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const acknowledged = new Map<string, number>();
      let count = 0;
      let stderr = '';
      driver.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      await new Promise<void>((resolve) => {
        let partial = '';
        driver.stdout.on('data', (chunk: Buffer) => {
          const lines = (partial + chunk.toString()).split('\n');
          partial = lines.pop()!;
          for (const line of lines) {
            const m = /^acked (\S+) (\d+)$/.exec(line);
            if (!m) continue;
            acknowledged.set(m[1]!, Math.max(acknowledged.get(m[1]!) ?? -1, Number(m[2])));
            // The group: the writer and the server it started, as a crash of `npm start` would. The parent alone:
            // its server sees its stdin close and exits, so the restart below can take the store.
            if (++count === killAfter) process.kill(target === 'group' ? -driver.pid! : driver.pid!, 'SIGKILL');
          }
        });
        driver.once('exit', () => resolve());
      });
      expect(count, stderr).toBeGreaterThanOrEqual(killAfter);

      const { server, client } = await start({ dataDir });
      const loaded = new Map(
        (await contents(await container(client, 'group'))).map((d) => [d.id as string, d.n as number]),
      );
      for (const [id, n] of acknowledged) expect(loaded.get(id) ?? -1).toBeGreaterThanOrEqual(n);
      await server.stop();
      started.splice(started.indexOf(server), 1);
    }
    // Three rounds of a writer and its server started and killed: allow for a machine shared with other work.
  }, 120_000);
});

describe('compaction of the durable local Cosmos server', () => {
  const points: CrashPoint[] = [
    'compaction-rotated',
    'compaction-snapshot-half-written',
    'compaction-snapshot-written',
    'compaction-snapshot-renamed',
    'compaction-done',
  ];

  it.each(points)(
    'loses no acknowledged write when the server is killed at %s',
    async (crashAt) => {
      const dataDir = tempDir();
      const compactAtBytes = 8 * 1024;
      const { client } = await start({ dataDir, compactAtBytes, crashAt });
      const items = await container(client);
      const acknowledged = new Map<string, Record<string, unknown>>();
      // Two writers, so writes land in the new journal while the snapshot is being written; the server dies mid-way.
      const writer = async (w: number) => {
        for (let i = 0; i < 2000; i++) {
          const doc = { id: `w${w}-${i % 40}`, pk: `p${i % 4}`, round: i, payload: 'y'.repeat(80) };
          await items.items.upsert(doc);
          acknowledged.set(doc.id, doc);
        }
      };
      const outcome = await Promise.allSettled([writer(1), writer(2)]);
      expect(outcome.map((o) => o.status)).toEqual(['rejected', 'rejected']);
      started.splice(0);

      const { client: after } = await start({ dataDir, compactAtBytes });
      const loaded = new Map((await contents(await container(after))).map((d) => [d.id as string, d]));
      for (const [id, doc] of acknowledged) {
        // The write that was in flight at the kill may or may not have landed; every acknowledged one has.
        expect((loaded.get(id)?.round as number) ?? -1).toBeGreaterThanOrEqual(doc.round as number);
      }
      expect(readdirSync(path.join(dataDir, 'cosmos')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      // Several server processes are started and killed in turn: allow for a machine shared with other work.
    },
    120_000,
  );

  it('keeps the journal bounded: a long run of rewrites ends as one snapshot and a short journal that load the same state', async () => {
    const dataDir = tempDir();
    const compactAtBytes = 16 * 1024;
    const { server, client } = await start({ dataDir, compactAtBytes });
    const items = await container(client);
    const last = new Map<string, Record<string, unknown>>();
    for (let round = 0; round < 30; round++) {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => ({ id: `hot-${i}`, pk: 'L1', round, payload: 'z'.repeat(100) })).map(
          async (d) => {
            await items.items.upsert(d);
            last.set(d.id, d);
          },
        ),
      );
    }
    await kill(server);
    const files = readdirSync(path.join(dataDir, 'cosmos'));
    expect(files.filter((f) => f.startsWith('snapshot-')).length).toBe(1);
    const journalBytes = journals(dataDir).reduce((n, f) => n + statSync(f).size, 0);
    expect(journalBytes).toBeLessThan(3 * compactAtBytes);

    const { server: restarted, client: after } = await start({ dataDir, compactAtBytes });
    expect(await contents(await container(after))).toEqual(byId([...last.values()]));
    await kill(restarted);

    // A damaged snapshot is refused by name, never taken for an empty store.
    const snapshot = path.join(
      dataDir,
      'cosmos',
      readdirSync(path.join(dataDir, 'cosmos')).find((f) => f.startsWith('snapshot-'))!,
    );
    const data = readFileSync(snapshot);
    const middle = Math.floor(data.length / 2);
    data[middle] = data[middle]! ^ 0x20;
    writeFileSync(snapshot, data);
    await expect(startCosmos({ dataDir })).rejects.toThrow(`ERR-COSMOS-SNAPSHOT-DAMAGED: ${snapshot} is damaged`);
  });
});
