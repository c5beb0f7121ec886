import type { RpcTypedData } from './rpc-types.js';

/**
 * Builders and readers for the worker's RpcTypedData, the one envelope every input, trigger-metadata value and
 * output travels in. Builders mirror what the Functions host sends; readers decode what @azure/functions returns
 * (its `toRpcTypedData` / `toRpcHttp`).
 */

/** A string the library will JSON-parse if it can (the host's default for text). */
export const rpcString = (value: string): RpcTypedData => ({ string: value });
/** A JSON document; the library always parses it. */
export const rpcJson = (value: unknown): RpcTypedData => ({ json: JSON.stringify(value) });
/** Raw bytes; the library hands the function a Buffer. */
export const rpcBytes = (value: Uint8Array): RpcTypedData => ({ bytes: value });
/** Many payloads as bytes (cardinality many, dataType binary); the function sees Buffer[]. */
export const rpcCollectionBytes = (values: Uint8Array[]): RpcTypedData => ({ collectionBytes: { bytes: values } });
/** Many payloads as text (cardinality many); each one is JSON-parsed by the library when it can be. */
export const rpcCollectionString = (values: string[]): RpcTypedData => ({ collectionString: { string: values } });
/** Many 64-bit integers, as the host sends `long[]` (e.g. `SequenceNumberArray`). */
export const rpcCollectionSint64 = (values: number[]): RpcTypedData => ({ collectionSint64: { sint64: values } });

/** Decodes an output the function produced into a plain value (strings stay strings, json is parsed). */
export function fromRpcOutput(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (data.string !== undefined && data.string !== null) return data.string;
  if (data.json !== undefined && data.json !== null) return JSON.parse(data.json) as unknown;
  if (data.bytes) return Buffer.from(data.bytes);
  if (data.stream) return Buffer.from(data.stream);
  if (data.int !== undefined && data.int !== null) return Number(data.int);
  if (data.double !== undefined && data.double !== null) return data.double;
  if (data.collectionBytes?.bytes) return data.collectionBytes.bytes.map((b) => Buffer.from(b));
  if (data.collectionString?.string) return data.collectionString.string;
  if (data.collectionDouble?.double) return data.collectionDouble.double;
  if (data.collectionSint64?.sint64) return data.collectionSint64.sint64.map(Number);
  if (data.http) return data.http;
  return undefined;
}

/** The bytes of a body-like RpcTypedData (HTTP response bodies come back as bytes from `toRpcHttp`). */
export function rpcBodyBytes(data: RpcTypedData | null | undefined): Buffer {
  if (!data) return Buffer.alloc(0);
  if (data.bytes) return Buffer.from(data.bytes.buffer, data.bytes.byteOffset, data.bytes.byteLength);
  if (data.stream) return Buffer.from(data.stream);
  if (data.string !== undefined && data.string !== null) return Buffer.from(data.string, 'utf8');
  if (data.json !== undefined && data.json !== null) return Buffer.from(data.json, 'utf8');
  if (data.int !== undefined && data.int !== null) return Buffer.from(String(data.int), 'utf8');
  if (data.double !== undefined && data.double !== null) return Buffer.from(String(data.double), 'utf8');
  return Buffer.alloc(0);
}
