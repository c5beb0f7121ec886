/**
 * Ground-truth labels: every injected data fault and every process event, so cleansing and anomaly detection
 * can be scored. Kept in memory and, when a file is given, appended to it as JSON Lines.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { FaultKind } from './faults.js';

/** Process events are not data faults: the data is true, the plant did something notable. */
export const PROCESS_EVENT_KINDS = [
  'anode_effect',
  'metal_tap',
  'beam_raise',
  'setpoint_applied',
  'hmi_change',
  /** The potroom held a cell in manual at its local panel (the PLC takes no remote writes meanwhile). */
  'panel_manual',
] as const;
export type ProcessEventKind = (typeof PROCESS_EVENT_KINDS)[number];
export type LabelKind = FaultKind | ProcessEventKind;

/** One ground-truth record (contract: `{ kind, cellId?, tag?, seq?, tsMs?, trueValue?, detail? }`). */
export interface Label {
  kind: LabelKind;
  cellId?: string;
  tag?: string;
  seq?: number;
  tsMs?: number;
  trueValue?: number;
  detail?: Record<string, unknown>;
}

export interface LabelRecorder {
  record(label: Label): void;
  /** Labels kept in memory (all of them unless the recorder was created with keepInMemory: false). */
  labels(): readonly Label[];
  counts(): Readonly<Record<string, number>>;
  /** Flushes and closes the JSONL file, if any. */
  close(): Promise<void>;
}

/** Creates a recorder; with `file`, each label is also appended to that file as one JSON line. */
export function createLabelRecorder(options: { file?: string; keepInMemory?: boolean } = {}): LabelRecorder {
  const kept: Label[] = [];
  const counts: Record<string, number> = {};
  const keep = options.keepInMemory ?? true;
  const stream: WriteStream | undefined = options.file ? createWriteStream(options.file, { flags: 'a' }) : undefined;
  let streamError: Error | undefined;
  stream?.on('error', (error) => {
    streamError = error;
  });
  return {
    record(label) {
      counts[label.kind] = (counts[label.kind] ?? 0) + 1;
      if (keep) kept.push(label);
      if (stream && !streamError) stream.write(`${JSON.stringify(label)}\n`);
    },
    labels: () => kept,
    counts: () => ({ ...counts }),
    async close() {
      if (!stream) return;
      if (!stream.writableEnded) {
        stream.end();
        if (!stream.writableFinished && !streamError) await once(stream, 'finish').catch(() => undefined);
      }
      if (streamError) throw streamError;
    },
  };
}
