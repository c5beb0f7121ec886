/**
 * Fingerprints everything the ingest batch path produces for the `ingest-core` benchmark's stream: a SHA-256 of every
 * lake file (in write order, with its metadata), of the hot-state documents and of each batch summary, with the clock
 * fixed. Two builds that print the same digests wrote byte-identical silver, gold, bronze and quarantine, so a change
 * made for speed can be checked to change nothing else:
 * `npx tsx bench/support/ingest-output-digest.ts [points] [--files out.jsonl]` before and after, then compare.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { MemoryLakeStore, type PutOptions } from '../../shared/lake/lake-store.js';
import { newSensorStateStore } from '../../shared/telemetry/cleanse.js';
import { MemoryHotStateStore } from '../../shared/telemetry/hot-state.js';
import { ingestBatch } from '../../shared/telemetry/ingest.js';
import { makeEvents, settings, tags } from '../ingest-core.js';

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** Records each write's path, content digest and metadata before storing it. */
class RecordingLake extends MemoryLakeStore {
  readonly written: { file: string; sha256: string; bytes: number; metadata: string }[] = [];
  override async put(container: string, path: string, body: Uint8Array, opts?: PutOptions): Promise<void> {
    this.written.push({
      file: `${container}/${path}`,
      sha256: sha(body),
      bytes: body.byteLength,
      metadata: JSON.stringify(opts ?? {}),
    });
    await super.put(container, path, body, opts);
  }
}

const args = process.argv.slice(2);
const filesAt = args.indexOf('--files');
const filesOut = filesAt >= 0 ? args.splice(filesAt, 2)[1] : undefined;
const { events, points } = makeEvents(Number(args[0] ?? 600_000));
const lake = new RecordingLake();
const hotState = new MemoryHotStateStore();
const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const deps = { lake, hotState, sensors: newSensorStateStore(31), settings, tags, log: quiet, now: () => 0 };
const summaries = createHash('sha256');
for (let i = 0; i < events.length; i += 1000) {
  const s = await ingestBatch(events.slice(i, i + 1000), deps);
  summaries.update(JSON.stringify(s));
}
const byContainer = new Map<string, ReturnType<typeof createHash>>();
for (const w of lake.written) {
  const container = w.file.slice(0, w.file.indexOf('/'));
  let h = byContainer.get(container);
  if (!h) byContainer.set(container, (h = createHash('sha256')));
  h.update(`${w.file} ${w.sha256} ${w.metadata}\n`);
}
const hot = [...hotState.docs.values()].sort((a, b) => (a.cellId < b.cellId ? -1 : 1));
if (filesOut) writeFileSync(filesOut, lake.written.map((w) => JSON.stringify(w)).join('\n') + '\n');
console.log(
  JSON.stringify(
    {
      points,
      events: events.length,
      files: lake.written.length,
      byContainer: Object.fromEntries([...byContainer].sort().map(([c, h]) => [c, h.digest('hex')])),
      hotState: sha(JSON.stringify(hot)),
      hotStateWrites: hotState.writes,
      summaries: summaries.digest('hex'),
    },
    null,
    2,
  ),
);
