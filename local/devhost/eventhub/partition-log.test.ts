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
});
