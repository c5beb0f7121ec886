/**
 * The tag resolver of the plant model in force, for the telemetry consumers (ingest, alerts, read-back): asked per
 * batch, it follows a new model version within PLANT_MODEL_REFRESH_S without a restart.
 */
import { PlantModelMissingError } from '../plant/source.js';
import { tagResolverOf } from '../plant/tag-resolver.js';
import { CATALOGUE_TAGS, noPlantResolver, type TagResolver } from '../telemetry/tag-resolution.js';
import { plantSourceFromSettings } from './plant-dependencies.js';

/**
 * Ingestion's resolver of the current plant model. With no model at all (none stored, no PLANT_MODEL_FILE) every point
 * is quarantined UNKNOWN_EQUIPMENT naming why, so nothing reaches silver or the hot state unjudged and nothing is lost;
 * a store that cannot be read throws, and the host retries the batch.
 */
export async function currentTagResolver(): Promise<TagResolver> {
  const r = await modelResolver();
  return 'missing' in r ? noPlantResolver(r.missing) : r.resolver;
}

/**
 * The alert and read-back consumers' resolver of the current plant model. With no model at all they judge the
 * canonical tags of any equipment (the tag catalogue alone): an alert rule still raises on what it can read, rather
 * than falling silent while the plant model is missing. Ingestion quarantines those points all the same.
 */
export async function currentJudgingTagResolver(): Promise<TagResolver> {
  const r = await modelResolver();
  return 'missing' in r ? CATALOGUE_TAGS : r.resolver;
}

/** The current model's resolver, or why there is no model (a store that cannot be read throws). */
async function modelResolver(): Promise<{ resolver: TagResolver } | { missing: string }> {
  try {
    return { resolver: tagResolverOf(await (await plantSourceFromSettings()).current()) };
  } catch (error) {
    if (!(error instanceof PlantModelMissingError)) throw error;
    return { missing: error.message };
  }
}
