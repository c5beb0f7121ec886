/**
 * Where lab samples live in the lake. Samples are few (a daily bath and metal sample per cell: hundreds a day per
 * line), written in batches and read by line and time (the optimiser's snapshot, curation into gold) or by cell over
 * days (the API): the lake's date × line folders answer both without another database, and gold is built from them.
 *
 *   bronze/lab_samples/upload_date=YYYY-MM-DD/<uploadId>.json            the rows as sent, kept unchanged
 *   silver/lab_samples/date=YYYY-MM-DD/line=<lineId>/<uploadId>.json     the accepted samples, by sampling date
 *   quarantine/lab_samples/date=YYYY-MM-DD/<uploadId>.json               the refused rows with their reasons
 *
 * File names derive from the upload id (a hash of the rows), so a batch sent twice rewrites the same files. A sample
 * id sent again in a later batch (a corrected analysis) is read as the newest one received.
 */
import { z } from 'zod';
import { listAll, type LakeStore } from '../lake/lake-store.js';
import { utcDate } from '../lake/paths.js';
import type { CheckedBatch } from './batch-upload.js';
import { StoredLabSample } from './lab-sample.js';

export const LAB_SAMPLES_FOLDER = 'lab_samples';
const DAY_MS = 86_400_000;
const JSON_TYPE = { contentType: 'application/json' };
const encode = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

/** The silver folder of one line's samples taken on one UTC date. */
export function labSilverDir(date: string, lineId: string): string {
  return `${LAB_SAMPLES_FOLDER}/date=${date}/line=${encodeURIComponent(lineId)}/`;
}

/** The files an upload writes (returns the silver paths written). */
export async function writeLabBatch(
  lake: LakeStore,
  rows: readonly unknown[],
  batch: CheckedBatch,
  receivedAtMs: number,
): Promise<string[]> {
  const id = batch.uploadId;
  await lake.put('bronze', `${LAB_SAMPLES_FOLDER}/upload_date=${utcDate(receivedAtMs)}/${id}.json`, encode(rows), {
    ...JSON_TYPE,
  });
  const groups = new Map<string, StoredLabSample[]>();
  for (const s of batch.accepted) {
    const dir = labSilverDir(utcDate(s.sampledAtMs), s.lineId);
    groups.set(dir, [...(groups.get(dir) ?? []), s]);
  }
  const paths: string[] = [];
  for (const [dir, samples] of groups) {
    const path = `${dir}${id}.json`;
    await lake.put('silver', path, encode(samples), JSON_TYPE);
    paths.push(path);
  }
  if (batch.rejected.length > 0)
    await lake.put(
      'quarantine',
      `${LAB_SAMPLES_FOLDER}/date=${utcDate(receivedAtMs)}/${id}.json`,
      encode({ uploadId: id, receivedAtMs, rejected: batch.rejected.map((r) => ({ ...r, row: rows[r.index] })) }),
      JSON_TYPE,
    );
  return paths;
}

const SampleFile = z.array(StoredLabSample);

/** Every sample file of a line's date folder, decoded (a file that does not parse is skipped and named). */
export async function readLabDate(
  lake: LakeStore,
  date: string,
  lineId: string,
): Promise<{ samples: StoredLabSample[]; files: { path: string; size: number; lastModifiedMs: number }[] }> {
  const entries = (await listAll(lake, 'silver', labSilverDir(date, lineId))).filter((e) => e.path.endsWith('.json'));
  const samples: StoredLabSample[] = [];
  for (const e of entries) {
    const bytes = await lake.get('silver', e.path);
    if (!bytes) continue;
    const parsed = SampleFile.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    if (parsed.success) samples.push(...parsed.data);
  }
  return {
    samples,
    files: entries.map((e) => ({ path: e.path, size: e.size, lastModifiedMs: e.lastModified.getTime() })),
  };
}

/** One sample per id: the one received last (a corrected analysis replaces the first report). */
export function newestPerSampleId(samples: readonly StoredLabSample[]): StoredLabSample[] {
  const byId = new Map<string, StoredLabSample>();
  for (const s of samples) {
    const had = byId.get(s.sampleId);
    if (!had || s.receivedAtMs > had.receivedAtMs || (s.receivedAtMs === had.receivedAtMs && s.uploadId > had.uploadId))
      byId.set(s.sampleId, s);
  }
  return [...byId.values()];
}

/** A line's samples taken in [fromMs, toMs), newest first. */
export async function readLabSamples(
  lake: LakeStore,
  lineId: string,
  fromMs: number,
  toMs: number,
): Promise<StoredLabSample[]> {
  const out: StoredLabSample[] = [];
  for (let d = Math.floor(fromMs / DAY_MS) * DAY_MS; d < toMs; d += DAY_MS)
    out.push(...(await readLabDate(lake, utcDate(d), lineId)).samples);
  return newestPerSampleId(out.filter((s) => s.sampledAtMs >= fromMs && s.sampledAtMs < toMs)).sort(
    (a, b) => b.sampledAtMs - a.sampledAtMs || (a.sampleId < b.sampleId ? -1 : 1),
  );
}

/** Per cell of the line, its newest bath sample taken in the `lookbackMs` before `atMs`. */
export async function latestBathSamples(
  lake: LakeStore,
  lineId: string,
  atMs: number,
  lookbackMs: number,
): Promise<Map<string, StoredLabSample>> {
  const out = new Map<string, StoredLabSample>();
  for (const s of await readLabSamples(lake, lineId, atMs - lookbackMs, atMs + 1))
    if (s.kind === 'bath' && !out.has(s.cellId)) out.set(s.cellId, s);
  return out;
}
