import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PartitionLog } from './partition-log.js';

const dirs: string[] = [];
const tempFile = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'partition-log-'));
  dirs.push(dir);
  return path.join(dir, '0.log');
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('PartitionLog', () => {
  it('numbers events from 0, uses byte positions as offsets and keeps them across reopen', () => {
    const file = tempFile();
    const log = PartitionLog.open(file);
    const stored = log.append(
      [{ body: Buffer.from('a') }, { body: Buffer.from([0, 255]), partitionKey: 'k', properties: { n: 1 } }],
      1_000,
    );
    expect(stored.map((e) => e.sequenceNumber)).toEqual([0, 1]);
    expect(stored[0]?.offset).toBe('0');
    log.close();

    const reopened = PartitionLog.open(file);
    expect(reopened.nextSequenceNumber).toBe(2);
    const [a, b] = reopened.read(0, 10);
    expect(a?.body.toString()).toBe('a');
    expect(b).toMatchObject({
      sequenceNumber: 1,
      offset: stored[1]?.offset,
      partitionKey: 'k',
      properties: { n: 1 },
      enqueuedTimeMs: 1_000,
    });
    expect([...(b?.body ?? [])]).toEqual([0, 255]);
    reopened.close();
  });

  it('cuts a torn last line (a kill mid-write) and continues numbering after the last whole event', () => {
    const file = tempFile();
    const log = PartitionLog.open(file);
    log.append([{ body: Buffer.from('whole') }], 1);
    log.close();
    appendFileSync(file, '{"s":1,"t":2,"p":{},"b":"dG9');

    const reopened = PartitionLog.open(file);
    expect(reopened.nextSequenceNumber).toBe(1);
    reopened.append([{ body: Buffer.from('next') }], 3);
    expect(reopened.read(0, 10).map((e) => e.body.toString())).toEqual(['whole', 'next']);
    reopened.close();
  });

  it('reads released events back from disk', () => {
    const file = tempFile();
    const log = PartitionLog.open(file);
    log.append(
      Array.from({ length: 60_010 }, (_, i) => ({ body: Buffer.from(String(i)) })),
      1,
    );
    log.release(60_010);
    expect(log.read(3, 2).map((e) => e.body.toString())).toEqual(['3', '4']);
    expect(log.read(60_008, 5).map((e) => e.sequenceNumber)).toEqual([60_008, 60_009]);
    log.close();
  });

  it('reads any range back from disk, across index strides, with the offsets it gave at append and after reopen', () => {
    const file = tempFile();
    const log = PartitionLog.open(file);
    // Bodies of varying length, so byte positions are not a multiple of anything.
    const stored = log.append(
      Array.from({ length: 120_000 }, (_, i) => ({ body: Buffer.from('x'.repeat(i % 37) + String(i)) })),
      1,
    );
    log.release(120_000);
    // A seeded walk over ranges (start, length) that begin and end on either side of the 1,024-event strides.
    let seed = 42;
    const next = (n: number) => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    const check = (l: PartitionLog) => {
      for (const [from, max] of [
        [0, 1],
        [1023, 2],
        [1024, 1024],
        [69_999, 1],
        ...Array.from({ length: 40 }, () => [next(70_000), 1 + next(1500)] as const),
      ] as const) {
        const got = l.read(from, max);
        const want = stored.slice(from, from + max);
        expect(got.map((e) => [e.sequenceNumber, e.offset, e.body.toString()])).toEqual(
          want.map((e) => [e.sequenceNumber, e.offset, e.body.toString()]),
        );
      }
    };
    check(log);
    log.close();
    const reopened = PartitionLog.open(file);
    expect(reopened.nextSequenceNumber).toBe(120_000);
    check(reopened);
    reopened.append([{ body: Buffer.from('after') }], 2);
    expect(reopened.read(120_000, 5).map((e) => e.body.toString())).toEqual(['after']);
    reopened.close();
  });

  it('keeps a bounded tail in memory whatever the consumers still need, and reads the rest from disk', () => {
    const file = tempFile();
    const log = PartitionLog.open(file);
    // 48 MiB of events no consumer has read yet: more than the 32 MiB the tail may hold.
    const stored = log.append(
      Array.from({ length: 48 }, (_, i) => ({ body: Buffer.alloc(2 ** 20, i) })),
      1,
    );
    expect(log.memoryTail.bytes).toBeLessThanOrEqual(32 * 2 ** 20);
    expect(log.memoryTail.events).toBeLessThan(48);
    const all = log.read(0, 48);
    expect(all.map((e) => [e.sequenceNumber, e.offset, e.body[0], e.body.length])).toEqual(
      stored.map((e, i) => [i, e.offset, i, 2 ** 20]),
    );
    log.close();
  });
});
