import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import type { BirthStore, StoredBirth } from '../sparkplug/birth-store.js';

/** Container and partition key (as declared in shared/azure/containers.ts). */
export const SPARKPLUG_BIRTHS_CONTAINER = 'sparkplug-births';

const BirthDoc = z.object({
  id: z.string(),
  edgeNodeId: z.string(),
  topic: z.string(),
  payloadBase64: z.string(),
  bornAtMs: z.number(),
});

/**
 * The births an ingress has seen, in Cosmos container `sparkplug-births` (partition key /edgeNodeId): one document
 * per topic, replaced by the newer birth, so a node's births are one partition read (a node has a birth per device).
 */
export class CosmosBirthStore implements BirthStore {
  constructor(private readonly container: Container) {}

  async birthsOf(edgeNodeId: string): Promise<StoredBirth[]> {
    const { resources } = await this.container.items
      .query<unknown>(
        { query: 'SELECT * FROM c WHERE c.edgeNodeId = @node', parameters: [{ name: '@node', value: edgeNodeId }] },
        { partitionKey: edgeNodeId },
      )
      .fetchAll();
    return resources.map((r) => {
      const d = BirthDoc.parse(r);
      return {
        edgeNodeId: d.edgeNodeId,
        topic: d.topic,
        payload: new Uint8Array(Buffer.from(d.payloadBase64, 'base64')),
        bornAtMs: d.bornAtMs,
      };
    });
  }

  async keep(b: StoredBirth): Promise<void> {
    await this.container.items.upsert({
      // Cosmos ids may not hold '/'; a topic's parts never hold '|' (Sparkplug identifiers are plain UTF-8 names).
      id: b.topic.replaceAll('/', '|'),
      edgeNodeId: b.edgeNodeId,
      topic: b.topic,
      payloadBase64: Buffer.from(b.payload).toString('base64'),
      bornAtMs: b.bornAtMs,
    });
  }
}
