/** A growable little-endian byte buffer for the Parquet writer (Node Buffer underneath, for its fast UTF-8 writes). */
export class ByteWriter {
  buf: Buffer;
  offset = 0;

  constructor(initial = 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  ensure(extra: number): void {
    if (this.offset + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.offset + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.offset);
    this.buf = next;
  }

  reset(): void {
    this.offset = 0;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.offset++] = v;
  }

  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.offset);
    this.offset += 4;
  }

  i32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32LE(v, this.offset);
    this.offset += 4;
  }

  /** A whole number within ±2^53 as a signed 64-bit integer. */
  i64(v: number): void {
    this.ensure(8);
    this.buf.writeUInt32LE(v >>> 0, this.offset);
    this.buf.writeInt32LE(Math.floor(v / 4294967296), this.offset + 4);
    this.offset += 8;
  }

  f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.offset);
    this.offset += 8;
  }

  /** Unsigned LEB128 of a whole number within 2^53. */
  varint(v: number): void {
    this.ensure(10);
    while (v >= 0x80) {
      this.buf[this.offset++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.offset++] = v;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.offset);
    this.offset += b.length;
  }

  /** UTF-8 bytes of `s` (no length prefix); returns how many were written. */
  utf8(s: string): number {
    this.ensure(s.length * 3);
    const n = this.buf.write(s, this.offset, 'utf8');
    this.offset += n;
    return n;
  }

  /** A copy of what was written. */
  toBytes(): Uint8Array {
    return new Uint8Array(this.buf.subarray(0, this.offset));
  }

  /** A view of what was written (valid until the next write). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.offset);
  }
}
