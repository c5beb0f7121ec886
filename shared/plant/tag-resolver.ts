/**
 * The plant model as ingestion sees it: its equipment and each line's tag map, handed to shared/telemetry as the
 * TagResolver port (telemetry ranks below the plant model and never reads it). One resolver per model version.
 */
import { buildTagResolver, type TagResolver } from '../telemetry/tag-resolution.js';
import type { PlantIndex } from './plant-index.js';

const resolvers = new WeakMap<PlantIndex, TagResolver>();

/** The resolver of a model version (built once per PlantIndex, which the source keeps once per version). */
export function tagResolverOf(index: PlantIndex): TagResolver {
  let resolver = resolvers.get(index);
  if (!resolver) {
    resolver = buildTagResolver(
      index.version,
      index.lines().map(({ line }) => ({
        lineId: line.lineId,
        cellIds: line.cells.map((c) => c.cellId),
        tagMap: line.tagMap,
      })),
    );
    resolvers.set(index, resolver);
  }
  return resolver;
}
