import { settings } from '../config/settings.js';
import type { LakeStore } from '../lake/lake-store.js';
import { ingestBatch, type IngestLog } from '../telemetry/ingest.js';
import {
  countWaiting,
  PARKED_CONTAINER,
  ParkedBatchError,
  pointsAlreadyInSilver,
  replayFiguresOf,
  replayParked,
  type ParkedBatchReplayer,
  type ReplayResult,
} from '../telemetry/parked-batches.js';
import { BlobLakeStore } from './blob-lake-store.js';
import { appHostStorageClient, once } from './composition-root.js';
import { ingestDependencies } from './ingest-dependencies.js';
import { routedSparkplugIngressFromSettings } from './plant-ingress-dependencies.js';

/**
 * Where ingestion parks the batches it could not process: the parked container of the host's storage account, a
 * different account from the lake (the usual thing to refuse), through the composition root's client.
 */
export const parkedStoreFromSettings = once<LakeStore>(() =>
  BlobLakeStore.create(appHostStorageClient(), [PARKED_CONTAINER]),
);

/** Parked batches no replay has taken yet (the `smelter.ingest.parked_waiting` gauge). */
export async function parkedWaitingFromSettings(): Promise<number> {
  return countWaiting(await parkedStoreFromSettings());
}

/**
 * Replays the waiting parked batches (or the one at `only`) with the app's dependencies from the settings, by the hub
 * each came from: a telemetry batch through ingestion (the same lake, hot state and cleansing as the trigger, told
 * which of its points silver got meanwhile), a plant-MQTT batch through the Sparkplug ingress again.
 */
export async function replayParkedFromSettings(log: IngestLog, only?: string): Promise<ReplayResult[]> {
  const s = settings();
  const replay: ParkedBatchReplayer = async (batch, events) => {
    if (batch.hub === s.TELEMETRY_HUB) {
      const deps = await ingestDependencies(log);
      const inSilverAlready = await pointsAlreadyInSilver(deps.lake, events);
      return replayFiguresOf(await ingestBatch(events, { ...deps, inSilverAlready }));
    }
    if (batch.hub === s.PLANT_MQTT_HUB) {
      // Its points reach silver through ingestion, whose duplicate check drops what an attempt before the park had
      // already forwarded.
      const ingress = await routedSparkplugIngressFromSettings();
      const summary = await ingress.ingest(
        events.map((e) => e.body),
        events.map((e) => Date.parse(String(e.enqueuedTimeUtc)) || undefined),
      );
      return { pointsIn: summary.points, silverRows: 0, quarantined: 0, forwarded: summary.points };
    }
    throw new ParkedBatchError(
      `hub ${batch.hub}`,
      `is from a hub this app does not read (TELEMETRY_HUB ${s.TELEMETRY_HUB}, PLANT_MQTT_HUB ${s.PLANT_MQTT_HUB})`,
    );
  };
  return replayParked(await parkedStoreFromSettings(), replay, only ? { only } : {});
}
