/**
 * The lake's Parquet writer: flat schemas of the types the lake uses, written the way every reader expects them.
 * - Timestamps are INT64 with the TIMESTAMP logical type (MILLIS, isAdjustedToUTC = true) and the legacy
 *   TIMESTAMP_MILLIS annotation beside it, so DuckDB, Polars, pyarrow, arrow-rs and Power BI all read UTC instants.
 * - Booleans are BOOLEAN, dates INT32 DATE, strings BYTE_ARRAY with the STRING logical type.
 * - Strings are dictionary-encoded while their values repeat (ids, tags, units), PLAIN otherwise; numbers are PLAIN;
 *   every page is Snappy-compressed; data pages are version 1 (the most widely read).
 * - A file with no rows has a schema and no row group, and its footer is well-formed (empty lists keep their
 *   element type), so readers open it as an empty table.
 * Min/max statistics and null counts are written per column chunk, with the column orders that make readers trust
 * them. Written for speed: one pass per column, typed buffers, no per-value allocation.
 */
import { ByteWriter } from './byte-writer.js';
import { bitWidthFor, writeRleHybrid } from './rle-hybrid.js';
import { snappyCompressInto, snappyMaxLength } from './snappy.js';
import { binary, bool, i32, i64, list, str, struct, writeStruct, type ThriftValue } from './thrift-compact.js';
import { DomainError } from '../kernel/errors.js';

/** Column types the lake uses. */
export type LakeColumnType = 'STRING' | 'DOUBLE' | 'INT32' | 'INT64' | 'TIMESTAMP' | 'BOOLEAN' | 'DATE';

export interface LakeColumn {
  name: string;
  type: LakeColumnType;
  /**
   * Values: numbers for DOUBLE, INT32, INT64 (within ±2^53), TIMESTAMP (epoch ms) and DATE (days since 1970-01-01);
   * booleans for BOOLEAN; strings for STRING; null only where the column is nullable.
   */
  data: ArrayLike<string | number | boolean | null>;
  nullable?: boolean;
  /** Min/max statistics (default true); off where no query filters on the column. */
  statistics?: boolean;
  /** 'PLAIN' skips the dictionary attempt for strings that never repeat (JSON documents). */
  encoding?: 'PLAIN';
}

export interface ParquetWriteOptions {
  /** Rows per row group (default 100,000). */
  rowGroupSize?: number;
  /** Key-value pairs stored in the footer. */
  metadata?: Readonly<Record<string, string>>;
}

export class ParquetWriteError extends DomainError {
  constructor(field: string, detail: string) {
    super('internal', 'ERR-LAKE-PARQUET-WRITE', `Parquet column ${field}: ${detail}`, field);
  }
}

// Parquet enums (parquet.thrift).
const PHYSICAL = { BOOLEAN: 0, INT32: 1, INT64: 2, DOUBLE: 5, BYTE_ARRAY: 6 } as const;
const CONVERTED_UTF8 = 0;
const CONVERTED_DATE = 6;
const CONVERTED_TIMESTAMP_MILLIS = 9;
const ENCODING_PLAIN = 0;
const ENCODING_RLE = 3;
const ENCODING_RLE_DICTIONARY = 8;
const CODEC_SNAPPY = 1;
const PAGE_DATA = 0;
const PAGE_DICTIONARY = 2;

const PHYSICAL_OF: Record<LakeColumnType, number> = {
  STRING: PHYSICAL.BYTE_ARRAY,
  DOUBLE: PHYSICAL.DOUBLE,
  INT32: PHYSICAL.INT32,
  INT64: PHYSICAL.INT64,
  TIMESTAMP: PHYSICAL.INT64,
  BOOLEAN: PHYSICAL.BOOLEAN,
  DATE: PHYSICAL.INT32,
};

/** Values per data page: about 512 KiB of 8-byte values, so readers and page statistics work in modest pieces. */
const PAGE_VALUES = 65_536;
/** A string column stays dictionary-encoded while its distinct values are at most this share of its values. */
const DICTIONARY_MAX_SHARE = 0.5;
/** String statistics longer than this are left out (a footer should not carry documents). */
const MAX_STAT_BYTES = 64;

function schemaElement(c: LakeColumn): ThriftValue {
  const logical: Record<string, ThriftValue | undefined> = {
    STRING: struct([[1, struct([])]]),
    DATE: struct([[6, struct([])]]),
    TIMESTAMP: struct([
      [
        8,
        struct([
          [1, bool(true)],
          [2, struct([[1, struct([])]])],
        ]),
      ],
    ]),
  };
  const converted: Partial<Record<LakeColumnType, number>> = {
    STRING: CONVERTED_UTF8,
    DATE: CONVERTED_DATE,
    TIMESTAMP: CONVERTED_TIMESTAMP_MILLIS,
  };
  const conv = converted[c.type];
  return struct([
    [1, i32(PHYSICAL_OF[c.type])],
    [3, i32(c.nullable ? 1 : 0)],
    [4, str(c.name)],
    [6, conv === undefined ? undefined : i32(conv)],
    [10, logical[c.type]],
  ]);
}

interface ChunkResult {
  meta: ThriftValue;
  uncompressed: number;
  compressed: number;
  firstOffset: number;
}

/** Scratch buffers reused across columns and files (the writer is synchronous, so one set serves every call). */
const scratch = { body: new ByteWriter(1 << 16), page: new ByteWriter(1 << 16) };

/** Encodes columns of equal length into a Parquet file. */
export function encodeParquet(columns: readonly LakeColumn[], opts: ParquetWriteOptions = {}): Uint8Array {
  const rows = columns[0]?.data.length ?? 0;
  for (const c of columns)
    if (c.data.length !== rows)
      throw new ParquetWriteError(c.name, `has ${c.data.length} values; column ${columns[0]!.name} has ${rows}`);
  const groupSize = Math.max(1, opts.rowGroupSize ?? 100_000);
  const out = new ByteWriter(Math.max(1024, rows * columns.length * 4));
  out.bytes(MAGIC);
  const rowGroups: ThriftValue[] = [];
  for (let from = 0, ordinal = 0; from < rows; from += groupSize, ordinal++) {
    const to = Math.min(rows, from + groupSize);
    const chunks = columns.map((c) => writeChunk(out, c, from, to));
    rowGroups.push(
      struct([
        [
          1,
          list(
            'struct',
            chunks.map((k) => k.meta),
          ),
        ],
        [2, i64(chunks.reduce((a, k) => a + k.uncompressed, 0))],
        [3, i64(to - from)],
        [5, i64(chunks[0]!.firstOffset)],
        [6, i64(chunks.reduce((a, k) => a + k.compressed, 0))],
        [7, i32(ordinal)],
      ]),
    );
  }
  const footerStart = out.offset;
  writeStruct(out, [
    [1, i32(2)],
    [
      2,
      list('struct', [
        struct([
          [4, str('schema')],
          [5, i32(columns.length)],
        ]),
        ...columns.map(schemaElement),
      ]),
    ],
    [3, i64(rows)],
    [4, list('struct', rowGroups)],
    [
      5,
      opts.metadata && Object.keys(opts.metadata).length
        ? list(
            'struct',
            Object.entries(opts.metadata).map(([k, v]) =>
              struct([
                [1, str(k)],
                [2, str(v)],
              ]),
            ),
          )
        : undefined,
    ],
    [6, str('smelter-platform lake writer')],
    // TypeDefinedOrder for every column: readers use min/max statistics only when the order is declared.
    [
      7,
      list(
        'struct',
        columns.map(() => struct([[1, struct([])]])),
      ),
    ],
  ]);
  out.u32(out.offset - footerStart);
  out.bytes(MAGIC);
  return out.toBytes();
}

const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]);
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/** Writes one column chunk (dictionary page when used, then data pages) and returns its metadata. */
function writeChunk(out: ByteWriter, c: LakeColumn, from: number, to: number): ChunkResult {
  const data = c.data;
  const n = to - from;
  // Definition levels and the positions of non-null values.
  let nulls = 0;
  let defined: Uint8Array | undefined;
  if (c.nullable) {
    defined = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (data[from + i] === null || data[from + i] === undefined) nulls++;
      else defined[i] = 1;
    }
  } else if (!ArrayBuffer.isView(data)) {
    // A typed array (Float64Array) cannot hold a missing value.
    for (let i = from; i < to; i++)
      if (data[i] === null || data[i] === undefined)
        throw new ParquetWriteError(c.name, `row ${i} has no value and the column is not nullable`);
  }

  const dict = c.type === 'STRING' && c.encoding !== 'PLAIN' ? buildDictionary(data, from, to, nulls) : undefined;
  const stats = c.statistics === false ? undefined : new Stats(c.type);
  const chunkStart = out.offset;
  let uncompressed = 0;
  let dictionaryOffset: number | undefined;

  if (dict) {
    dictionaryOffset = out.offset;
    const body = scratch.body;
    body.reset();
    for (const v of dict.values) {
      const lenAt = body.offset;
      body.u32(0);
      const len = body.utf8(v);
      body.buf.writeUInt32LE(len, lenAt);
      stats?.string(body.buf, lenAt + 4, len);
    }
    uncompressed += writePage(out, body.view(), (size, csize) => [
      [1, i32(PAGE_DICTIONARY)],
      [2, i32(size)],
      [3, i32(csize)],
      [
        7,
        struct([
          [1, i32(dict.values.length)],
          [2, i32(ENCODING_PLAIN)],
        ]),
      ],
    ]);
  }

  const dataPageOffset = out.offset;
  const indexWidth = dict ? bitWidthFor(Math.max(1, dict.values.length - 1)) : 0;
  for (let p = 0; p < n; p += PAGE_VALUES) {
    const pFrom = from + p;
    const pTo = Math.min(to, pFrom + PAGE_VALUES);
    const body = scratch.body;
    body.reset();
    if (defined) {
      const lenAt = body.offset;
      body.u32(0);
      writeRleHybrid(body, defined.subarray(p, p + (pTo - pFrom)), pTo - pFrom, 1);
      body.buf.writeUInt32LE(body.offset - lenAt - 4, lenAt);
    }
    if (dict) {
      body.u8(indexWidth);
      const s = dict.before ? dict.before[p]! : p;
      const e = dict.before ? dict.before[p + (pTo - pFrom)]! : p + (pTo - pFrom);
      writeRleHybrid(body, dict.indices.subarray(s, e), e - s, indexWidth);
    } else writePlain(body, c, data, pFrom, pTo, stats);
    uncompressed += writePage(out, body.view(), (size, csize) => [
      [1, i32(PAGE_DATA)],
      [2, i32(size)],
      [3, i32(csize)],
      [
        5,
        struct([
          [1, i32(pTo - pFrom)],
          [2, i32(dict ? ENCODING_RLE_DICTIONARY : ENCODING_PLAIN)],
          [3, i32(ENCODING_RLE)],
          [4, i32(ENCODING_RLE)],
        ]),
      ],
    ]);
  }
  const compressed = out.offset - chunkStart;
  const statistics = stats?.thrift(nulls) ?? struct([[3, i64(nulls)]]);
  const meta = struct([
    [2, i64(chunkStart)],
    [
      3,
      struct([
        [1, i32(PHYSICAL_OF[c.type])],
        [
          2,
          list(
            'i32',
            (dict ? [ENCODING_PLAIN, ENCODING_RLE, ENCODING_RLE_DICTIONARY] : [ENCODING_PLAIN, ENCODING_RLE]).map(i32),
          ),
        ],
        [3, list('string', [str(c.name)])],
        [4, i32(CODEC_SNAPPY)],
        [5, i64(n)],
        [6, i64(uncompressed)],
        [7, i64(compressed)],
        [9, i64(dataPageOffset)],
        [11, dictionaryOffset === undefined ? undefined : i64(dictionaryOffset)],
        [12, statistics],
      ]),
    ],
  ]);
  return { meta, uncompressed, compressed, firstOffset: chunkStart };
}

/** Compresses `body`, writes header + compressed body; returns the uncompressed size including the header. */
function writePage(
  out: ByteWriter,
  body: Uint8Array,
  header: (size: number, compressedSize: number) => readonly (readonly [number, ThriftValue | undefined])[],
): number {
  const page = scratch.page;
  page.reset();
  page.ensure(snappyMaxLength(body.length));
  const compressedSize = snappyCompressInto(body, page.buf, 0);
  const headerStart = out.offset;
  writeStruct(out, header(body.length, compressedSize));
  const headerSize = out.offset - headerStart;
  out.ensure(compressedSize);
  page.buf.copy(out.buf, out.offset, 0, compressedSize);
  out.offset += compressedSize;
  return headerSize + body.length;
}

interface Dictionary {
  values: string[];
  /** Dictionary indices of the chunk's non-null values, in row order (data pages carry only those). */
  indices: Uint32Array;
  /** before[i]: non-null values among the chunk's first i rows (undefined when the chunk has no null). */
  before: Uint32Array | undefined;
}

/** Dictionary of a string chunk, or undefined when its values barely repeat (PLAIN is smaller then). */
function buildDictionary(data: LakeColumn['data'], from: number, to: number, nulls: number): Dictionary | undefined {
  const n = to - from;
  const index = new Map<string, number>();
  const values: string[] = [];
  const indices = new Uint32Array(n - nulls);
  const before = nulls ? new Uint32Array(n + 1) : undefined;
  const limit = Math.max(64, n * DICTIONARY_MAX_SHARE);
  let m = 0;
  // Neighbouring rows often share a value (a file's line, most rows' unit, quality and flags): compare with the
  // previous value before hashing.
  let last: unknown = undefined;
  let lastK = 0;
  for (let i = 0; i < n; i++) {
    if (before) before[i] = m;
    const v = data[from + i];
    if (v === null || v === undefined) continue;
    if (v === last) {
      indices[m++] = lastK;
      continue;
    }
    let k = index.get(v as string);
    if (k === undefined) {
      k = values.length;
      if (k >= limit) return undefined;
      index.set(v as string, k);
      values.push(v as string);
    }
    indices[m++] = k;
    last = v;
    lastK = k;
  }
  if (before) before[n] = m;
  return { values, indices, before };
}

function writePlain(
  w: ByteWriter,
  c: LakeColumn,
  data: LakeColumn['data'],
  from: number,
  to: number,
  stats: Stats | undefined,
): void {
  switch (c.type) {
    case 'DOUBLE': {
      w.ensure((to - from) * 8);
      if (data instanceof Float64Array && !stats && LITTLE_ENDIAN) {
        // PLAIN doubles are the array's own little-endian bytes: one copy instead of a write per value.
        w.buf.set(new Uint8Array(data.buffer, data.byteOffset + from * 8, (to - from) * 8), w.offset);
        w.offset += (to - from) * 8;
        return;
      }
      const buf = w.buf;
      let o = w.offset;
      for (let i = from; i < to; i++) {
        const v = data[i];
        if (v === null || v === undefined) continue;
        buf.writeDoubleLE(v as number, o);
        o += 8;
        stats?.number(v as number);
      }
      w.offset = o;
      return;
    }
    case 'INT64':
    case 'TIMESTAMP': {
      w.ensure((to - from) * 8);
      const buf = w.buf;
      let o = w.offset;
      for (let i = from; i < to; i++) {
        const v = data[i];
        if (v === null || v === undefined) continue;
        const x = v as number;
        if (!Number.isInteger(x))
          throw new ParquetWriteError(c.name, `row ${i} has ${String(v)}; ${c.type} needs a whole number`);
        buf.writeUInt32LE(x >>> 0, o);
        buf.writeInt32LE(Math.floor(x / 4294967296), o + 4);
        o += 8;
        stats?.number(x);
      }
      w.offset = o;
      return;
    }
    case 'INT32':
    case 'DATE': {
      w.ensure((to - from) * 4);
      const buf = w.buf;
      let o = w.offset;
      for (let i = from; i < to; i++) {
        const v = data[i];
        if (v === null || v === undefined) continue;
        const x = v as number;
        if (!Number.isInteger(x) || x < -2147483648 || x > 2147483647)
          throw new ParquetWriteError(c.name, `row ${i} has ${String(v)}; ${c.type} needs a 32-bit whole number`);
        buf.writeInt32LE(x, o);
        o += 4;
        stats?.number(x);
      }
      w.offset = o;
      return;
    }
    case 'BOOLEAN': {
      const values: number[] = [];
      for (let i = from; i < to; i++) {
        const v = data[i];
        if (v === null || v === undefined) continue;
        if (typeof v !== 'boolean')
          throw new ParquetWriteError(c.name, `row ${i} has ${String(v)}; BOOLEAN needs true or false`);
        values.push(v ? 1 : 0);
        stats?.number(v ? 1 : 0);
      }
      w.ensure(Math.ceil(values.length / 8));
      for (let i = 0; i < values.length; i += 8) {
        let byte = 0;
        for (let b = 0; b < 8 && i + b < values.length; b++) byte |= values[i + b]! << b;
        w.buf[w.offset++] = byte;
      }
      return;
    }
    case 'STRING': {
      for (let i = from; i < to; i++) {
        const v = data[i];
        if (v === null || v === undefined) continue;
        const lenAt = w.offset;
        w.u32(0);
        const len = w.utf8(String(v));
        w.buf.writeUInt32LE(len, lenAt);
        stats?.string(w.buf, lenAt + 4, len);
      }
      return;
    }
  }
}

/** Running min/max of a column chunk, encoded as Parquet's PLAIN bytes for the footer. */
class Stats {
  private min = Infinity;
  private max = -Infinity;
  private nan = false;
  private minBytes: Buffer | undefined;
  private maxBytes: Buffer | undefined;
  private tooLong = false;

  constructor(private readonly type: LakeColumnType) {}

  number(v: number): void {
    if (v !== v) this.nan = true;
    else {
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
    }
  }

  string(buf: Buffer, at: number, len: number): void {
    if (len > MAX_STAT_BYTES) {
      this.tooLong = true;
      return;
    }
    const v = buf.subarray(at, at + len);
    if (!this.minBytes || Buffer.compare(v, this.minBytes) < 0) this.minBytes = Buffer.from(v);
    if (!this.maxBytes || Buffer.compare(v, this.maxBytes) > 0) this.maxBytes = Buffer.from(v);
  }

  thrift(nulls: number): ThriftValue {
    const [min, max] = this.bounds();
    return struct([
      [3, i64(nulls)],
      [5, max === undefined ? undefined : binary(max)],
      [6, min === undefined ? undefined : binary(min)],
    ]);
  }

  private bounds(): [Uint8Array | undefined, Uint8Array | undefined] {
    if (this.type === 'STRING') return this.tooLong ? [undefined, undefined] : [this.minBytes, this.maxBytes];
    if (this.nan || this.min > this.max) return [undefined, undefined];
    const enc = (v: number): Uint8Array => {
      const w = new ByteWriter(8);
      if (this.type === 'DOUBLE') w.f64(v);
      else if (this.type === 'INT32' || this.type === 'DATE') w.i32(v);
      else if (this.type === 'BOOLEAN') w.u8(v);
      else w.i64(v);
      return w.toBytes();
    };
    // The spec asks for -0 as a minimum and +0 as a maximum when the extreme is a zero.
    const min = this.min === 0 ? -0 : this.min;
    const max = this.max === 0 ? 0 : this.max;
    return [enc(min), enc(max)];
  }
}
