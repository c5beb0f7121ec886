/**
 * The simulated plant in its own thread, as a real plant is its own system: the potline, the simulator run and the
 * pot controllers (Sparkplug edge nodes) keep their own event loop and core, so a long synchronous step of the
 * platform (an optimiser solve, a big ingest batch) does not stall the PLCs, and the reverse.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RunRecorder } from '../console/run-recorder.js';
import { startPlantEdgeNodes } from '../plc/plant-edge-nodes.js';
import { plantSink } from '../plc/plant-sink.js';
import {
  createLabelRecorder,
  createPotline,
  plantTagResolver,
  runSimulator,
  type Label,
  type SimulatorRun,
} from '../simulator/index.js';
import type { PlantMessage, PlantThreadOptions } from './plant-options.js';

const o = workerData as PlantThreadOptions;
const post = (m: PlantMessage) => parentPort!.postMessage(m);

try {
  const potline = createPotline({
    plant: o.plant,
    seed: o.seed,
    startMs: o.startMs,
    hmiChangesPerLineHour: o.hmiChangesPerLineHour,
  });
  const labels = createLabelRecorder({ file: o.labelsFile });
  // Points sent under a line's own tag names count as their canonical tags, as ingestion reads them.
  const recorder = new RunRecorder(plantTagResolver(potline.plant));
  const ref: { run?: SimulatorRun } = {};
  const commandedMoves: Label[] = [];
  const plc = await startPlantEdgeNodes({
    broker: {
      url: o.brokerUrl,
      edge: (edgeNodeId) => ({ ...o.edgeCredentials[edgeNodeId]!, role: 'edge', edgeNodeId }),
    },
    potline,
    primaryHostId: o.primaryHostId,
    options: {
      panelManualPerLineHour: o.panelManualPerLineHour,
      seed: o.seed,
      readbackNow: (equipmentId, fields, tsMs) => ref.run?.readbackNow(equipmentId, fields, tsMs) ?? [],
      onPointsSent: (points) => recorder.noteSent([{ body: JSON.stringify(points) }]),
      onApplied: (a) =>
        commandedMoves.push({
          kind: 'setpoint_applied',
          cellId: a.cellId,
          tsMs: a.appliedAtMs,
          detail: { applied: a.applied, previous: a.previous },
        }),
      onPanelManual: (cellId, fromMs, untilMs) =>
        labels.record({ kind: 'panel_manual', cellId, tsMs: fromMs, detail: { untilMs } }),
    },
  });
  const toPlant = plantSink(plc.byLine);
  const sim = runSimulator({
    potline,
    labels,
    ratePerMin: o.ratePerMin,
    ...(o.durationS ? { durationS: o.durationS } : {}),
    ...(o.faults ? { faults: o.faults } : {}),
    sink: {
      send: async (bodies) => {
        recorder.noteSent(bodies);
        await toPlant.send(bodies);
      },
    },
  });
  ref.run = sim;
  const counters = () => ({ sim: sim.counters(), plc: plc.counters() });
  const ticker = setInterval(() => post({ kind: 'counters', counters: counters() }), 1000);
  void sim.done.then(
    () => post({ kind: 'done' }),
    (e: unknown) => post({ kind: 'error', message: e instanceof Error ? e.message : String(e) }),
  );
  parentPort!.on('message', (m: { kind: 'stop-simulator' | 'stop' }) => {
    void (async () => {
      await sim.stop().catch(() => undefined);
      if (m.kind === 'stop-simulator') {
        post({ kind: 'counters', counters: counters() });
        post({ kind: 'simulator-stopped' });
        return;
      }
      await plc.stop();
      clearInterval(ticker);
      post({
        kind: 'final',
        final: { ...counters(), labels: [...labels.labels()], commandedMoves, sentKeys: [...recorder.sentKeys] },
      });
      parentPort!.close();
    })();
  });
  post({ kind: 'ready' });
} catch (e) {
  post({ kind: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
