import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

type KeyMapper = (partitionKey: string, partitionCount: number) => number;

let mapper: KeyMapper | undefined;

/**
 * The partition Event Hubs assigns to a partition key: the service's hash (Jenkins lookup3, folded to 16 bits)
 * modulo the partition count. The mapping lives in @azure/event-hubs (used by its buffered producer) but is not
 * exported, so it is loaded from the package's own file: the local hub then puts a key where Azure would.
 */
export function partitionForKey(partitionKey: string, partitionCount: number): number {
  mapper ??= loadMapper();
  return mapper(partitionKey, partitionCount);
}

function loadMapper(): KeyMapper {
  const entry = require.resolve('@azure/event-hubs');
  const file = path.join(path.dirname(entry), 'impl', 'partitionKeyToIdMapper.js');
  const mod = require(file) as { mapPartitionKeyToId?: unknown };
  if (typeof mod.mapPartitionKeyToId !== 'function') {
    throw new Error(
      `ERR-DEVHOST-PARTITION-HASH: ${file} no longer exports mapPartitionKeyToId; @azure/event-hubs changed its layout.`,
    );
  }
  return mod.mapPartitionKeyToId as KeyMapper;
}
