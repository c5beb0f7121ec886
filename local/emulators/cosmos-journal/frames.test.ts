import { describe, expect, it } from 'vitest';
import { createRng } from '../../simulator/prng.js';
import { DamagedFramesError, encodeFrame, scanFrames } from './frames.js';

const rng = createRng(14);
const payloads = Array.from({ length: 20 }, (_, i) =>
  Buffer.from(JSON.stringify({ op: 'putDocument', id: `d${i}`, text: 'é'.repeat(rng.int(0, 300)) })),
);
const file = Buffer.concat(payloads.map(encodeFrame));
const frameEnds = payloads.reduce<number[]>((ends, p) => [...ends, (ends.at(-1) ?? 0) + encodeFrame(p).length], []);

describe('journal framing', () => {
  it('reads back every record it wrote', () => {
    const scanned = scanFrames(file);
    expect(scanned.payloads.map(String)).toEqual(payloads.map(String));
    expect(scanned).toMatchObject({ validBytes: file.length, tornBytes: 0 });
  });

  it('reports a record cut short at any byte as a torn tail and keeps every whole record before it', () => {
    const lastStart = frameEnds.at(-2)!;
    for (let cut = lastStart + 1; cut < file.length; cut++) {
      const scanned = scanFrames(file.subarray(0, cut));
      expect(scanned.payloads).toHaveLength(payloads.length - 1);
      expect(scanned).toMatchObject({ validBytes: lastStart, tornBytes: cut - lastStart });
    }
  });

  it('does not take a zero-filled tail (a file extended but never written) for a record', () => {
    const scanned = scanFrames(Buffer.concat([file, Buffer.alloc(4096)]));
    expect(scanned).toMatchObject({ validBytes: file.length, tornBytes: 4096 });
    expect(scanned.payloads).toHaveLength(payloads.length);
  });

  it('treats a last record whose bytes changed as torn', () => {
    const damaged = Buffer.from(file);
    damaged[file.length - 3] = damaged[file.length - 3]! ^ 0x01;
    expect(scanFrames(damaged)).toMatchObject({
      validBytes: frameEnds.at(-2),
      tornBytes: file.length - frameEnds.at(-2)!,
    });
  });

  it('refuses damage before the last whole record instead of cutting what follows', () => {
    for (const at of [2, 6, 10, frameEnds[4]! + 20]) {
      const damaged = Buffer.from(file);
      damaged[at] = damaged[at]! ^ 0x40;
      expect(() => scanFrames(damaged)).toThrow(DamagedFramesError);
    }
  });
});
