/**
 * The plant broker's ingress in Azure, end to end with the real app in a devhost process: messages as Event Grid
 * routes them (CloudEvents of raw Sparkplug B) go into the local `plant-mqtt` hub; plantMqttIngress decodes them into
 * telemetry points on the telemetry hub, and ingest writes them to silver. The host is then killed and restarted, and
 * data whose births only Cosmos remembers is still decoded: nothing is lost to a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunFromLake } from '../../local/console/score-run.js';
import { waitFor } from '../../local/devhost/testing.js';
import { startAzurite, stopChild, type AzuriteHandle } from '../../local/emulators/azurite.js';
import { startCosmos, type CosmosHandle } from '../../local/emulators/cosmos.js';
import { BlobLakeStore } from '../../shared/azure/blob-lake-store.js';
import { encodePayload, type MetricInput } from '../../shared/sparkplug/codec.js';
import { deviceTopic, nodeTopic } from '../../shared/sparkplug/topic.js';
import { killHard, sendToHub, spawnDevhost, type DevhostProcess } from './support.js';

const NODE = 'L1-POTCTL';
const CELL = 'L1-C007';

let tmp: string;
let azurite: AzuriteHandle;
let cosmos: CosmosHandle;
const devhosts: DevhostProcess[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'plant-mqtt-e2e-'));
  [azurite, cosmos] = await Promise.all([startAzurite(path.join(tmp, 'azurite')), startCosmos()]);
});

afterAll(async () => {
  await Promise.all(devhosts.map((d) => stopChild(d.child)));
  await Promise.all([azurite?.stop(), cosmos?.stop()]);
  rmSync(tmp, { recursive: true, force: true });
});

/** One MQTT message as the Event Grid namespace routes it to Event Hubs, partition key = the edge node. */
function routed(topic: string, payload: Uint8Array, atMs: number) {
  return {
    body: JSON.stringify({
      specversion: '1.0',
      id: `${topic}@${atMs}`,
      type: 'MQTT.EventPublished',
      source: 'eg-smelter-plant',
      subject: topic,
      time: new Date(atMs).toISOString(),
      data_base64: Buffer.from(payload).toString('base64'),
      edgenode: NODE,
    }),
    partitionKey: NODE,
  };
}

const cellBirth: MetricInput[] = [
  { name: 'Telemetry/cellVoltage', alias: 1, datatype: 'Double', value: 4.3, properties: { engUnit: 'V' } },
  { name: 'Setpoints/acdCm', alias: 2, datatype: 'Double', value: 2.9, properties: { engUnit: 'cm' } },
  { name: 'Setpoints/feedIntervalS', alias: 3, datatype: 'Double', value: 120, properties: { engUnit: 's' } },
  { name: 'Setpoints/alf3AdditionKgPerDay', alias: 4, datatype: 'Double', value: 25, properties: { engUnit: 'kg/d' } },
];

/** DDATA of `count` voltages a second apart from `fromMs`, by alias only, as an edge node sends after its birth. */
function voltages(firstSeq: number, fromMs: number, count: number, base: number) {
  return Array.from({ length: count }, (_, i) => {
    const atMs = fromMs + i * 1000;
    const payload = encodePayload({
      timestamp: atMs,
      seq: (firstSeq + i) % 256,
      metrics: [
        { alias: 1, timestamp: atMs, datatype: 'Double', value: base + i * 0.001, properties: { seq: firstSeq + i } },
      ],
    });
    return routed(deviceTopic('smelter', 'DDATA', NODE, CELL), payload, atMs);
  });
}

describe('plant MQTT ingress through the devhost (Event Grid routing → plant-mqtt hub → telemetry hub → silver)', () => {
  it('decodes routed Sparkplug into silver, and after a restart decodes data whose births only the store holds', async () => {
    const env = {
      AzureWebJobsStorage: azurite.connectionString,
      LakeConnection: azurite.connectionString,
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: cosmos.key,
    };
    const dataDir = path.join(tmp, 'devhost');
    const lake = await BlobLakeStore.create(BlobServiceClient.fromConnectionString(azurite.connectionString));
    const t0 = Date.now() - 60_000;
    const silverVoltages = async () =>
      (await readRunFromLake(lake, { eventsFromMs: t0, enqueuedFromMs: t0, untilMs: Date.now() })).silver.filter(
        (r) => r.cellId === CELL && r.tag === 'cellVoltage' && !r.flags.includes('interpolated'),
      );

    const first = await spawnDevhost(dataDir, env);
    devhosts.push(first);
    await sendToHub(first.url, 'plant-mqtt', [
      routed(
        nodeTopic('smelter', 'NBIRTH', NODE),
        encodePayload({ timestamp: t0, seq: 0, metrics: [{ name: 'bdSeq', datatype: 'Int64', value: 0 }] }),
        t0,
      ),
      routed(
        deviceTopic('smelter', 'DBIRTH', NODE, CELL),
        encodePayload({ timestamp: t0, seq: 1, metrics: cellBirth }),
        t0 + 1,
      ),
      ...voltages(2, t0 + 1000, 20, 4.3),
    ]);
    await waitFor('the first 20 voltages in silver', async () => (await silverVoltages()).length >= 20, 60_000);
    await killHard(first.child);

    // A new host knows nothing of the births but what the ingress kept in Cosmos.
    const second = await spawnDevhost(dataDir, env);
    devhosts.push(second);
    await sendToHub(second.url, 'plant-mqtt', voltages(22, t0 + 21_000, 20, 4.4));
    const rows = await waitFor(
      'the 20 voltages sent after the restart in silver',
      async () => {
        const r = await silverVoltages();
        return r.length >= 40 ? r : undefined;
      },
      60_000,
    );
    expect(rows.map((r) => r.tsMs).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => t0 + 1000 + i * 1000),
    );
    expect(rows.every((r) => r.unit === 'V' && r.lineId === 'L1')).toBe(true);
    await stopChild(second.child);
  }, 180_000);
});
