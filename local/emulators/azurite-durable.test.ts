import { mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../simulator/prng.js';
import { startAzurite, type AzuriteHandle } from './azurite.js';
import { applyChanges, SnapshotCrashPoint } from './azurite-journal/loki-journal.js';

const dirs: string[] = [];
const running: AzuriteHandle[] = [];
afterAll(async () => {
  await Promise.all(running.map((a) => a.stop()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'azurite-durable-'));
  dirs.push(d);
  return d;
}

async function start(location: string, options: Parameters<typeof startAzurite>[1] = {}): Promise<AzuriteHandle> {
  const a = await startAzurite(location, options);
  running.push(a);
  return a;
}

/** One try per request: a write the kill cut short must fail now, not be retried into the next emulator. */
const containerOf = (a: AzuriteHandle, name = 'lake') =>
  BlobServiceClient.fromConnectionString(a.connectionString, { retryOptions: { maxTries: 1 } }).getContainerClient(
    name,
  );

/** What a blob holds: its bytes and one metadata value, or that it does not exist. */
type BlobState = { content: string; tag: string } | 'absent';

async function stateOf(c: ContainerClient, name: string): Promise<BlobState> {
  const blob = c.getBlockBlobClient(name);
  try {
    const [props, body] = await Promise.all([blob.getProperties(), blob.downloadToBuffer()]);
    return { content: body.toString('utf8'), tag: props.metadata?.tag ?? '' };
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return 'absent';
    throw e;
  }
}

/**
 * Writers that upload, overwrite, re-tag and delete blobs at random (seeded) until stopped. `known` holds what each
 * blob must be after a crash: the state its last acknowledged write left. `maybe` holds, for a write under way when the
 * emulator died, the state it would have left (either is right: it was never acknowledged).
 */
function workload(c: ContainerClient, seed: number, writers: number) {
  const known = new Map<string, BlobState>();
  const maybe = new Map<string, BlobState[]>();
  let acknowledged = 0;
  let stopped = false;
  const writer = async (w: number) => {
    const rng = createRng(seed).fork(`writer-${w}`);
    for (let i = 0; !stopped; i++) {
      // Each writer owns its names, so its writes to one blob are in order and the last acknowledged one decides.
      const name = `w${w}/b${rng.int(0, 11)}.json`;
      const before = known.get(name) ?? 'absent';
      const roll = rng.next();
      let after: BlobState;
      let write: () => Promise<unknown>;
      const blob = c.getBlockBlobClient(name);
      if (roll < 0.6 || before === 'absent') {
        after = { content: `${name} #${i} ${'x'.repeat(rng.int(0, 4000))}`, tag: `t${i}` };
        const body = after.content;
        const tag = after.tag;
        write = () => blob.upload(body, Buffer.byteLength(body), { metadata: { tag } });
      } else if (roll < 0.8) {
        after = { content: before.content, tag: `m${i}` };
        const tag = after.tag;
        write = () => blob.setMetadata({ tag });
      } else {
        after = 'absent';
        write = () => blob.delete();
      }
      maybe.set(name, [before, after]);
      try {
        await write();
      } catch {
        return; // the emulator died under this write: its outcome stays in `maybe`
      }
      known.set(name, after);
      maybe.delete(name);
      acknowledged++;
    }
  };
  const done = Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
  return {
    known,
    maybe,
    acknowledged: () => acknowledged,
    stop: async () => {
      stopped = true;
      await done;
    },
    done,
  };
}

/** Every blob is what its last acknowledged write left (or, under way at the kill, what that write would have left). */
async function expectSurvived(c: ContainerClient, w: ReturnType<typeof workload>): Promise<void> {
  const names = new Set([...w.known.keys(), ...w.maybe.keys()]);
  for await (const b of c.listBlobsFlat()) names.add(b.name);
  for (const name of names) {
    const found = await stateOf(c, name);
    const allowed = w.maybe.get(name) ?? [w.known.get(name) ?? 'absent'];
    expect(allowed, `blob ${name}`).toContainEqual(found);
  }
}

describe('Azurite with its metadata journalled', () => {
  it.each([1, 2, 3])(
    'keeps every write it acknowledged across a SIGKILL at a seeded moment (seed %i)',
    async (seed) => {
      const location = tempDir();
      // A small journal threshold: snapshots run during the writes, so kills also land inside them.
      const first = await start(location, { compactAtBytes: 48 * 1024 });
      await containerOf(first).create();
      const w = workload(containerOf(first), seed, 6);
      // The moment: after a seeded number of acknowledged writes, while the writers keep writing.
      const killAfter = createRng(seed).fork('kill').int(40, 400);
      while (w.acknowledged() < killAfter) await new Promise((resolve) => setTimeout(resolve, 5));
      await first.kill();
      await w.stop();

      const second = await start(location);
      await expectSurvived(containerOf(second), w);
      await second.stop();
    },
    180_000,
  );

  it.each(SnapshotCrashPoint.options)(
    'loses nothing when killed at %s of a metadata snapshot',
    async (crashAt) => {
      const location = tempDir();
      const first = await start(location, { compactAtBytes: 16 * 1024, crashAt });
      await containerOf(first).create();
      const w = workload(containerOf(first), 7, 4);
      await Promise.race([first.exited, w.done]);
      await w.stop();
      expect((await first.exited).signal).toBe('SIGKILL');

      const second = await start(location);
      await expectSurvived(containerOf(second), w);
      // The snapshot of a clean stop covers every journal, the interrupted snapshot's leftovers included.
      await second.stop();
      expect(readdirSync(location).filter((n) => n.includes('.journal-') || n.endsWith('.tmp'))).toEqual([]);
    },
    180_000,
  );

  it('refuses to start, naming the file, when a journal is damaged before its last record', async () => {
    const location = tempDir();
    const first = await start(location, { compactAtBytes: 1024 * 1024 });
    const c = containerOf(first);
    await c.create();
    for (let i = 0; i < 5; i++) await c.getBlockBlobClient(`b${i}`).upload('x', 1);
    await first.kill();
    const journal = readdirSync(location).find((n) => n.startsWith('__azurite_db_blob__.json.journal-'))!;
    const file = path.join(location, journal);
    const bytes = readFileSync(file);
    bytes[20] = bytes[20]! ^ 0xff;
    writeFileSync(file, bytes);
    await expect(startAzurite(location)).rejects.toThrow(/ERR-AZURITE-JOURNAL-DAMAGED.*journal-/);
  });
});

describe('applyChanges', () => {
  it('gives the same database whether a change is applied once or again over a snapshot that holds it', () => {
    const snapshot = () => ({
      collections: [
        {
          name: 'blobs',
          data: [
            { $loki: 1, name: 'a' },
            { $loki: 2, name: 'b' },
          ],
          maxId: 2,
        },
      ],
    });
    const frames = [
      [{ name: 'blobs', operation: 'I' as const, obj: { $loki: 3, name: 'c' } }],
      [{ name: 'blobs', operation: 'U' as const, obj: { $loki: 1, name: 'a2' } }],
      [{ name: 'blobs', operation: 'R' as const, obj: { $loki: 2, name: 'b' } }],
    ];
    const once = snapshot();
    applyChanges(once, frames);
    const twice = structuredClone(once);
    applyChanges(twice, frames);
    expect(once.collections[0]!.data).toEqual([
      { $loki: 1, name: 'a2' },
      { $loki: 3, name: 'c' },
    ]);
    expect(twice).toEqual(once);
    expect(once.collections[0]!.maxId).toBe(3);
  });
});
