/**
 * A full disk under the devhost's intake: a real 2 MiB tmpfs (so this suite needs root, as `npm run test:faults`
 * runs in CI) holds the local Event Hub. Sending until the disk is full: the send is refused with
 * ERR-DEVHOST-DISK-FULL naming the partition log, the log keeps exactly the events it acknowledged (reopened, it
 * reads them back whole), and once space is freed intake resumes where it stopped. Through `npm start`'s pause,
 * the held telemetry is sent when space returns and nothing is lost.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pauseOnDiskFull } from '../../local/console/pause-on-disk-full.js';
import { DiskFullError } from '../../local/devhost/disk-full.js';
import { LocalEventHubNamespace } from '../../local/devhost/eventhub/local-hub.js';
import { DevhostEvents } from '../../local/devhost/events.js';
import { historyEvent } from '../../local/devhost/durable/history.js';
import { InstanceStore } from '../../local/devhost/durable/instance-store.js';

let disk: string;

beforeAll(() => {
  disk = mkdtempSync(path.join(os.tmpdir(), 'disk-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(
      `The disk-full fault test mounts a 2 MiB tmpfs at ${disk} and could not (${(err as Error).message.trim()}); run the fault suite as root.`,
      { cause: err },
    );
  }
});
afterAll(() => {
  try {
    // Lazy: a log a failed assertion left open must not keep the mount (and the machine's memory) behind.
    execFileSync('umount', ['-l', disk], { stdio: 'pipe' });
  } finally {
    rmSync(disk, { recursive: true, force: true });
  }
});

const body = (i: number) => ({ body: `${JSON.stringify({ i, pad: 'x'.repeat(4000) })}`, partitionKey: 'L1-C001' });

describe('a full disk under the local Event Hub', () => {
  it('refuses intake naming the file, keeps exactly what it acknowledged, and takes events again once space is freed', () => {
    // Space that can be given back later, as an operator would by deleting old files.
    writeFileSync(path.join(disk, 'filler'), Buffer.alloc(512 * 1024));
    const dir = path.join(disk, 'eventhubs');
    const namespace = new LocalEventHubNamespace(dir, 1, new DevhostEvents());
    const hub = namespace.hub('telemetry');
    let acknowledged = 0;
    let refusal: unknown;
    for (let i = 0; i < 10_000 && !refusal; i += 10) {
      try {
        hub.send(Array.from({ length: 10 }, (_, j) => body(i + j)));
        acknowledged += 10;
      } catch (err) {
        refusal = err;
      }
    }
    expect(refusal).toBeInstanceOf(DiskFullError);
    expect((refusal as DiskFullError).message).toMatch(/^ERR-DEVHOST-DISK-FULL: no space left to write .*eventhubs/);
    expect(acknowledged).toBeGreaterThan(100);
    namespace.close();

    // Reopened: every acknowledged event, whole, and nothing of the refused send.
    const reopened = new LocalEventHubNamespace(dir, 1, new DevhostEvents());
    const events = reopened.hub('telemetry').read('0', 0, 100_000);
    expect(events).toHaveLength(acknowledged);
    expect(events.map((e) => (JSON.parse(e.body.toString()) as { i: number }).i)).toEqual(
      Array.from({ length: acknowledged }, (_, i) => i),
    );

    rmSync(path.join(disk, 'filler'));
    const [receipt] = reopened.hub('telemetry').send([body(acknowledged)]);
    expect(receipt).toMatchObject({ sequenceNumber: acknowledged });
    reopened.close();
  });

  it("npm start's simulated plant holds its telemetry while the disk is full and sends it when space returns", async () => {
    rmSync(path.join(disk, 'eventhubs'), { recursive: true, force: true });
    const filler = path.join(disk, 'filler-2');
    writeFileSync(filler, Buffer.alloc(512 * 1024));
    const dir = path.join(disk, 'eventhubs-paused');
    const namespace = new LocalEventHubNamespace(dir, 1, new DevhostEvents());
    const hub = namespace.hub('telemetry');
    const lines: string[] = [];
    let freed = false;
    const send = pauseOnDiskFull((batch: ReturnType<typeof body>[]) => void hub.send(batch), {
      log: (line) => lines.push(line),
      // The operator frees space while the plant waits.
      sleep: async () => {
        if (!freed) rmSync(filler, { force: true });
        freed = true;
      },
    });
    let i = 0;
    // The plant sends until the disk is full, waits, and goes on once the filler is deleted.
    for (; lines.length === 0 && i < 10_000; i += 10) await send(Array.from({ length: 10 }, (_, j) => body(i + j)));
    expect(lines[0]).toMatch(/^Intake paused: ERR-DEVHOST-DISK-FULL: no space left to write .*eventhubs-paused/);
    expect(lines[1]).toMatch(/^Intake resumed after \d+ s/);
    const read = hub.read('0', 0, 100_000).map((e) => (JSON.parse(e.body.toString()) as { i: number }).i);
    expect(read).toEqual(Array.from({ length: i }, (_, n) => n));
    namespace.close();
  });

  it("keeps the Durable store's instance files whole: a record the disk had no room for is refused naming the file", () => {
    rmSync(path.join(disk, 'eventhubs-paused'), { recursive: true, force: true });
    const filler = path.join(disk, 'filler-3');
    writeFileSync(filler, Buffer.alloc(256 * 1024));
    const store = new InstanceStore(path.join(disk, 'durable'));
    store.create({ k: 'created', instanceId: 'opt-L1-x', name: 'optimizationRun', input: {}, createdMs: 1 });
    let written = 0;
    let refusal: unknown;
    for (let i = 0; i < 100_000 && !refusal; i++) {
      try {
        const event = historyEvent('EventRaised', i, { Name: 'approval', Input: 'x'.repeat(2000) });
        store.append('opt-L1-x', { k: 'inbox', event, execution: 0 });
        written++;
      } catch (err) {
        refusal = err;
      }
    }
    expect(refusal).toBeInstanceOf(DiskFullError);
    expect((refusal as DiskFullError).message).toMatch(/no space left to write .*durable.*opt-L1-x\.jsonl/);
    expect(store.loadAll()[0]!.inbox).toHaveLength(written);

    rmSync(filler);
    store.append('opt-L1-x', { k: 'inbox', event: historyEvent('EventRaised', 0, { Name: 'late' }), execution: 0 });
    const [loaded] = store.loadAll();
    expect(loaded!.inbox).toHaveLength(written + 1);
    expect(loaded!.inbox.at(-1)!.event).toMatchObject({ Name: 'late' });
  });
});
