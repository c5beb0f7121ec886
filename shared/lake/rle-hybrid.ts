/**
 * Parquet's RLE / bit-packing hybrid (definition levels, dictionary indices): runs of eight or more equal values at a
 * group boundary become one RLE run, everything else is bit-packed eight values at a time, least significant bit first.
 */
import type { ByteWriter } from './byte-writer.js';

/** Bits needed for values up to `max` (at least 1: some readers refuse a width of 0). */
export function bitWidthFor(max: number): number {
  let w = 1;
  while (max >= 2 ** w) w++;
  return w;
}

/** Appends the first `n` values (each below 2^bitWidth, bitWidth ≤ 24) encoded with the hybrid. */
export function writeRleHybrid(w: ByteWriter, values: ArrayLike<number>, n: number, bitWidth: number): void {
  const valueBytes = (bitWidth + 7) >> 3;
  let i = 0;
  while (i < n) {
    const v = values[i]!;
    let j = i + 1;
    while (j < n && values[j] === v) j++;
    if (j - i >= 8) {
      w.varint((j - i) * 2);
      w.ensure(valueBytes);
      for (let b = 0; b < valueBytes; b++) w.buf[w.offset++] = (v >>> (8 * b)) & 0xff;
      i = j;
      continue;
    }
    // Bit-pack groups of eight until a group starts with a run of eight equal values (or the values end).
    let end = i;
    while (end < n) {
      let r = end + 1;
      while (r < n && r - end < 8 && values[r] === values[end]) r++;
      if (r - end >= 8) break;
      end += 8;
    }
    const groups = Math.ceil((Math.min(end, n) - i) / 8);
    w.varint(groups * 2 + 1);
    w.ensure(groups * bitWidth);
    const buf = w.buf;
    let o = w.offset;
    let acc = 0;
    let bits = 0;
    const stop = i + groups * 8;
    for (let k = i; k < stop; k++) {
      acc |= (k < n ? values[k]! : 0) << bits;
      bits += bitWidth;
      while (bits >= 8) {
        buf[o++] = acc & 0xff;
        acc >>>= 8;
        bits -= 8;
      }
    }
    w.offset = o;
    i = stop;
  }
}
