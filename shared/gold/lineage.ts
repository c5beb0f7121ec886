/**
 * Lineage manifests: next to every curated gold file, a small JSON naming the files it was computed from (with
 * size, modification time and, where read, SHA-256), the code version and the parameters used, so an auditor can
 * walk sensor → silver → per-batch partial → curated fact. Curation compares a manifest's inputs with the current
 * listing to find the partitions late data changed.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { LakeEntry } from '../lake/lake-store.js';
import { DomainError } from '../kernel/errors.js';

export const LineageInput = z.object({
  container: z.string(),
  path: z.string(),
  size: z.number().int().nonnegative(),
  lastModifiedMs: z.number(),
  /** Present for files the curation read (absent for files only listed, e.g. the silver files behind partials). */
  sha256: z.string().optional(),
  role: z.enum([
    'minute_partial',
    'silver',
    'cell_minute',
    'cell_hour',
    'quality_batch',
    'event_payload',
    'plant_event',
    'lab_sample',
    'model_accuracy',
  ]),
  /** UTC hours (0–23) of the input's rows, for per-batch partials: which hours a late file touches. */
  hours: z.array(z.number().int().min(0).max(23)).optional(),
  /** For day files built hour by hour: the hour this input fed. */
  forHour: z.number().int().min(0).max(23).optional(),
});
export type LineageInput = z.infer<typeof LineageInput>;

export const LineageManifest = z.object({
  table: z.string(),
  dataPath: z.string(),
  dataSha256: z.string(),
  rows: z.number().int().nonnegative(),
  codeVersion: z.string(),
  curatedAt: z.string(),
  parameters: z.record(z.string(), z.union([z.number(), z.string()])),
  inputs: z.array(LineageInput),
});
export type LineageManifest = z.infer<typeof LineageManifest>;

export class LineageError extends DomainError {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(
      'internal',
      'ERR-GOLD-LINEAGE',
      `lineage manifest ${path} is unreadable: ${detail}; delete it to have the partition curated again`,
      path,
    );
  }
}

/** Hex SHA-256 of bytes. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Parses manifest bytes, or throws LineageError naming the file. */
export function parseManifest(path: string, bytes: Uint8Array): LineageManifest {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new LineageError(path, (e as Error).message);
  }
  const parsed = LineageManifest.safeParse(json);
  if (!parsed.success)
    throw new LineageError(path, `${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Manifest bytes (stable key order, so equal content gives equal bytes). */
export function encodeManifest(m: LineageManifest): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(m, null, 1) + '\n');
}

/** True when two manifests say the same thing apart from when they were written. */
export function sameLineage(a: LineageManifest, b: LineageManifest): boolean {
  return JSON.stringify({ ...a, curatedAt: '' }) === JSON.stringify({ ...b, curatedAt: '' });
}

/** Identity of an input as the lake lists it: a rewrite changes size or modification time. */
export function entryFingerprint(
  container: string,
  e: Pick<LakeEntry, 'path' | 'size' | 'lastModified'> | LineageInput,
): string {
  const ms = 'lastModifiedMs' in e ? e.lastModifiedMs : e.lastModified.getTime();
  return `${container}/${e.path}|${e.size}|${ms}`;
}
