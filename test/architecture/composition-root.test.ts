import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../local/emulators/azurite.js';
import { startCosmos, type CosmosHandle } from '../../local/emulators/cosmos.js';
import { startMqttBroker, type MqttBrokerHandle } from '../../local/emulators/mqtt.js';
import { alertDependencies } from '../../shared/azure/alert-dependencies.js';
import { cosmosClientsBuiltSoFar } from '../../shared/azure/clients.js';
import { auditLogFromSettings } from '../../shared/azure/cosmos-audit-log.js';
import { modelStoreFromSettings } from '../../shared/azure/cosmos-model-repository.js';
import { dependencyProbes } from '../../shared/azure/health-probes.js';
import { hotStateStore } from '../../shared/azure/hot-state-reader.js';
import { ingestDependencies } from '../../shared/azure/ingest-dependencies.js';
import { lakeReaderFromSettings } from '../../shared/azure/lake-reader.js';
import { envelopeDeps, runStoreFromSettings, snapshotDeps } from '../../shared/azure/orchestration-dependencies.js';
import {
  overrideDepsFromSettings,
  readbackObserverDepsFromSettings,
  scadaDispatcherFromSettings,
} from '../../shared/azure/scada-dependencies.js';
import { resetSettingsCache, settings } from '../../shared/config/settings.js';

/** Every dependency bundle the app's functions build, in one process, shares one CosmosClient (issue 16). */
let cosmos: CosmosHandle;
let azurite: AzuriteHandle;
let broker: MqttBrokerHandle;
const dir = mkdtempSync(path.join(os.tmpdir(), 'composition-root-'));

beforeAll(async () => {
  [cosmos, azurite, broker] = await Promise.all([
    startCosmos(),
    startAzurite(path.join(dir, 'azurite')),
    startMqttBroker(),
  ]);
  Object.assign(process.env, {
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_KEY: cosmos.key,
    LakeConnection: azurite.connectionString,
    SCADA_MQTT_URL: broker.url,
    SCADA_MQTT_USERNAME: broker.host().username,
    SCADA_MQTT_PASSWORD: broker.host().password,
    ServiceBusConnection: 'UseDevhost=true;Endpoint=http://127.0.0.1:9',
  });
  resetSettingsCache();
});
afterAll(async () => {
  await (await scadaDispatcherFromSettings().catch(() => undefined))?.close();
  await Promise.all([cosmos?.stop(), azurite?.stop(), broker?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('the composition root', () => {
  it('builds one CosmosClient for every function of the process, the health probe included', async () => {
    const before = cosmosClientsBuiltSoFar();
    const log = { info: () => {}, warn: () => {}, error: () => {} };
    await Promise.all([
      ingestDependencies(log as never),
      hotStateStore(),
      alertDependencies(),
      auditLogFromSettings(),
      modelStoreFromSettings(),
      lakeReaderFromSettings(),
      snapshotDeps(),
      envelopeDeps(),
      runStoreFromSettings(),
      overrideDepsFromSettings(),
      readbackObserverDepsFromSettings(),
      scadaDispatcherFromSettings(),
    ]);
    for (const probe of Object.values(dependencyProbes(settings()))) await probe();
    for (const probe of Object.values(dependencyProbes(settings()))) await probe();
    expect(cosmosClientsBuiltSoFar() - before).toBe(1);
  });
});
