/**
 * The orchestration's activities and API wired to Azure (or the local emulators) from the settings: Cosmos for
 * cell state, overrides, commands, constraints and runs; the lake; the plant-events publisher. Each is built once
 * per process; a failed start is retried on the next call.
 */
import { settings } from '../config/settings.js';
import { anodeEffectHistory } from '../gold/anode-effect-history.js';
import { bathSamplesFromLake } from '../orchestration/lab-chemistry.js';
import type { LakeStore } from '../lake/lake-store.js';
import type { EnvelopeCheckDeps } from '../orchestration/envelope-check.js';
import type { SnapshotDeps } from '../orchestration/line-snapshot.js';
import type { OptimizeDeps } from '../orchestration/optimize-set-points.js';
import type { PredictCellsDeps } from '../orchestration/predict-cells.js';
import type { RunStore } from '../orchestration/run-store.js';
import type { LineConstraintStore } from '../orchestration/line-constraints.js';
import { limitsFromPlant } from '../scada/equipment-limits.js';
import { BlobLakeStore } from './blob-lake-store.js';
import { appCosmosClient, appLakeServiceClient, localCosmos, once } from './composition-root.js';
import { CosmosHotStateStore } from './cosmos-hot-state.js';
import { CosmosLineConstraintStore, CosmosRunStore } from './cosmos-orchestration-stores.js';
import { CosmosCommandRepository } from './cosmos-scada-stores.js';
import { currentPlantFromSettings, plantSourceFromSettings } from './plant-dependencies.js';
import { overrideStoreFromSettings, readbackStoreFromSettings } from './scada-dependencies.js';

const createIfMissing = localCosmos;

/** The lake (containers created if missing, as Azurite starts empty). */
export const lakeFromSettings = once<LakeStore>(async () => BlobLakeStore.create(appLakeServiceClient()));
const hotState = once(async () =>
  CosmosHotStateStore.create(appCosmosClient(), settings().COSMOS_DATABASE, {
    createIfMissing: createIfMissing(),
  }),
);
const commands = once(async () =>
  CosmosCommandRepository.create(appCosmosClient(), settings().COSMOS_DATABASE, {
    createIfMissing: createIfMissing(),
  }),
);
/** Optimisation runs (Cosmos `optimization-runs`). */
export const runStoreFromSettings = once<RunStore>(async () =>
  CosmosRunStore.create(appCosmosClient(), settings().COSMOS_DATABASE, { createIfMissing: createIfMissing() }),
);
/** Per-line user constraints (Cosmos `line-constraints`). */
export const constraintStoreFromSettings = once<LineConstraintStore>(async () =>
  CosmosLineConstraintStore.create(appCosmosClient(), settings().COSMOS_DATABASE, {
    createIfMissing: createIfMissing(),
  }),
);
/** The hot state read a line at a time (which lines are sending telemetry, for the schedule). */
export const lineStateFromSettings = hotState;

/** What `loadLineSnapshot` reads and writes. */
export async function snapshotDeps(): Promise<SnapshotDeps> {
  const [lineState, overrides, constraints, lake] = await Promise.all([
    hotState(),
    overrideStoreFromSettings(),
    constraintStoreFromSettings(),
    lakeFromSettings(),
  ]);
  return {
    lineState,
    overrides,
    constraints,
    lake,
    anodeEffectHistory: (lineId, atMs) => anodeEffectHistory(lake, lineId, atMs),
    bathSamples: (lineId, atMs) => bathSamplesFromLake(lake, lineId, atMs),
  };
}

/** The plant model at the version a run started on. */
const plantAt = async (version: string) => (await plantSourceFromSettings()).at(version);

/** What `predictCells` needs: the lake and the plant model the run started on. */
export async function predictDeps(): Promise<PredictCellsDeps> {
  return { lake: await lakeFromSettings(), plantAt };
}

/** What `optimizeSetPoints` needs: the lake and the plant model the run started on (rectifier, windows). */
export async function optimizeDeps(): Promise<OptimizeDeps> {
  return { lake: await lakeFromSettings(), plantAt };
}

/** What `checkSetPointEnvelope` reads: what the dispatcher reads, with the same limits. */
export async function envelopeDeps(): Promise<EnvelopeCheckDeps> {
  const [hs, overrides, readback, cmd, lake] = await Promise.all([
    hotState(),
    overrideStoreFromSettings(),
    readbackStoreFromSettings(),
    commands(),
    lakeFromSettings(),
  ]);
  return {
    hotState: hs,
    overrides,
    readback,
    commands: cmd,
    lake,
    limitsFor: limitsFromPlant(currentPlantFromSettings),
    clock: Date.now,
  };
}
