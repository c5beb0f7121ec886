import { z } from 'zod';
import { DEFAULT_MAX_FUTURE_SKEW_MS } from './event-time-window.js';
import { Flag, isExcludedFromGold, maskOf } from './flags.js';
import type { SilverRow } from './records.js';

/** Latest good value of one tag of a cell. */
export const TagLatest = z.object({
  value: z.number(),
  unit: z.string(),
  /** Event time, epoch ms. */
  ts: z.number(),
  quality: z.enum(['good', 'uncertain', 'bad']),
  flags: z.array(z.string()),
});
export type TagLatest = z.infer<typeof TagLatest>;

/** The Cosmos `cell-state` document (partition key /cellId): one per cell. */
export const CellStateDoc = z.object({
  id: z.string(),
  cellId: z.string(),
  lineId: z.string(),
  tags: z.record(z.string(), TagLatest),
  updatedAtMs: z.number(),
});
export type CellStateDoc = z.infer<typeof CellStateDoc>;

/** The hot "latest value" store port; shared/azure/cosmos-hot-state.ts is the Azure implementation. */
export interface HotStateStore {
  /** The cell's document, or undefined when the cell has none yet. */
  getCell(cellId: string): Promise<CellStateDoc | undefined>;
  /** Creates or replaces the cell's document. */
  upsertCell(doc: CellStateDoc): Promise<void>;
}

/** Reads the hot state a line at a time (what an optimisation run needs); Cosmos: shared/azure/cosmos-hot-state.ts. */
export interface LineStateReader {
  /** Every document of the line's cells and its `<line>-LINE` pseudo-cell, in cellId order. */
  cellsOfLine(lineId: string): Promise<CellStateDoc[]>;
  /** Lines with at least one document written at or after `sinceMs`, in id order. */
  activeLines(sinceMs: number): Promise<string[]>;
}

/** A HotStateStore in memory, for tests and one-process tools. */
export class MemoryHotStateStore implements HotStateStore, LineStateReader {
  readonly docs = new Map<string, CellStateDoc>();
  writes = 0;
  async getCell(cellId: string): Promise<CellStateDoc | undefined> {
    const d = this.docs.get(cellId);
    return d && structuredClone(d);
  }
  async upsertCell(doc: CellStateDoc): Promise<void> {
    this.writes++;
    this.docs.set(doc.cellId, structuredClone(doc));
  }
  async cellsOfLine(lineId: string): Promise<CellStateDoc[]> {
    return [...this.docs.values()]
      .filter((d) => d.lineId === lineId)
      .sort((a, b) => a.cellId.localeCompare(b.cellId))
      .map((d) => structuredClone(d));
  }
  async activeLines(sinceMs: number): Promise<string[]> {
    return [...new Set([...this.docs.values()].filter((d) => d.updatedAtMs >= sinceMs).map((d) => d.lineId))].sort();
  }
}

/**
 * The latest row per cell and tag among `rows` that the hot state keeps: good quality, kept by gold and a
 * measurement (not an interpolated fill).
 */
export function latestGoodByCell(rows: readonly SilverRow[]): Map<string, Map<string, SilverRow>> {
  const latest = new Map<string, Map<string, SilverRow>>();
  for (const r of rows) {
    const mask = maskOf(r.flags);
    if (r.quality !== 'good' || isExcludedFromGold(mask) || (mask & Flag.interpolated) !== 0) continue;
    let tags = latest.get(r.cellId);
    if (!tags) latest.set(r.cellId, (tags = new Map()));
    const prev = tags.get(r.tag);
    if (!prev || r.tsMs > prev.tsMs) tags.set(r.tag, r);
  }
  return latest;
}

/** `doc` (or a new document for the cell) with the newer of its values and `tags`; `changed` when anything moved. */
export function mergeLatest(
  doc: CellStateDoc | undefined,
  cellId: string,
  tags: ReadonlyMap<string, SilverRow>,
  nowMs: number,
): { next: CellStateDoc; changed: boolean } {
  const first = tags.values().next().value!;
  const next: CellStateDoc = doc
    ? { ...doc, tags: { ...doc.tags } }
    : { id: cellId, cellId, lineId: first.lineId, tags: {}, updatedAtMs: nowMs };
  let changed = !doc;
  for (const [tag, r] of tags) {
    const cur = next.tags[tag];
    // A stored value dated ahead of now (written before ingest refused future points) proves nothing about the
    // present and would hide every real reading after it: a real reading replaces it.
    if (cur && cur.ts >= r.tsMs && cur.ts <= nowMs + DEFAULT_MAX_FUTURE_SKEW_MS) continue;
    next.tags[tag] = { value: r.value, unit: r.unit, ts: r.tsMs, quality: r.quality, flags: [...r.flags] };
    changed = true;
  }
  return { next, changed };
}

/**
 * Keeps cell documents in memory and merges each batch's latest good values into them: one read per cell on a
 * cache miss, and at most one write per cell per `minWriteIntervalMs` (0: one per changed cell per batch). A cell
 * changed since its last write is written by the first batch after its interval has passed, whether or not that
 * batch carries the cell, so a quiet cell is not left stale. Coalescing bounds the Cosmos request units (and the
 * local server's load) to cells ÷ interval whatever the telemetry rate; silver stays the record of every value.
 * A row is "good" here when gold keeps it, its quality is good and it is a measurement (not an interpolated fill).
 */
export class HotStateCache {
  private readonly docs = new Map<string, CellStateDoc>();
  private readonly lastWriteMs = new Map<string, number>();
  private readonly dirty = new Set<string>();

  constructor(
    private readonly store: HotStateStore,
    private readonly minWriteIntervalMs = 0,
  ) {}

  /** Merges the batch's latest good value per cell and tag, then writes the cells that are due; returns how many. */
  async applyBatch(rows: readonly SilverRow[], nowMs: number): Promise<number> {
    const latest = latestGoodByCell(rows);
    await Promise.all(
      [...latest].map(async ([cellId, tags]) => {
        let doc = this.docs.get(cellId);
        if (!doc) {
          const stored = await this.store.getCell(cellId);
          doc = stored ? CellStateDoc.parse(stored) : undefined;
        }
        const { next, changed } = mergeLatest(doc, cellId, tags, nowMs);
        this.docs.set(cellId, next);
        if (changed) this.dirty.add(cellId);
      }),
    );
    const due = [...this.dirty].filter(
      (cellId) => nowMs - (this.lastWriteMs.get(cellId) ?? -Infinity) >= this.minWriteIntervalMs,
    );
    await Promise.all(
      due.map(async (cellId) => {
        const doc = { ...this.docs.get(cellId)!, updatedAtMs: nowMs };
        await this.store.upsertCell(doc);
        this.docs.set(cellId, doc);
        this.lastWriteMs.set(cellId, nowMs);
        this.dirty.delete(cellId);
      }),
    );
    return due.length;
  }
}
