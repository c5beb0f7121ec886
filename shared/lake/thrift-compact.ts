/**
 * Thrift compact protocol, write side only: the encoding of Parquet's page headers and file footer. A struct is a
 * list of [field id, value] pairs in ascending id order; undefined values are left out (optional fields).
 */
import type { ByteWriter } from './byte-writer.js';

export type ThriftValue =
  | { t: 'bool'; v: boolean }
  | { t: 'i32'; v: number }
  | { t: 'i64'; v: number }
  | { t: 'binary'; v: Uint8Array }
  | { t: 'string'; v: string }
  | { t: 'struct'; v: ThriftStruct }
  | { t: 'list'; elem: 'i32' | 'string' | 'struct'; v: ThriftValue[] };
export type ThriftStruct = readonly (readonly [id: number, value: ThriftValue | undefined])[];

export const i32 = (v: number): ThriftValue => ({ t: 'i32', v });
export const i64 = (v: number): ThriftValue => ({ t: 'i64', v });
export const bool = (v: boolean): ThriftValue => ({ t: 'bool', v });
export const binary = (v: Uint8Array): ThriftValue => ({ t: 'binary', v });
export const str = (v: string): ThriftValue => ({ t: 'string', v });
export const struct = (v: ThriftStruct): ThriftValue => ({ t: 'struct', v });
export const list = (elem: 'i32' | 'string' | 'struct', v: ThriftValue[]): ThriftValue => ({ t: 'list', elem, v });

// Compact protocol type ids.
const BOOL_TRUE = 1;
const BOOL_FALSE = 2;
const I32 = 5;
const I64 = 6;
const BINARY = 8;
const LIST = 9;
const STRUCT = 12;
const ELEMENT_TYPE = { i32: I32, string: BINARY, struct: STRUCT } as const;

const zigzag = (v: number): number => (v >= 0 ? v * 2 : -v * 2 - 1);

function typeOf(value: ThriftValue): number {
  switch (value.t) {
    case 'bool':
      return value.v ? BOOL_TRUE : BOOL_FALSE;
    case 'i32':
      return I32;
    case 'i64':
      return I64;
    case 'binary':
    case 'string':
      return BINARY;
    case 'struct':
      return STRUCT;
    case 'list':
      return LIST;
  }
}

function writeValue(w: ByteWriter, value: ThriftValue): void {
  switch (value.t) {
    case 'bool':
      return; // carried by the field type (or, in a list, written by writeList)
    case 'i32':
    case 'i64':
      return w.varint(zigzag(value.v));
    case 'binary':
      w.varint(value.v.length);
      return w.bytes(value.v);
    case 'string': {
      const bytes = Buffer.from(value.v, 'utf8');
      w.varint(bytes.length);
      return w.bytes(bytes);
    }
    case 'struct':
      return writeStruct(w, value.v);
    case 'list': {
      // The element type is written even for an empty list: readers check it (arrow-rs refuses a wrong one).
      const type = ELEMENT_TYPE[value.elem];
      if (value.v.length < 15) w.u8((value.v.length << 4) | type);
      else {
        w.u8(0xf0 | type);
        w.varint(value.v.length);
      }
      for (const item of value.v) writeValue(w, item);
      return;
    }
  }
}

/** Writes a struct: its fields in id order, then the stop byte. */
export function writeStruct(w: ByteWriter, fields: ThriftStruct): void {
  let last = 0;
  for (const [id, value] of fields) {
    if (value === undefined) continue;
    const type = typeOf(value);
    const delta = id - last;
    if (delta > 0 && delta <= 15) w.u8((delta << 4) | type);
    else {
      w.u8(type);
      w.varint(zigzag(id));
    }
    writeValue(w, value);
    last = id;
  }
  w.u8(0);
}
