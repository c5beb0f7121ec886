import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { z } from 'zod';

/** Container the Functions Event Hubs extension keeps checkpoints in (Microsoft.Azure.WebJobs.Extensions.EventHubs v5). */
export const CHECKPOINT_CONTAINER = 'azure-webjobs-eventhub';

export interface Checkpoint {
  sequenceNumber: number;
  offset: string;
}

const CheckpointMetadata = z.object({ sequencenumber: z.coerce.number().int().min(0), offset: z.string() });

/**
 * The blob name of a partition's checkpoint, as @azure/eventhubs-checkpointstore-blob writes it (the layout the
 * extension uses): `<namespace>/<hub>/<consumer group>/checkpoint/<partition>`, lower-cased.
 */
export function checkpointBlobName(namespace: string, hub: string, consumerGroup: string, partitionId: string): string {
  return `${namespace}/${hub}/${consumerGroup}/checkpoint/${partitionId}`.toLowerCase();
}

/** Checkpoints in blob storage (AzureWebJobsStorage): an empty blob whose metadata holds sequencenumber and offset. */
export class BlobCheckpointStore {
  readonly #container: ContainerClient;
  #ready: Promise<unknown> | undefined;

  constructor(
    connectionString: string,
    readonly namespace: string,
  ) {
    this.#container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(CHECKPOINT_CONTAINER);
  }

  /** The last checkpoint of a partition, or undefined when none was written. */
  async get(hub: string, consumerGroup: string, partitionId: string): Promise<Checkpoint | undefined> {
    await this.#ensureContainer();
    const blob = this.#container.getBlockBlobClient(
      checkpointBlobName(this.namespace, hub, consumerGroup, partitionId),
    );
    try {
      const props = await blob.getProperties();
      const parsed = CheckpointMetadata.safeParse(props.metadata ?? {});
      if (!parsed.success) {
        throw new Error(
          `ERR-DEVHOST-CHECKPOINT: blob ${blob.name} has invalid metadata (${parsed.error.issues[0]?.path.join('.')}); delete it to restart the partition from the start.`,
        );
      }
      return { sequenceNumber: parsed.data.sequencenumber, offset: parsed.data.offset };
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  /** Records that every event up to and including `checkpoint.sequenceNumber` was processed. */
  async set(hub: string, consumerGroup: string, partitionId: string, checkpoint: Checkpoint): Promise<void> {
    await this.#ensureContainer();
    const blob = this.#container.getBlockBlobClient(
      checkpointBlobName(this.namespace, hub, consumerGroup, partitionId),
    );
    await blob.upload('', 0, {
      metadata: { sequencenumber: String(checkpoint.sequenceNumber), offset: checkpoint.offset },
    });
  }

  #ensureContainer(): Promise<unknown> {
    this.#ready ??= this.#container.createIfNotExists().catch((err: unknown) => {
      this.#ready = undefined;
      throw err;
    });
    return this.#ready;
  }
}
