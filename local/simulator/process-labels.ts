/**
 * Turns the plant's process events into ground-truth labels. An anode effect is labelled once, when it ends,
 * with its start and end, so a detector can be scored on both.
 */
import type { LabelRecorder } from './labels.js';
import type { PotlineEvent } from './potline.js';

export interface ProcessLabeller {
  /** Labels the events of one step (feeder shots are data, not labelled). */
  record(events: readonly PotlineEvent[]): void;
  /** Labels anode effects still in progress (end unknown) — call when the run stops. */
  close(atMs: number): void;
}

export function createProcessLabeller(labels: LabelRecorder): ProcessLabeller {
  const openAnodeEffects = new Map<string, { startTsMs: number; voltageV: number }>();
  return {
    record(events) {
      for (const e of events) {
        switch (e.type) {
          case 'anode_effect_start':
            openAnodeEffects.set(e.cellId, { startTsMs: e.tsMs, voltageV: e.voltageV });
            break;
          case 'anode_effect_end':
            openAnodeEffects.delete(e.cellId);
            labels.record({
              kind: 'anode_effect',
              cellId: e.cellId,
              tag: 'cellVoltage',
              tsMs: e.startTsMs,
              detail: {
                startTsMs: e.startTsMs,
                endTsMs: e.tsMs,
                durationS: (e.tsMs - e.startTsMs) / 1000,
                peakVoltageV: e.peakVoltageV,
              },
            });
            break;
          case 'metal_tap':
            labels.record({
              kind: 'metal_tap',
              cellId: e.cellId,
              tag: 'metalHeight',
              tsMs: e.tsMs,
              detail: { tappedKg: e.tappedKg, metalDropCm: e.metalDropCm, durationS: e.durationS },
            });
            break;
          case 'beam_raise':
            labels.record({
              kind: 'beam_raise',
              cellId: e.cellId,
              tag: 'anodeBeamPosition',
              tsMs: e.tsMs,
              detail: { raiseCm: e.raiseCm },
            });
            break;
          case 'setpoint_applied':
            labels.record({
              kind: 'setpoint_applied',
              cellId: e.cellId,
              tsMs: e.tsMs,
              detail: { applied: e.applied, previous: e.previous },
            });
            break;
          case 'hmi_change':
            labels.record({
              kind: 'hmi_change',
              cellId: e.cellId,
              tsMs: e.tsMs,
              detail: { applied: e.applied, previous: e.previous },
            });
            break;
          case 'shot':
            break;
        }
      }
    },
    close(atMs) {
      for (const [cellId, ae] of openAnodeEffects) {
        labels.record({
          kind: 'anode_effect',
          cellId,
          tag: 'cellVoltage',
          tsMs: ae.startTsMs,
          detail: { startTsMs: ae.startTsMs, endTsMs: null, ongoingAtMs: atMs, voltageV: ae.voltageV },
        });
      }
      openAnodeEffects.clear();
    },
  };
}
