/**
 * Samples the potline's sensors on their schedules and injects the per-sample faults, recording a
 * ground-truth label for each. Output: the points of one time step, grouped by partition key (cellId), under the
 * plant's own tag names where a line's tag map names them (labels keep the canonical tags).
 */
import { tagSpec } from '../../shared/telemetry/tag-catalogue.js';
import type { CellState } from './cell.js';
import {
  chooseSampleFault,
  DROPOUT_SAMPLES,
  OUT_OF_ORDER_DELAY_SAMPLES,
  STUCK_RUN_SAMPLES,
  type FaultRates,
  type FaultScope,
} from './faults.js';
import type { Label, LabelRecorder } from './labels.js';
import { BAD_QUALITIES, GOOD_QUALITIES, type EmittedPoint } from './point.js';
import type { Potline, PotlineEvent } from './potline.js';
import type { Rng } from './prng.js';
import { createReadbackReporters } from './readback.js';
import type { SetPointField } from '../../shared/plant/set-point.js';
import { readTag } from './readings.js';
import { planSampling, type SamplingPlan } from './sampling.js';
import { plantTagTranslations, toPlantTag } from './plant-tags.js';
import {
  CELL_TAGS,
  lineSensorCellId,
  roundForTag,
  TAG_SPECS,
  UNKNOWN_TAGS,
  type PeriodicTag,
  type SimTag,
  type WrongUnit,
} from './tags.js';

export type PointsByKey = Map<string, EmittedPoint[]>;

interface Sensor {
  lineId: string;
  cellId: string;
  tag: SimTag;
  cell: CellState | undefined;
  scope: FaultScope;
  intervalMs: number;
  /**
   * Units a wrong-unit fault can send: none when the line's tag map has the plant send another unit already (every
   * point is then converted, and the cleanser could not tell a wrong unit from the plant's own).
   */
  wrongUnits: readonly WrongUnit[];
  nextDueMs: number;
  seq: number;
  tsAsIso: boolean;
  goodQuality: (typeof GOOD_QUALITIES)[number];
  dropout: { remaining: number; missing: number; lastTsMs: number } | undefined;
  gapBeforeNext: { missing: number; lastTsMs: number } | undefined;
  stuck: { value: number; remaining: number; label: Label & { detail: Record<string, unknown> } } | undefined;
  /** Out-of-order points held back: released (and labelled) once `remaining` later points have gone. */
  held: { point: EmittedPoint; remaining: number; delay: number; tsMs: number; trueValue: number }[];
}

export interface Emitter {
  readonly plan: SamplingPlan;
  /** Samples every sensor due in (previous step end, stepEndMs] and the feeder shots among `events`. */
  collect(events: readonly PotlineEvent[], stepEndMs: number): PointsByKey;
  /** Releases everything still held back (out-of-order points, delayed duplicates) and closes open stuck runs. */
  flush(): PointsByKey;
  /** Points emitted so far, per tag (fault-free and faulty alike). */
  pointsByTag(): Readonly<Record<string, number>>;
  /** The read-back of fields of one equipment at `tsMs`, reported now (the PLC's report of a change it applied). */
  readbackNow(equipmentId: string, fields: readonly SetPointField[], tsMs: number): EmittedPoint[];
}

export interface EmitterOptions {
  potline: Potline;
  ratePerMin: number;
  faults: FaultRates;
  labels: LabelRecorder;
  rng: Rng;
}

/** Sampling jitter of a source's clock, fraction of the interval (real schedulers drift by a few percent). */
const SAMPLING_JITTER = 0.02;

/** Creates the sensors of the potline with the intervals that add up to `ratePerMin`. */
export function createEmitter(options: EmitterOptions): Emitter {
  const { potline, faults, labels, rng } = options;
  const meanFeedIntervalS =
    potline.cells.reduce((sum, c) => sum + c.feedIntervalS, 0) / Math.max(1, potline.cells.length);
  const plan = planSampling(
    options.ratePerMin,
    potline.lines.length,
    potline.cells.length / potline.lines.length,
    meanFeedIntervalS,
  );
  const startMs = potline.nowMs();
  const sensors: Sensor[] = [];
  const feedSensors = new Map<string, Sensor>();
  const unknownSeq = new Map<string, number>();
  const delayedDuplicates: EmittedPoint[] = [];
  const perTag: Record<string, number> = {};
  const readback = createReadbackReporters(potline, rng.fork('readback'));
  const translations = plantTagTranslations(potline.plant);

  const newSensor = (
    lineId: string,
    cellId: string,
    tag: SimTag,
    cell: CellState | undefined,
    intervalMs: number,
  ): Sensor => ({
    lineId,
    cellId,
    tag,
    cell,
    scope: tag === 'aluminaFeed' ? 'event' : tag === 'anodeBeamPosition' ? 'encoder' : 'signal',
    intervalMs,
    wrongUnits: translations.get(lineId)?.get(tag)?.converted ? [] : TAG_SPECS[tag].wrongUnits,
    nextDueMs: startMs + rng.uniform(0, intervalMs),
    seq: 0,
    tsAsIso: rng.chance(0.7),
    goodQuality: rng.chance(0.85) ? 'good' : 192,
    dropout: undefined,
    gapBeforeNext: undefined,
    stuck: undefined,
    held: [],
  });
  for (const line of potline.lines) {
    sensors.push(
      newSensor(line.lineId, lineSensorCellId(line.lineId), 'lineCurrent', undefined, plan.intervalMs.lineCurrent),
    );
  }
  for (const cell of potline.cells) {
    for (const tag of CELL_TAGS)
      sensors.push(newSensor(cell.params.lineId, cell.params.cellId, tag, cell, plan.intervalMs[tag]));
    feedSensors.set(cell.params.cellId, newSensor(cell.params.lineId, cell.params.cellId, 'aluminaFeed', cell, 0));
  }

  const push = (out: PointsByKey, canonical: EmittedPoint): void => {
    perTag[canonical.tag] = (perTag[canonical.tag] ?? 0) + 1;
    const translation = translations.size > 0 ? translations.get(canonical.lineId)?.get(canonical.tag) : undefined;
    const point = translation ? toPlantTag(canonical, translation, tagSpec(canonical.tag)!.canonicalUnit) : canonical;
    const list = out.get(point.cellId);
    if (list) list.push(point);
    else out.set(point.cellId, [point]);
  };

  const makePoint = (sensor: Sensor, tsMs: number, value: number): EmittedPoint => ({
    lineId: sensor.lineId,
    cellId: sensor.cellId,
    tag: sensor.tag,
    ts: sensor.tsAsIso ? new Date(tsMs).toISOString() : tsMs,
    value,
    unit: TAG_SPECS[sensor.tag].canonicalUnit,
    quality: sensor.goodQuality,
    seq: ++sensor.seq,
  });

  const label = (
    kind: Label['kind'],
    sensor: Sensor,
    point: EmittedPoint,
    tsMs: number,
    trueValue: number,
    detail?: Record<string, unknown>,
  ): void => {
    labels.record({
      kind,
      cellId: sensor.cellId,
      tag: sensor.tag,
      seq: point.seq,
      tsMs,
      trueValue,
      ...(detail ? { detail } : {}),
    });
  };

  const endStuckRun = (sensor: Sensor): void => {
    if (!sensor.stuck) return;
    if ((sensor.stuck.label.detail.samples as number) > 0) labels.record(sensor.stuck.label);
    sensor.stuck = undefined;
  };

  /** One sample of a sensor at tsMs whose true reading is trueValue; applies and labels at most one fault. */
  const sample = (sensor: Sensor, tsMs: number, trueValue: number, out: PointsByKey): void => {
    if (sensor.dropout) {
      sensor.dropout.remaining--;
      sensor.dropout.missing++;
      if (sensor.dropout.remaining <= 0) {
        sensor.gapBeforeNext = { missing: sensor.dropout.missing, lastTsMs: sensor.dropout.lastTsMs };
        sensor.dropout = undefined;
      }
      return;
    }
    const point = makePoint(sensor, tsMs, trueValue);
    if (sensor.gapBeforeNext) {
      label('dropout', sensor, point, tsMs, trueValue, {
        missingSamples: sensor.gapBeforeNext.missing,
        lastTsMsBeforeGap: sensor.gapBeforeNext.lastTsMs,
      });
      sensor.gapBeforeNext = undefined;
      // The sensor is back: its first sample goes out as it is, in order, so the gap ends where the label says (held
      // back out of order or faulted, the gap would show on a later point and the label would point at the wrong one).
      emit(sensor, point, out);
      return;
    }
    if (sensor.stuck) {
      point.value = sensor.stuck.value;
      const stuckLabel = sensor.stuck.label;
      const detail = stuckLabel.detail;
      if (detail.samples === 0) {
        stuckLabel.seq = point.seq;
        stuckLabel.tsMs = tsMs;
        stuckLabel.trueValue = trueValue;
      }
      detail.lastSeq = point.seq;
      detail.samples = (detail.samples as number) + 1;
      if (--sensor.stuck.remaining <= 0) endStuckRun(sensor);
      emit(sensor, point, out);
      return;
    }
    const spec = TAG_SPECS[sensor.tag];
    switch (chooseSampleFault(rng.next(), faults, sensor.scope)) {
      case 'spike': {
        const magnitude = rng.uniform(spec.spikeMagnitude[0], spec.spikeMagnitude[1]);
        point.value = roundForTag(sensor.tag, trueValue + (rng.chance(0.5) ? magnitude : -magnitude));
        label('spike', sensor, point, tsMs, trueValue);
        break;
      }
      case 'wrong_unit': {
        if (sensor.wrongUnits.length === 0) break;
        const wrong = rng.pick(sensor.wrongUnits);
        point.value = wrong.fromCanonical(trueValue);
        point.unit = wrong.unit;
        label('wrong_unit', sensor, point, tsMs, trueValue, { unit: wrong.unit });
        break;
      }
      case 'bad_quality': {
        point.quality = rng.pick(BAD_QUALITIES);
        label('bad_quality', sensor, point, tsMs, trueValue, { quality: point.quality });
        break;
      }
      case 'stuck': {
        // This sample is still true; the next ones repeat it.
        const runLength = rng.int(STUCK_RUN_SAMPLES[0], STUCK_RUN_SAMPLES[1]);
        sensor.stuck = {
          value: trueValue,
          remaining: runLength,
          // seq, tsMs and trueValue are those of the first repeated sample, filled in when it is taken.
          label: {
            kind: 'stuck',
            cellId: sensor.cellId,
            tag: sensor.tag,
            detail: { stuckValue: trueValue, samples: 0 },
          },
        };
        break;
      }
      case 'dropout':
        sensor.dropout = { remaining: rng.int(DROPOUT_SAMPLES[0], DROPOUT_SAMPLES[1]), missing: 0, lastTsMs: tsMs };
        break;
      case 'duplicate': {
        const later = rng.chance(0.5);
        label('duplicate', sensor, point, tsMs, trueValue, { sentInLaterStep: later });
        emit(sensor, point, out);
        if (later) delayedDuplicates.push({ ...point });
        else push(out, { ...point });
        return;
      }
      case 'out_of_order': {
        const delay = rng.int(OUT_OF_ORDER_DELAY_SAMPLES[0], OUT_OF_ORDER_DELAY_SAMPLES[1]);
        sensor.held.push({ point, remaining: delay, delay, tsMs, trueValue });
        return;
      }
      case undefined:
        break;
    }
    emit(sensor, point, out);
  };

  /** Sends a point, then any held-back point whose turn has come (it now follows later points: out of order). */
  const emit = (sensor: Sensor, point: EmittedPoint, out: PointsByKey): void => {
    push(out, point);
    if (sensor.held.length === 0) return;
    for (const held of sensor.held) held.remaining--;
    const due = sensor.held.filter((h) => h.remaining <= 0);
    if (due.length === 0) return;
    sensor.held = sensor.held.filter((h) => h.remaining > 0);
    for (const h of due) release(sensor, h, out);
  };

  const release = (sensor: Sensor, held: Sensor['held'][number], out: PointsByKey): void => {
    push(out, held.point);
    // Labelled on release: only a point that later points overtook is out of order.
    if (held.remaining < held.delay)
      label('out_of_order', sensor, held.point, held.tsMs, held.trueValue, {
        overtakenBy: held.delay - Math.max(0, held.remaining),
      });
  };

  const maybeUnknownTag = (sensor: Sensor, tsMs: number, out: PointsByKey): void => {
    if (!rng.chance(faults.unknown_tag)) return;
    const tag = rng.pick(UNKNOWN_TAGS);
    const key = `${sensor.cellId}/${tag}`;
    const seq = (unknownSeq.get(key) ?? 0) + 1;
    unknownSeq.set(key, seq);
    const value = Math.round(rng.uniform(0, 1000) * 100) / 100;
    push(out, {
      lineId: sensor.lineId,
      cellId: sensor.cellId,
      tag,
      ts: sensor.tsAsIso ? new Date(tsMs).toISOString() : tsMs,
      value,
      unit: rng.pick(['%', 'A', 'V', 'degC']),
      quality: 'good',
      seq,
    });
    labels.record({ kind: 'unknown_tag', cellId: sensor.cellId, tag, seq, tsMs, trueValue: value });
  };

  return {
    plan,
    collect(events, stepEndMs) {
      const out: PointsByKey = new Map();
      if (delayedDuplicates.length > 0) for (const p of delayedDuplicates.splice(0)) push(out, p);
      for (const sensor of sensors) {
        while (sensor.nextDueMs <= stepEndMs) {
          const tsMs = Math.round(sensor.nextDueMs);
          sensor.nextDueMs += sensor.intervalMs * (1 + SAMPLING_JITTER * (2 * rng.next() - 1));
          sample(sensor, tsMs, readTag(potline, sensor.cell, sensor.lineId, sensor.tag as PeriodicTag, rng), out);
          maybeUnknownTag(sensor, tsMs, out);
        }
      }
      readback.collect(events, stepEndMs, (point) => push(out, point));
      for (const event of events) {
        if (event.type !== 'shot') continue;
        const sensor = feedSensors.get(event.cellId);
        if (sensor) sample(sensor, event.tsMs, roundForTag('aluminaFeed', event.massKg), out);
      }
      return out;
    },
    flush() {
      const out: PointsByKey = new Map();
      for (const p of delayedDuplicates.splice(0)) push(out, p);
      for (const sensor of [...sensors, ...feedSensors.values()]) {
        for (const h of sensor.held) release(sensor, h, out);
        sensor.held = [];
        endStuckRun(sensor);
      }
      return out;
    },
    pointsByTag: () => ({ ...perTag }),
    readbackNow(equipmentId, fields, tsMs) {
      const out: EmittedPoint[] = [];
      readback.reportNow(equipmentId, fields, tsMs, (p) => {
        perTag[p.tag] = (perTag[p.tag] ?? 0) + 1;
        out.push(p);
      });
      return out;
    },
  };
}
