import path from 'node:path';
import { rpcString } from '../rpc-data.js';
import { resolveSettingExpression } from '../settings.js';
import type { TriggerSource, TriggerSourceContext, TriggerSourceFactory } from '../trigger-source.js';
import { clientBindingData, durableApiRoutes } from './client-api.js';
import { DurableEngine } from './engine.js';
import { InstanceStore } from './instance-store.js';

/** Task hub name when host.json sets none: the one `func start` uses locally. */
export const DEFAULT_TASK_HUB = 'TestHubName';

/** Trigger types of durable-functions registrations (lib/src/trigger.js) and its client input binding type. */
export const DURABLE_TRIGGER_TYPES = ['orchestrationTrigger', 'activityTrigger', 'entityTrigger'] as const;

/**
 * Serves `df.app.orchestration` / `df.app.activity` with the durable engine, the `durableClient` input binding of
 * any function, and the Durable HTTP API on the devhost's server. History lives under `<dataDir>/durable/<hub>/`.
 */
export function durableSourceFactory(): TriggerSourceFactory {
  return {
    triggerTypes: DURABLE_TRIGGER_TYPES,
    create: (ctx) => new DurableSource(ctx),
  };
}

class DurableSource implements TriggerSource {
  readonly kind = 'durable';
  readonly httpRoutes;
  readonly engine: DurableEngine;

  constructor(private readonly ctx: TriggerSourceContext) {
    const { hubName, overridableExistingInstanceStates } = ctx.hostConfig.durableTask;
    const hub = hubName
      ? resolveSettingExpression(hubName, ctx.env, 'host.json extensions.durableTask.hubName')
      : DEFAULT_TASK_HUB;
    this.engine = new DurableEngine({
      registry: ctx.registry,
      events: ctx.events,
      clock: ctx.clock,
      store: new InstanceStore(path.join(ctx.dataDir, 'durable', hub)),
      overridableStates: overridableExistingInstanceStates,
    });
    const key = ctx.keys.systemKey('durabletask_extension');
    this.httpRoutes = durableApiRoutes(this.engine, hub, () => ctx.httpUrl(), key);
    const provide = () => rpcString(JSON.stringify(clientBindingData(ctx.httpUrl(), hub, key)));
    ctx.registry.inputProviders.set('durableclient', provide);
    ctx.registry.inputProviders.set('orchestrationclient', provide);
  }

  async start(): Promise<void> {
    // getClient() rewrites client URLs to localhost:7071 unless WEBSITE_HOSTNAME names the host (Core Tools sets it too).
    this.ctx.env.WEBSITE_HOSTNAME ??= new URL(this.ctx.httpUrl()).host;
    this.engine.start();
  }

  async stop(): Promise<void> {
    await this.engine.stop();
  }
}
