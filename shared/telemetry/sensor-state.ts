import type { SilverRow } from './records.js';
import { insertSorted, madOfSorted, medianOfSorted, removeSorted } from './robust-stats.js';

/** A flagged gap: the row after it, its interpolated fills, where it started, and the batch that wrote it. */
export interface GapMark {
  row: SilverRow;
  fills: SilverRow[] | undefined;
  prevTsMs: number;
  intervalMs: number;
  batchToken: number;
}

/**
 * Per-sensor (cellId + tag) streaming state for the cleansing rules: a bounded window of recent accepted values,
 * the last good value, recent event times (for dedup across batches), the learned sampling interval and the
 * stuck run. Kept in memory per process; sensors are owned by the Event Hub partition their cell hashes to.
 */
export class SensorState {
  /** Ring of the last `capacity` accepted values (time order, oldest overwritten). */
  readonly window: Float64Array;
  /** The same values kept sorted, so median and MAD cost O(n) without sorting. */
  readonly sorted: Float64Array;
  windowCount = 0;
  windowHead = 0;
  lastGoodValue = Number.NaN;
  lastGoodTsMs = Number.NaN;
  /** Latest event time accepted in order. */
  latestTsMs = Number.NEGATIVE_INFINITY;
  /** First sample of a suspected level shift (flagged), waiting for the next sample to confirm or refute it. */
  pendingShiftValue = Number.NaN;
  pendingShiftSide = 0;
  stuckRunValue = Number.NaN;
  stuckRunLength = 0;
  /** Recent event times for duplicate detection (a ring; the oldest is forgotten). */
  readonly seenRing: Float64Array;
  seenHead = 0;
  /** Recent positive time steps (ms), for the learned sampling interval. */
  readonly deltas: Float64Array;
  deltaCount = 0;
  deltaHead = 0;
  private intervalMs = Number.NaN;
  private deltasSinceEstimate = 0;
  /** The last gap flagged, so that a late point filling it can withdraw the flag (see Cleanser). */
  gap: GapMark | undefined;
  /** Batch epoch in which this state was last saved to an undo log. */
  savedEpoch = -1;
  /** The state as it was before the batch of `backupEpoch` first touched it. */
  backup: SensorState | undefined;
  backupEpoch = -1;

  constructor(
    readonly capacity: number,
    seenCapacity = capacity * 4,
    deltaCapacity = 15,
  ) {
    this.window = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
    this.seenRing = new Float64Array(seenCapacity).fill(Number.NaN);
    this.deltas = new Float64Array(deltaCapacity);
  }

  /** Adds an accepted value to the window, dropping the oldest when full. */
  pushValue(v: number): void {
    if (this.windowCount === this.capacity) removeSorted(this.sorted, this.windowCount, this.window[this.windowHead]!);
    insertSorted(this.sorted, this.windowCount === this.capacity ? this.windowCount - 1 : this.windowCount, v);
    this.window[this.windowHead] = v;
    this.windowHead = (this.windowHead + 1) % this.capacity;
    if (this.windowCount < this.capacity) this.windowCount++;
  }

  /** Restarts the window at a new level (a confirmed level shift). */
  resetWindow(values: readonly number[]): void {
    this.windowCount = 0;
    this.windowHead = 0;
    for (const v of values) this.pushValue(v);
  }

  /** Median of the window (NaN when empty). */
  median(): number {
    return medianOfSorted(this.sorted, this.windowCount);
  }

  /** Median absolute deviation of the window about `median`. */
  mad(median: number): number {
    return madOfSorted(this.sorted, this.windowCount, median);
  }

  /**
   * True when this event time was seen recently; otherwise remembers it and returns false. A time after the latest
   * in-order one cannot have been seen, so the common case is one ring write; only older times scan the ring.
   */
  seenBefore(tsMs: number): boolean {
    if (tsMs <= this.latestTsMs) {
      const ring = this.seenRing;
      for (let i = 0; i < ring.length; i++) if (ring[i] === tsMs) return true;
    }
    this.seenRing[this.seenHead] = tsMs;
    this.seenHead = (this.seenHead + 1) % this.seenRing.length;
    return false;
  }

  recordDelta(dtMs: number): void {
    this.deltas[this.deltaHead] = dtMs;
    this.deltaHead = (this.deltaHead + 1) % this.deltas.length;
    if (this.deltaCount < this.deltas.length) this.deltaCount++;
    // Re-estimate every few steps: the median moves slowly and sorting on every point costs.
    if (++this.deltasSinceEstimate >= this.deltas.length) this.intervalMs = Number.NaN;
  }

  /** Median of the recent time steps (ms): the sensor's own sampling interval, robust to the gaps among them. */
  learnedIntervalMs(): number {
    if (Number.isNaN(this.intervalMs) && this.deltaCount > 0) {
      this.deltasSinceEstimate = 0;
      const d = this.deltas.slice(0, this.deltaCount).sort();
      const h = this.deltaCount >> 1;
      this.intervalMs = this.deltaCount % 2 === 1 ? d[h]! : (d[h - 1]! + d[h]!) / 2;
    }
    return this.intervalMs;
  }

  /** Makes this state equal to `o` (same capacities), copying buffers in place. */
  copyFrom(o: SensorState): void {
    this.window.set(o.window);
    this.sorted.set(o.sorted);
    this.windowCount = o.windowCount;
    this.windowHead = o.windowHead;
    this.lastGoodValue = o.lastGoodValue;
    this.lastGoodTsMs = o.lastGoodTsMs;
    this.latestTsMs = o.latestTsMs;
    this.pendingShiftValue = o.pendingShiftValue;
    this.pendingShiftSide = o.pendingShiftSide;
    this.stuckRunValue = o.stuckRunValue;
    this.stuckRunLength = o.stuckRunLength;
    this.seenRing.set(o.seenRing);
    this.seenHead = o.seenHead;
    this.deltas.set(o.deltas);
    this.deltaCount = o.deltaCount;
    this.deltaHead = o.deltaHead;
    this.intervalMs = o.intervalMs;
    this.deltasSinceEstimate = o.deltasSinceEstimate;
    this.gap = o.gap;
  }

  /** A deep copy. */
  clone(): SensorState {
    const c = new SensorState(this.capacity, this.seenRing.length, this.deltas.length);
    c.copyFrom(this);
    return c;
  }

  /** Saves the current state into the reusable backup (no allocation after the first batch). */
  saveBackup(epoch: number): void {
    this.backup ??= new SensorState(this.capacity, this.seenRing.length, this.deltas.length);
    this.backup.copyFrom(this);
    this.backupEpoch = epoch;
  }
}

/** Undo log of one batch: every sensor it touched, as it was before the batch (undefined = did not exist). */
export type SensorUndo = { cellId: string; tagIndex: number; state: SensorState; epoch: number; existed: boolean }[];

/**
 * All sensors' state, in memory. Lookup is cellId → array indexed by the tag's catalogue index, so the hot loop
 * builds no key strings. `beginBatch`/`endBatch`/`rollback` let a redelivered batch be processed again from the
 * state it first saw.
 */
export class SensorStateStore {
  private readonly cells = new Map<string, (SensorState | undefined)[]>();
  /** Per Event Hub partition: the undo log of its last batch. */
  readonly lastBatch = new Map<string, PartitionBatchUndo>();
  private undo: SensorUndo | undefined;
  private epoch = 0;

  constructor(
    readonly windowSize: number,
    private readonly tagCount: number,
  ) {}

  /** The state of a sensor, created empty on first use (and saved to the undo log on first touch in a batch). */
  get(cellId: string, tagIndex: number): SensorState {
    let cell = this.cells.get(cellId);
    if (!cell) {
      cell = new Array<SensorState | undefined>(this.tagCount).fill(undefined);
      this.cells.set(cellId, cell);
    }
    let s = cell[tagIndex];
    const existed = s !== undefined;
    if (!s) {
      s = new SensorState(this.windowSize);
      cell[tagIndex] = s;
    }
    if (this.undo && s.savedEpoch !== this.epoch) {
      if (existed) s.saveBackup(this.epoch);
      this.undo.push({ cellId, tagIndex, state: s, epoch: this.epoch, existed });
      s.savedEpoch = this.epoch;
    }
    return s;
  }

  /** Number of sensors known. */
  get size(): number {
    let n = 0;
    for (const cell of this.cells.values()) for (const s of cell) if (s) n++;
    return n;
  }

  /** Starts recording the undo log of a batch. */
  beginBatch(): void {
    this.epoch++;
    this.undo = [];
  }

  /** Stops recording and hands back the undo log of the batch just processed. */
  endBatch(): SensorUndo {
    const u = this.undo ?? [];
    this.undo = undefined;
    this.epoch++;
    return u;
  }

  /**
   * Restores every sensor an undo log recorded to its state before that batch. A sensor whose backup a later batch
   * has overwritten is forgotten instead (it restarts empty: fewer checks for a while, never a lost point).
   */
  rollback(undo: SensorUndo): void {
    for (const { cellId, tagIndex, state, epoch, existed } of undo) {
      const cell = this.cells.get(cellId);
      if (!cell || cell[tagIndex] !== state) continue;
      if (existed && state.backupEpoch === epoch && state.backup) state.copyFrom(state.backup);
      else cell[tagIndex] = undefined;
    }
    this.epoch++;
  }
}

/** What a partition's last batch changed, so that its redelivery can start again from the same state. */
export interface PartitionBatchUndo {
  firstSeq: number;
  lastSeq: number;
  undo: SensorUndo;
}
