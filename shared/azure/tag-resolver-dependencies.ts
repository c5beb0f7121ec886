/**
 * The tag resolver of the plant model in force, for the telemetry consumers (ingest, alerts, read-back): asked per
 * batch, it follows a new model version within PLANT_MODEL_REFRESH_S without a restart.
 */
import { PlantModelMissingError } from '../plant/source.js';
import { tagResolverOf } from '../plant/tag-resolver.js';
import { noPlantResolver, type TagResolver } from '../telemetry/tag-resolution.js';
import { plantSourceFromSettings } from './plant-dependencies.js';

/**
 * The resolver of the current plant model. With no model at all (none stored, no PLANT_MODEL_FILE) every point is
 * quarantined UNKNOWN_EQUIPMENT naming why, so nothing reaches silver or the hot state unjudged and nothing is lost;
 * a store that cannot be read throws, and the host retries the batch.
 */
export async function currentTagResolver(): Promise<TagResolver> {
  try {
    return tagResolverOf(await (await plantSourceFromSettings()).current());
  } catch (error) {
    if (error instanceof PlantModelMissingError) return noPlantResolver(error.message);
    throw error;
  }
}
