import { settings } from '../config/settings.js';
import type { QueuedWarning } from '../messaging/outbox.js';
import { ScadaDispatcher } from '../scada/dispatcher.js';
import { limitsFromPlant } from '../scada/equipment-limits.js';
import { SparkplugScadaGateway } from '../sparkplug/scada-gateway.js';
import type { OverrideLister, OverrideStore } from '../scada/override.js';
import type { OverrideDeps } from '../scada/override-service.js';
import { dispatchPolicyOf, parseScadaSettings } from '../scada/settings.js';
import { auditLogFromSettings } from './cosmos-audit-log.js';
import { CosmosCommandRepository, CosmosOverrideStore } from './cosmos-scada-stores.js';
import { CosmosReadbackStore } from './cosmos-readback-store.js';
import type { ReadbackObserverDeps } from '../scada/readback-observer.js';
import { hotStateStore } from './hot-state-reader.js';
import { currentPlantFromSettings } from './plant-dependencies.js';
import { appCosmosClient, eventPublisherFromSettings, localCosmos, once } from './composition-root.js';

/** The override store (Cosmos `scada-overrides`). */
export const overrideStoreFromSettings = once<OverrideStore & OverrideLister>(async () => {
  const s = settings();
  return CosmosOverrideStore.create(appCosmosClient(), s.COSMOS_DATABASE, { createIfMissing: localCosmos() });
});

export { eventPublisherFromSettings } from './composition-root.js';

/** The command store (Cosmos `scada-commands`) for the API's reads: current set points, history, status. */
export const commandStoreFromSettings = once<CosmosCommandRepository>(async () => {
  const s = settings();
  return CosmosCommandRepository.create(appCosmosClient(), s.COSMOS_DATABASE, { createIfMissing: localCosmos() });
});

/** The plant's set-point read-back (Cosmos `scada-readback`). */
export const readbackStoreFromSettings = once<CosmosReadbackStore>(async () => {
  const s = settings();
  return CosmosReadbackStore.create(appCosmosClient(), s.COSMOS_DATABASE, { createIfMissing: localCosmos() });
});

/** What the read-back observer reads and writes: read-back, the command store, the audit trail and the topic. */
export const readbackObserverDepsFromSettings = once<ReadbackObserverDeps>(async () => {
  const [readback, commands, publisher, audit] = await Promise.all([
    readbackStoreFromSettings(),
    commandStoreFromSettings(),
    eventPublisherFromSettings(),
    auditLogFromSettings(),
  ]);
  return {
    readback,
    commands,
    publisher,
    audit,
    limitsFor: limitsFromPlant(currentPlantFromSettings),
    clock: Date.now,
  };
});

/**
 * What the override routes write to: the override store, the plant-events topic and the audit trail; `warn` hears of
 * an event the topic refused (queued for the outbox sweep).
 */
export async function overrideDepsFromSettings(warn?: QueuedWarning): Promise<OverrideDeps> {
  const [overrides, publisher, audit] = await Promise.all([
    overrideStoreFromSettings(),
    eventPublisherFromSettings(),
    auditLogFromSettings(),
  ]);
  return { overrides, publisher, audit, ...(warn ? { warn } : {}) };
}

/** The plant connection: the platform as Sparkplug Primary Host on the plant broker (one per process). */
export const scadaGatewayFromSettings = once<SparkplugScadaGateway>(async () => {
  const scada = parseScadaSettings(process.env);
  return SparkplugScadaGateway.connect({
    url: scada.SCADA_MQTT_URL,
    groupId: scada.SCADA_SPARKPLUG_GROUP_ID,
    hostId: scada.SCADA_SPARKPLUG_HOST_ID,
    ...(scada.SCADA_MQTT_USERNAME ? { username: scada.SCADA_MQTT_USERNAME } : {}),
    ...(scada.SCADA_MQTT_PASSWORD ? { password: scada.SCADA_MQTT_PASSWORD } : {}),
    ...(scada.SCADA_MQTT_CLIENT_ID ? { clientId: scada.SCADA_MQTT_CLIENT_ID } : {}),
    ...(scada.SCADA_MQTT_CLIENT_CERT && scada.SCADA_MQTT_CLIENT_KEY
      ? { cert: scada.SCADA_MQTT_CLIENT_CERT, key: scada.SCADA_MQTT_CLIENT_KEY }
      : {}),
  });
});

/** The SCADA dispatcher wired to Cosmos, the hot state, the plant broker and the plant-events topic. */
export const scadaDispatcherFromSettings = once<ScadaDispatcher>(async () => {
  const scada = parseScadaSettings(process.env);
  const [commands, overrides, hotState, readback, publisher, gateway] = await Promise.all([
    commandStoreFromSettings(),
    overrideStoreFromSettings(),
    hotStateStore(),
    readbackStoreFromSettings(),
    eventPublisherFromSettings(),
    scadaGatewayFromSettings(),
  ]);
  return new ScadaDispatcher({
    commands,
    overrides,
    hotState,
    readback,
    gateway,
    publisher,
    limitsFor: limitsFromPlant(currentPlantFromSettings),
    policy: dispatchPolicyOf(scada),
    clock: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
});
