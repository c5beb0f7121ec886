/** What the plant thread is started with: the potline, the simulator run and its pot controllers' broker access. */
import type { PlantModel } from '../../shared/plant/schema.js';
import type { FaultRatesInput } from '../simulator/index.js';

export interface PlantThreadOptions {
  /** The plant to simulate (the plant model in force): its lines, cells, technologies and tag maps. */
  plant: PlantModel;
  seed: number;
  /** Simulated time of the first state, ms epoch. */
  startMs: number;
  hmiChangesPerLineHour: number;
  panelManualPerLineHour: number;
  ratePerMin: number;
  durationS?: number;
  faults?: FaultRatesInput;
  /** Where the ground-truth labels go (JSON Lines). */
  labelsFile: string;
  brokerUrl: string;
  /** Each line's pot controller credentials, by edge node id (`L1-POTCTL`). */
  edgeCredentials: Record<string, { username: string; password: string }>;
  primaryHostId: string;
}

export type PlantMessage =
  | { kind: 'ready' }
  | { kind: 'counters'; counters: PlantCounters }
  | { kind: 'done' }
  | { kind: 'simulator-stopped' }
  | { kind: 'final'; final: PlantFinal }
  | { kind: 'error'; message: string };

export interface PlantCounters {
  sim: import('../simulator/index.js').SimulatorCounters;
  plc: ReturnType<import('../plc/plant-edge-nodes.js').PlantEdgeNodes['counters']>;
}

export interface PlantFinal extends PlantCounters {
  labels: import('../simulator/index.js').Label[];
  /**
   * Every set point the pot controllers applied on a command, as `setpoint_applied` records: the labels have only
   * those applied while the simulator stepped, not those of the last commands after it stopped.
   */
  commandedMoves: import('../simulator/index.js').Label[];
  sentKeys: string[];
}
