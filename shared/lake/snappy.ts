/**
 * Snappy block compression (the format Parquet's SNAPPY codec uses), written for speed in plain JavaScript: one hash
 * table of recent 4-byte sequences per 64 KiB block, literals copied byte by byte when short (a subarray per literal
 * costs more than the copy), and a skip heuristic that runs quickly over data that does not compress (measured
 * doubles). Output is standard Snappy: any reader's decompressor reads it.
 */

const BLOCK_SIZE = 65_536;
const HASH_BITS = 14;
const table = new Int32Array(1 << HASH_BITS);
/**
 * Entries hold position + base, and every block takes a new base above all earlier entries, so an entry from an
 * earlier block reads as a negative position (none), exactly as if the table had been cleared: clearing 64 KiB per
 * block cost more than compressing the small pages most columns have.
 */
let base = 0;
const MAX_BASE = 0x7fffffff - BLOCK_SIZE;

const load32 = (a: Uint8Array, i: number): number => a[i]! | (a[i + 1]! << 8) | (a[i + 2]! << 16) | (a[i + 3]! << 24);
const hash = (v: number): number => Math.imul(v, 0x1e35a7bd) >>> (32 - HASH_BITS);

/** The largest compressed size of `n` input bytes (Snappy's MaxCompressedLength). */
export function snappyMaxLength(n: number): number {
  return 32 + n + Math.ceil(n / 6);
}

/** Compresses `input` into `out` from `offset`; returns the offset after the last byte written. */
export function snappyCompressInto(input: Uint8Array, out: Uint8Array, offset: number): number {
  let op = offset;
  let len = input.length;
  while (len >= 0x80) {
    out[op++] = (len & 0x7f) | 0x80;
    len = Math.floor(len / 128);
  }
  out[op++] = len;
  for (let start = 0; start < input.length; start += BLOCK_SIZE)
    op = compressBlock(input, start, Math.min(input.length, start + BLOCK_SIZE), out, op);
  return op;
}

/** Compresses `input` to a new array. */
export function snappyCompress(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(snappyMaxLength(input.length));
  return out.subarray(0, snappyCompressInto(input, out, 0));
}

function emitLiteral(input: Uint8Array, from: number, to: number, out: Uint8Array, op: number): number {
  const n = to - from - 1;
  if (n < 60) out[op++] = n << 2;
  else if (n < 0x100) {
    out[op++] = 60 << 2;
    out[op++] = n;
  } else if (n < 0x10000) {
    out[op++] = 61 << 2;
    out[op++] = n & 0xff;
    out[op++] = n >>> 8;
  } else {
    out[op++] = 62 << 2;
    out[op++] = n & 0xff;
    out[op++] = (n >>> 8) & 0xff;
    out[op++] = n >>> 16;
  }
  if (to - from > 64) {
    out.set(input.subarray(from, to), op);
    return op + (to - from);
  }
  for (let i = from; i < to; i++) out[op++] = input[i]!;
  return op;
}

function emitCopy(offset: number, length: number, out: Uint8Array, op: number): number {
  while (length >= 68) {
    out[op++] = (63 << 2) | 2;
    out[op++] = offset & 0xff;
    out[op++] = offset >>> 8;
    length -= 64;
  }
  if (length > 64) {
    out[op++] = (59 << 2) | 2;
    out[op++] = offset & 0xff;
    out[op++] = offset >>> 8;
    length -= 60;
  }
  if (length < 12 && offset < 2048) {
    out[op++] = 1 | ((length - 4) << 2) | ((offset >>> 8) << 5);
    out[op++] = offset & 0xff;
  } else {
    out[op++] = 2 | ((length - 1) << 2);
    out[op++] = offset & 0xff;
    out[op++] = offset >>> 8;
  }
  return op;
}

function compressBlock(input: Uint8Array, start: number, end: number, out: Uint8Array, op: number): number {
  if (end - start < 16) return emitLiteral(input, start, end, out, op);
  if (base + 2 * BLOCK_SIZE > MAX_BASE) {
    table.fill(0);
    base = 0;
  }
  // Above every entry written so far (each is below base + BLOCK_SIZE + 1) and above the cleared value.
  base += BLOCK_SIZE + 1;
  const b = base - start;
  const limit = end - 4;
  let literalFrom = start;
  let ip = start + 1;
  let skip = 32;
  while (ip < limit) {
    const v = load32(input, ip);
    const h = hash(v);
    const candidate = table[h]! - b;
    table[h] = ip + b;
    if (candidate >= start && load32(input, candidate) === v) {
      if (ip > literalFrom) op = emitLiteral(input, literalFrom, ip, out, op);
      let m = ip + 4;
      let c = candidate + 4;
      while (m < end && input[m] === input[c]) {
        m++;
        c++;
      }
      op = emitCopy(ip - candidate, m - ip, out, op);
      ip = m;
      literalFrom = m;
      skip = 32;
      if (ip < limit) table[hash(load32(input, ip - 1))] = ip - 1 + b;
      continue;
    }
    ip += skip++ >>> 5;
  }
  return literalFrom < end ? emitLiteral(input, literalFrom, end, out, op) : op;
}
