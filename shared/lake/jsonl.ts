import { gunzipSync, gzipSync } from 'node:zlib';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** JSON Lines: one JSON document per line, newline-terminated. */
export function encodeJsonl(records: readonly unknown[]): Uint8Array {
  let s = '';
  for (const r of records) s += `${JSON.stringify(r)}\n`;
  return enc.encode(s);
}

/** Parses JSON Lines (blank lines are skipped). */
export function decodeJsonl<T = unknown>(bytes: Uint8Array): T[] {
  const out: T[] = [];
  for (const line of dec.decode(bytes).split('\n')) if (line.trim()) out.push(JSON.parse(line) as T);
  return out;
}

/**
 * Gzip-compressed JSON Lines. Level 1 (fastest): bronze is written on the hot path and read rarely; level 1 still
 * shrinks telemetry JSON ~5× (zlib manual: levels trade speed for ratio).
 */
export function encodeJsonlGz(records: readonly unknown[]): Uint8Array {
  return gzipSync(encodeJsonl(records), { level: 1 });
}

/** Parses gzip-compressed JSON Lines. */
export function decodeJsonlGz<T = unknown>(bytes: Uint8Array): T[] {
  return decodeJsonl<T>(gunzipSync(bytes));
}
