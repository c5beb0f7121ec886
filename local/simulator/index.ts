/**
 * The plant simulator's public surface: build a potline, run it against a sink, read the labels, apply set points.
 */
export {
  createPotline,
  PotlineOptions,
  SetPoint,
  type AppliedSetPoint,
  type Potline,
  type PotlineEvent,
} from './potline.js';
export { runSimulator, type RunSimulatorOptions, type SimulatorCounters, type SimulatorRun } from './runner.js';
export { realClock, virtualClock, type Clock } from './clock.js';
export { FAULT_KINDS, FaultRates, NO_FAULTS, type FaultKind, type FaultRatesInput } from './faults.js';
export { createLabelRecorder, PROCESS_EVENT_KINDS, type Label, type LabelKind, type LabelRecorder } from './labels.js';
export { EmittedPoint, pointTsMs } from './point.js';
export type { EventBody } from './bodies.js';
export type { TelemetrySink } from './sinks/sink.js';
export { httpSink } from './sinks/http-sink.js';
export { eventHubsSink, producerSink } from './sinks/event-hubs-sink.js';
export { memorySink, type MemorySink } from './sinks/memory-sink.js';
export { SimulatorError } from './errors.js';
export { TAG_SPECS } from './tags.js';
export { baseCellPlant, DEFAULT_PLANT_FILE, plantTagResolver, readPlantFile } from './plant-file.js';
