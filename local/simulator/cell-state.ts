/**
 * The potline's present readings as Cosmos `cell-state` documents, the way ingestion would have written them: the
 * newest value of every tag of every cell (and `<line>-LINE`), for tests and benchmarks that need a line's hot
 * state without running the ingest path.
 */
import { READBACK_TAG, type ReadbackDoc, type ReadbackDocInput } from '../../shared/scada/readback.js';
import { SET_POINT_FIELDS } from '../../shared/plant/set-point.js';
import type { CellStateDoc } from '../../shared/telemetry/hot-state.js';
import { virtualClock } from './clock.js';
import { NO_FAULTS } from './faults.js';
import { parseBody } from '../../shared/telemetry/parse-body.js';
import { plantTagResolver } from './plant-file.js';
import type { Potline } from './potline.js';
import { runSimulator } from './runner.js';
import { memorySink } from './sinks/memory-sink.js';

/**
 * Runs the potline for `seconds` of plant time (fault-free, as fast as it computes) and returns one document per cell
 * with its newest reading of each tag. Every sensor reports within 30 s, so 40 s covers them all.
 */
export async function cellStateDocs(potline: Potline, seconds = 40): Promise<CellStateDoc[]> {
  const sink = memorySink();
  const cells = potline.cells.length + potline.lines.length;
  // Enough points per minute that the slowest tags (30 s interval) report in the window.
  await runSimulator({
    potline,
    sink,
    durationS: seconds,
    clock: virtualClock(potline.nowMs()),
    faults: NO_FAULTS,
    ratePerMin: Math.max(3000, cells * 60),
  }).done;
  const docs = new Map<string, CellStateDoc>();
  // Through the plant's tag maps, as ingestion reads them: a line's own tag names and units become canonical ones.
  const tags = plantTagResolver(potline.plant);
  const encoder = new TextEncoder();
  for (const e of sink.events) {
    for (const p of parseBody(encoder.encode(e.body), tags).points) {
      const ts = p.tsMs;
      const doc = docs.get(p.cellId) ?? { id: p.cellId, cellId: p.cellId, lineId: p.lineId, tags: {}, updatedAtMs: ts };
      const prev = doc.tags[p.spec.tag];
      if (!prev || prev.ts <= ts)
        doc.tags[p.spec.tag] = { value: p.value, unit: p.spec.canonicalUnit, ts, quality: 'good', flags: [] };
      doc.updatedAtMs = Math.max(doc.updatedAtMs, ts);
      docs.set(p.cellId, doc);
    }
  }
  return [...docs.values()].sort((a, b) => a.cellId.localeCompare(b.cellId));
}

/** The read-back the set-point observer would have stored from these documents' read-back tags (for tests and benchmarks). */
export function readbackDocsOf(docs: readonly CellStateDoc[]): ReadbackDocInput[] {
  return docs.map((d) => {
    const fields: ReadbackDoc['fields'] = {};
    for (const field of SET_POINT_FIELDS) {
      const r = d.tags[READBACK_TAG[field]];
      if (r) fields[field] = { value: r.value, tsMs: r.ts };
    }
    return {
      id: d.cellId,
      kind: 'readback',
      equipmentId: d.cellId,
      lineId: d.lineId,
      fields,
      updatedAtMs: d.updatedAtMs,
    };
  });
}
