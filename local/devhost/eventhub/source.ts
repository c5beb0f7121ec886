import { z } from 'zod';
import type { RegisteredFunction } from '../registry.js';
import { parseRetryPolicy } from '../retry-policy.js';
import { resolveSettingExpression } from '../settings.js';
import type { TriggerSource, TriggerSourceContext, TriggerSourceFactory } from '../trigger-source.js';
import { BlobCheckpointStore } from './checkpoints.js';
import { PartitionConsumer } from './consumer.js';
import type { LocalEventHubNamespace } from './local-hub.js';

/** Consumer group a trigger uses when it names none (Event Hubs' built-in group). */
const DEFAULT_CONSUMER_GROUP = '$Default';

const EventHubTriggerOptions = z.looseObject({
  eventHubName: z.string().min(1),
  consumerGroup: z.string().min(1).optional(),
  cardinality: z.enum(['one', 'many']).optional(),
  dataType: z.string().optional(),
  connection: z.string().optional(),
});

export interface EventHubSourceOptions {
  namespace: LocalEventHubNamespace;
  /** Host name used in checkpoint blob names, like `<namespace>.servicebus.windows.net` in Azure. */
  namespaceHost: string;
  /** AzureWebJobsStorage: where checkpoints live. */
  storageConnectionString: string;
}

/** Serves `eventHubTrigger` registrations from the local hubs: one consumer per function × partition. */
export function eventHubSourceFactory(options: EventHubSourceOptions): TriggerSourceFactory {
  return {
    triggerTypes: ['eventHubTrigger'],
    create: (ctx, functions) => new EventHubSource(ctx, functions, options),
  };
}

class EventHubSource implements TriggerSource {
  readonly kind = 'eventHub';
  readonly #consumers: PartitionConsumer[] = [];

  constructor(ctx: TriggerSourceContext, functions: RegisteredFunction[], options: EventHubSourceOptions) {
    const checkpoints = new BlobCheckpointStore(options.storageConnectionString, options.namespaceHost);
    const seen = new Map<string, string>();
    for (const fn of functions) {
      const parsed = EventHubTriggerOptions.safeParse(fn.trigger.options);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Error(
          `ERR-DEVHOST-EVENTHUB: function ${fn.name}: trigger option ${issue?.path.join('.')} ${issue?.message}`,
        );
      }
      const o = parsed.data;
      const hubName = resolveSettingExpression(o.eventHubName, ctx.env, `function ${fn.name} eventHubName`);
      const consumerGroup = resolveSettingExpression(
        o.consumerGroup ?? DEFAULT_CONSUMER_GROUP,
        ctx.env,
        `function ${fn.name} consumerGroup`,
      );
      const key = `${hubName}/${consumerGroup}`.toLowerCase();
      const other = seen.get(key);
      if (other) {
        ctx.registry.log(
          'warning',
          'system',
          `Functions ${other} and ${fn.name} read hub ${hubName} with the same consumer group ${consumerGroup}; in Azure they would compete for partitions and share checkpoints. Give each its own consumer group.`,
        );
      }
      seen.set(key, fn.name);
      const hub = options.namespace.hub(hubName);
      const binding = {
        hub,
        namespace: options.namespaceHost,
        consumerGroup,
        many: o.cardinality === 'many',
        dataType: o.dataType,
        maxBatchSize: ctx.hostConfig.eventHubs.maxEventBatchSize,
        minBatchSize: ctx.hostConfig.eventHubs.minEventBatchSize,
        maxWaitTimeMs: ctx.hostConfig.eventHubs.maxWaitTimeMs,
        batchCheckpointFrequency: ctx.hostConfig.eventHubs.batchCheckpointFrequency,
        initialOffset: ctx.hostConfig.eventHubs.initialOffset,
        retry: parseRetryPolicy(fn.name, fn.metadata.retryOptions),
        clock: ctx.clock,
      };
      for (const partitionId of hub.partitionIds) {
        this.#consumers.push(new PartitionConsumer(fn, binding, partitionId, ctx.registry, ctx.events, checkpoints));
      }
    }
  }

  async start(): Promise<void> {
    await Promise.all(this.#consumers.map((c) => c.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.#consumers.map((c) => c.stop()));
  }
}
