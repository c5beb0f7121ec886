/**
 * A dependency outage of a minute (OUTAGE_S, default 60), once for Cosmos DB and once for the lake's Azurite, with
 * the real app in a devhost that is never restarted. Telemetry keeps arriving and plant events (overrides: the SCADA
 * dispatcher, the ledger writer and the alert notifier each take them) are published during the outage. The
 * emulator is then started again on its port. Afterwards: every valid point is in silver exactly once, nothing was
 * dead-lettered, every event is in the ledger, and ingestion keeps up again without a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunRecorder } from '../../local/console/run-recorder.js';
import { readRunFromLake } from '../../local/console/score-run.js';
import { waitFor } from '../../local/devhost/testing.js';
import { startAzurite, stopChild, type AzuriteHandle } from '../../local/emulators/azurite.js';
import { startCosmos, type CosmosHandle } from '../../local/emulators/cosmos.js';
import { startMqttBroker, type MqttBrokerHandle } from '../../local/emulators/mqtt.js';
import { scoreCleansing } from '../../local/score/cleansing-score.js';
import { virtualClock } from '../../local/simulator/clock.js';
import { createPotline } from '../../local/simulator/potline.js';
import { runSimulator } from '../../local/simulator/runner.js';
import { memorySink } from '../../local/simulator/sinks/memory-sink.js';
import { BlobLakeStore } from '../../shared/azure/blob-lake-store.js';
import { findLedgerGaps } from '../../shared/ledger/verify-gaps.js';
import { verifyLocalLedger } from '../../shared/ledger/verify-ledger.js';
import { entryIdFor } from '../../shared/ledger/entry.js';
import { LEDGER_CONTAINER, ledgerPaths } from '../../shared/ledger/paths.js';
import { toServiceBusMessage } from '../../shared/messaging/cloud-event.js';
import { PLANT_EVENTS_TOPIC } from '../../shared/messaging/subscriptions.js';
import { overrideChangedEvent } from '../../shared/scada/events.js';
import { PARKED_CONTAINER } from '../../shared/telemetry/parked-batches.js';
import { repoRoot, sendToHub, spawnDevhost, type DevhostProcess } from '../e2e/support.js';

const OUTAGE_MS = Number(process.env.OUTAGE_S ?? 60) * 1000;
const START_MS = Date.UTC(2026, 10, 23, 6, 0, 0);

let tmp: string;
let broker: MqttBrokerHandle;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'outage-'));
  broker = await startMqttBroker();
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  await broker?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

interface Stack {
  azurite: AzuriteHandle;
  cosmos: CosmosHandle;
  devhost: DevhostProcess;
  dataDir: string;
}

async function startStack(name: string): Promise<Stack> {
  const dataDir = path.join(tmp, name);
  const [azurite, cosmos] = await Promise.all([startAzurite(path.join(dataDir, 'azurite')), startCosmos({ dataDir })]);
  const stack: Stack = { azurite, cosmos, dataDir, devhost: undefined as unknown as DevhostProcess };
  cleanups.push(
    () => stack.azurite.stop(),
    () => stack.cosmos.stop(),
  );
  stack.devhost = await spawnDevhost(path.join(dataDir, 'devhost'), {
    AzureWebJobsStorage: azurite.connectionString,
    LakeConnection: azurite.connectionString,
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_KEY: cosmos.key,
    SCADA_MQTT_URL: broker.url,
    SCADA_MQTT_USERNAME: broker.host().username,
    SCADA_MQTT_PASSWORD: broker.host().password,
    // The simulated potline is the test plant's: lines of the 126 kA base cell.
    PLANT_MODEL_FILE: path.join(repoRoot, 'plants', 'test-plant.json'),
    OPTIMIZATION_SCHEDULE: '0 0 0 1 1 *',
    CURATION_SCHEDULE: '0 0 0 1 1 *',
    ALERT_SWEEP_SCHEDULE: '0 0 0 1 1 *',
    ServiceBusConnection: '',
  });
  cleanups.push(() => stopChild(stack.devhost.child));
  return stack;
}

/** Plant events every consumer takes: overrides go to the SCADA dispatcher, the ledger and the alert notifier. */
async function publishOverrides(devhost: DevhostProcess, line: string, n: number): Promise<string[]> {
  const events = Array.from({ length: n }, (_, i) => {
    const cellId = `${line}-C${String(i + 1).padStart(3, '0')}`;
    const nowMs = Date.now();
    return overrideChangedEvent({
      id: `cell:${cellId}`,
      scopeKey: `cell:${cellId}`,
      scope: { kind: 'cell', cellId },
      mode: 'manual',
      reason: 'outage test',
      requestedBy: 'op-1',
      requestedAtMs: nowMs,
      version: 1,
      correlationId: `outage-${cellId}`,
      updatedAtMs: nowMs,
    });
  });
  const messages = events.map((e) => {
    const m = toServiceBusMessage(e);
    return { ...m, body: JSON.stringify(m.body) };
  });
  const res = await fetch(`${devhost.url}/_devhost/servicebus/topics/${PLANT_EVENTS_TOPIC}/messages`, {
    method: 'POST',
    headers: busKey(devhost),
    body: JSON.stringify(messages),
  });
  expect(res.status).toBe(202);
  return events.map((e) => e.id);
}

/** The devhost's own key for its Service Bus endpoints. */
const busKey = (devhost: DevhostProcess) => ({ 'x-functions-key': devhost.keys.systemKey('servicebus') });

interface SubscriptionStats {
  subscription: string;
  active: number;
  deadLettered: number;
}
async function topicStats(devhost: DevhostProcess): Promise<SubscriptionStats[]> {
  const res = await fetch(`${devhost.url}/_devhost/servicebus/topics/${PLANT_EVENTS_TOPIC}`, {
    headers: busKey(devhost),
  });
  return ((await res.json()) as { subscriptions: SubscriptionStats[] }).subscriptions;
}

/** The seeded telemetry of the run, generated ahead so the test decides when each third arrives. */
async function telemetry(seed: number) {
  const sink = memorySink();
  const potline = createPotline({ lines: 1, cellsPerLine: 12, seed, startMs: START_MS });
  const sim = runSimulator({
    potline,
    sink,
    ratePerMin: 6000,
    durationS: 90,
    clock: virtualClock(START_MS),
    faults: { malformed_json: 0.01, duplicate: 0.01 },
  });
  await sim.done;
  return { events: sink.events, labels: sim.labels.labels() };
}

describe(`a ${OUTAGE_MS / 1000}-second dependency outage, with no restart of the app`, () => {
  it.each([
    ['Cosmos DB', 'cosmos'],
    ['the lake (Azurite)', 'azurite'],
  ] as const)(
    'of %s: nothing lost, nothing dead-lettered, every event in the ledger, ingestion back by itself',
    async (_name, which) => {
      const testStartMs = Date.now();
      const { events, labels } = await telemetry(which === 'cosmos' ? 21 : 22);
      const stack = await startStack(which);
      const lake = await BlobLakeStore.create(BlobServiceClient.fromConnectionString(stack.azurite.connectionString));
      const devhost = stack.devhost;
      // Parts of the stream: a warm-up, a measured part before the outage, a part during it, a part after, and a
      // measured part of the same size once everything caught up: ingestion's own rate, before and after.
      const cut = [0, 0.1, 0.3, 0.6, 0.8, 1].map((f) => Math.floor(f * events.length));
      const part = (i: number) => events.slice(cut[i], cut[i + 1]);
      const window = { eventsFromMs: START_MS, enqueuedFromMs: testStartMs, untilMs: START_MS + 86_400_000 };
      /** Sends `bodies` (or none) and waits until each of `bodies`' valid points is in silver or quarantine; ms taken. */
      const landed = async (what: string, bodies: typeof events, send: boolean) => {
        const sent = new RunRecorder();
        sent.noteSent(bodies);
        const t0 = Date.now();
        if (send) await sendToHub(devhost, 'telemetry', bodies);
        const score = await waitFor(
          what,
          async () => {
            const { silver, quarantine } = await readRunFromLake(lake, window);
            const s = scoreCleansing(labels, silver, quarantine, sent.sentKeys);
            return s.lost === 0 ? s : undefined;
          },
          5 * 60_000,
        );
        return { ms: Date.now() - t0, score };
      };

      await landed('the warm-up part in silver', part(0), true);
      const beforeOutage = await landed('the part before the outage in silver', part(1), true);
      const before = await publishOverrides(devhost, 'L1', 4);
      await waitFor(
        'the events before the outage handled',
        async () => (await topicStats(devhost)).every((s) => s.active === 0),
        120_000,
      ).catch(async (e: unknown) => {
        throw new Error(
          `${String(e)}: ${JSON.stringify(await topicStats(devhost))}\n${stack.devhost.output().slice(-3000)}`,
        );
      });

      // The outage: the emulator is killed, telemetry and plant events keep coming, then it is back on its port.
      if (which === 'cosmos') await stack.cosmos.kill();
      else await stack.azurite.kill();
      await sendToHub(devhost, 'telemetry', part(2));
      const during = await publishOverrides(devhost, 'L2', 4);
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      if (which === 'cosmos') stack.cosmos = await startCosmos({ dataDir: stack.dataDir, port: stack.cosmos.port });
      else stack.azurite = await startAzurite(path.join(stack.dataDir, 'azurite'), { ports: stack.azurite.ports });
      const backMs = Date.now();
      await sendToHub(devhost, 'telemetry', part(3));

      const { score } = await landed(
        'every valid point sent so far in silver or quarantine',
        events.slice(0, cut[4]),
        false,
      );
      const caughtUpS = (Date.now() - backMs) / 1000;
      const afterOutage = await landed('the part after the catch-up in silver', part(4), true);
      const all = await landed('every valid point in silver or quarantine', events, false);
      console.log(
        `${which}: caught up ${caughtUpS.toFixed(1)} s after the dependency returned; a fifth of the stream took ` +
          `${beforeOutage.ms} ms before the outage and ${afterOutage.ms} ms after it`,
      );
      expect(score.lost).toBe(0);
      expect(all.score.lost).toBe(0);
      expect(all.score.duplicatedInSilver).toBe(0);
      // Back to its rate without a restart: the same amount of telemetry lands about as fast as before the outage.
      expect(afterOutage.ms).toBeLessThanOrEqual(2 * beforeOutage.ms + 5_000);
      // Nothing parked either: no ingest batch gave up while the dependency was away.
      const parked = BlobServiceClient.fromConnectionString(stack.azurite.connectionString).getContainerClient(
        PARKED_CONTAINER,
      );
      if (await parked.exists()) {
        const names: string[] = [];
        for await (const b of parked.listBlobsFlat()) names.push(b.name);
        expect(names).toEqual([]);
      }

      await waitFor(
        'every subscription drained',
        async () => (await topicStats(devhost)).every((s) => s.active === 0),
        5 * 60_000,
      );
      expect((await topicStats(devhost)).map((s) => [s.subscription, s.deadLettered])).toEqual([
        ['scada', 0],
        ['ledger', 0],
        ['alerts', 0],
        ['controlroom', 0],
      ]);
      // The overrides and whatever else reached the ledger (the alerts they raised): a whole chain, no gap.
      const verified = await verifyLocalLedger(lake, { collectionId: 'plant-01' });
      expect(verified.ok).toBe(true);
      for (const id of [...before, ...during])
        expect(await lake.get(LEDGER_CONTAINER, ledgerPaths.entryIndex('plant-01', entryIdFor(id))), id).toBeDefined();
      expect((await findLedgerGaps(lake, { collectionId: 'plant-01' })).gaps).toEqual([]);
      expect(stack.devhost.output()).not.toMatch(/Unhandled|TypeError|ReferenceError|consumer .* stopped/);
    },
    15 * 60_000,
  );
});
