import { z } from 'zod';
import type { RegisteredFunction } from '../registry.js';
import { resolveSettingExpression } from '../settings.js';
import type { TriggerSource, TriggerSourceContext, TriggerSourceFactory } from '../trigger-source.js';
import type { LocalServiceBusNamespace } from './namespace.js';
import { SubscriptionReceiver } from './receiver.js';

const ServiceBusTriggerOptions = z.looseObject({
  topicName: z.string().min(1, 'is required (the devhost serves topic subscriptions, not queues)'),
  subscriptionName: z.string().min(1),
  connection: z.string().optional(),
  cardinality: z.literal('one', { error: 'must be "one": the devhost delivers one message per invocation' }).optional(),
  isSessionsEnabled: z.literal(false, { error: 'must be false: sessions are not served by the devhost' }).optional(),
  dataType: z.string().optional(),
});

export class ServiceBusTriggerError extends Error {
  readonly code = 'ERR-DEVHOST-SERVICEBUS';
  constructor(
    readonly functionName: string,
    readonly field: string,
    detail: string,
  ) {
    super(`Function ${functionName}: serviceBusTrigger ${field} ${detail}.`);
    this.name = 'ServiceBusTriggerError';
  }
}

/** Serves `serviceBusTrigger` registrations on topic subscriptions from the local namespace. */
export function serviceBusSourceFactory(namespace: LocalServiceBusNamespace): TriggerSourceFactory {
  return {
    triggerTypes: ['serviceBusTrigger'],
    create: (ctx, functions) => new ServiceBusSource(ctx, functions, namespace),
  };
}

class ServiceBusSource implements TriggerSource {
  readonly kind = 'serviceBus';
  readonly #receivers: SubscriptionReceiver[] = [];

  constructor(ctx: TriggerSourceContext, functions: RegisteredFunction[], namespace: LocalServiceBusNamespace) {
    const seen = new Map<string, string>();
    for (const fn of functions) {
      const parsed = ServiceBusTriggerOptions.safeParse(fn.trigger.options);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ServiceBusTriggerError(fn.name, issue?.path.join('.') || 'options', issue?.message ?? 'is invalid');
      }
      const o = parsed.data;
      const topicName = resolveSettingExpression(o.topicName, ctx.env, `function ${fn.name} topicName`);
      const subscription = resolveSettingExpression(
        o.subscriptionName,
        ctx.env,
        `function ${fn.name} subscriptionName`,
      );
      let topic;
      try {
        topic = namespace.subscribe(topicName, subscription);
      } catch (err) {
        throw new ServiceBusTriggerError(fn.name, 'subscriptionName', (err as Error).message);
      }
      const key = `${topic.name}/${subscription}`;
      const other = seen.get(key);
      if (other)
        ctx.registry.log(
          'warning',
          'system',
          `Functions ${other} and ${fn.name} both read ${key}; they compete for its messages (each message goes to one of them), as in Azure.`,
        );
      seen.set(key, fn.name);
      const { maxConcurrentCalls, maxAutoLockRenewalDurationMs } = ctx.hostConfig.serviceBus;
      this.#receivers.push(
        new SubscriptionReceiver(
          fn,
          {
            topic,
            subscription,
            maxConcurrentCalls,
            maxAutoLockRenewalDurationMs,
            dataType: o.dataType,
            clock: ctx.clock,
          },
          ctx.registry,
          ctx.events,
        ),
      );
    }
  }

  async start(): Promise<void> {
    this.#receivers.forEach((r) => r.start());
  }

  async stop(): Promise<void> {
    await Promise.all(this.#receivers.map((r) => r.stop()));
  }
}
