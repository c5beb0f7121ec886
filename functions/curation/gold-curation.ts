import { app, type InvocationContext, type Timer } from '@azure/functions';
import { lakeServiceClient } from '../../shared/azure/clients.js';
import { BlobLakeStore } from '../../shared/azure/blob-lake-store.js';
import { currentPlantFromSettings } from '../../shared/azure/plant-dependencies.js';
import { settings } from '../../shared/config/settings.js';
import { curationConfigFrom, scheduledRange } from '../../shared/gold/config.js';
import { curateRange } from '../../shared/gold/curate.js';
import { kpisChangedMessage } from '../../shared/realtime/live-messages.js';
import { controlRoomOutput, pushToControlRoom } from '../realtime/control-room-output.js';

/**
 * Curates gold every hour: the last CURATION_LOOKBACK_HOURS complete hours, so late batches reach their hour. Hours
 * whose inputs did not change are skipped by their lineage manifests, so the overlap costs listings, not work.
 */
export async function goldCuration(timer: Timer, context: InvocationContext): Promise<void> {
  const s = settings();
  const lake = await BlobLakeStore.create(lakeServiceClient(s));
  const range = scheduledRange(Date.now(), s.CURATION_LOOKBACK_HOURS);
  // The plant model in force: each line's design for its KPIs, and the hierarchy of the dimensions.
  const plant = await currentPlantFromSettings.current();
  const summary = await curateRange(lake, range, curationConfigFrom(s, plant));
  const lines = [...new Set(summary.curated.map((c) => c.lineId))].sort();
  if (lines.length > 0) pushToControlRoom(context, [kpisChangedMessage(lines, Date.now())]);
  context.info('gold curated', {
    from: new Date(range.fromMs).toISOString(),
    to: new Date(range.toMs).toISOString(),
    pastDue: timer.isPastDue,
    hoursCurated: summary.curated.length,
    hoursSkipped: summary.skippedHours,
    linesNotInPlant: summary.linesNotInPlant,
    filesWritten: summary.filesWritten,
    elapsedMs: Math.round(summary.elapsedMs),
  });
  if (summary.linesNotInPlant.length > 0)
    context.warn(
      `gold curation: lines ${summary.linesNotInPlant.join(', ')} have telemetry but are not in plant model ${plant.version}; their hours were not curated. Add them to the plant model (v1/plant) to curate them.`,
    );
}

app.timer('goldCuration', {
  schedule: '%CURATION_SCHEDULE%',
  runOnStartup: false,
  extraOutputs: [controlRoomOutput],
  handler: goldCuration,
});
