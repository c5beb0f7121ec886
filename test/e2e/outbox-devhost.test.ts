/**
 * The outbox sweep in the devhost, as `npm start` runs it: the real app (functions/index.ts) with the example settings,
 * Azurite, the local Cosmos server and the devhost's own topic, on a manual clock. Events left queued by writes whose process
 * died before publishing (one in each of two containers) reach the topic at the next minute's `outboxSweep`, once
 * each, and a later sweep sends nothing again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevhost, type DevhostHandle } from '../../local/devhost/devhost.js';
import type { InvocationEvent } from '../../local/devhost/events.js';
import { ManualClock } from '../../local/devhost/timer/clock.js';
import { startCosmos, type CosmosHandle } from '../../local/emulators/cosmos.js';
import { cosmosClient } from '../../shared/azure/clients.js';
import { CosmosModelRepository, PDE_MODELS_CONTAINER } from '../../shared/azure/cosmos-model-repository.js';
import { CosmosRunStore } from '../../shared/azure/cosmos-orchestration-stores.js';
import { OUTBOX_KIND } from '../../shared/azure/cosmos-outbox.js';
import { openContainer } from '../../shared/azure/open-container.js';
import { modelChangedEvent } from '../../shared/models/events.js';
import { approvalEvent } from '../../shared/orchestration/run-events.js';
import { exampleSettings, publishedEvents, repoRoot } from './support.js';

const DB = 'outbox-devhost';
/** Half a minute before a whole minute, and long after every other timer of the example settings fired this hour. */
const START_MS = Date.UTC(2030, 0, 1, 6, 20, 30);
const actor = { subject: 'erin', clientId: 'test', correlationId: 'died-before-publishing' };

let tmp: string;
let cosmos: CosmosHandle;
let host: DevhostHandle;
const clock = new ManualClock(START_MS);
const sweeps: InvocationEvent[] = [];
const queuedIds: string[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'outbox-devhost-'));
  cosmos = await startCosmos();
  const client = cosmosClient({ COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: cosmos.key });
  // Two writes whose process died between the atomic write and the publish: their events wait in the outbox.
  const models = new CosmosModelRepository(await openContainer(client, DB, PDE_MODELS_CONTAINER, '/modelId', true));
  const { pending } = await models.create(
    { modelName: 'FourierHeatModel', parameters: { thermalConductivity: 200, initialTemperature: 700 } },
    actor,
    START_MS,
    (m) => [modelChangedEvent('created', m, actor, START_MS)],
  );
  const runs = await CosmosRunStore.create(client, DB, { createIfMissing: true });
  const approval = await runs.queueEvents('opt-L1-20300101T0600-advisory', [
    approvalEvent(
      {
        runId: 'opt-L1-20300101T0600-advisory',
        lineId: 'L1',
        decision: 'approve',
        reason: 'checked',
        actor: 'erin',
        decidedAtMs: START_MS,
      },
      actor.correlationId,
    ),
  ]);
  queuedIds.push(...[...pending, ...approval].map((q) => q.event.id));

  // The example settings without the Service Bus connection: the devhost points the app at its own topic.
  const { ServiceBusConnection: _devhostTopic, ...settings } = exampleSettings();
  host = await startDevhost({
    appEntry: 'functions/index.ts',
    appDir: repoRoot,
    dataDir: path.join(tmp, 'data'),
    httpPort: 0,
    startAzurite: true,
    logLevel: 'none',
    clock,
    settings: {
      ...settings,
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: cosmos.key,
      COSMOS_DATABASE: DB,
      DURABLE_TASK_HUB: 'OutboxDevhost',
    },
  });
  host.events.on('invocation', (e) => {
    if (e.functionName === 'outboxSweep') sweeps.push(e);
  });
}, 90_000);

afterAll(async () => {
  await host?.stop();
  await cosmos?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The outbox documents left in the two containers the writes queued in. */
async function queued(): Promise<string[]> {
  const db = cosmosClient({ COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: cosmos.key }).database(DB);
  const found = await Promise.all(
    [PDE_MODELS_CONTAINER, 'optimization-runs'].map(async (name) => {
      const { resources } = await db
        .container(name)
        .items.query<{ id: string }>({
          query: 'SELECT c.id FROM c WHERE c.kind = @kind',
          parameters: [{ name: '@kind', value: OUTBOX_KIND }],
        })
        .fetchAll();
      return resources.map((r) => r.id);
    }),
  );
  return found.flat();
}

/** Moves the clock to the next whole minute and waits for the sweep that falls due there to finish. */
async function nextMinuteSweep(): Promise<InvocationEvent> {
  const before = sweeps.length;
  const done = new Promise<InvocationEvent>((resolve) => {
    const on = (e: InvocationEvent) => {
      if (e.functionName !== 'outboxSweep' || sweeps.length <= before) return;
      host.events.off('invocation', on);
      resolve(e);
    };
    host.events.on('invocation', on);
  });
  clock.advanceBy(60_000 - (clock.now() % 60_000));
  const sweep = await done;
  // The scheduler arms the next occurrence once the run's promise settles, a few callbacks after the event.
  for (let i = 0; i < 5; i++) await tick();
  return sweep;
}

describe('the outbox sweep in the devhost', () => {
  it('is registered by the app on its schedule setting and publishes what writes left queued, each event once', async () => {
    expect(host.functions).toContainEqual({ name: 'outboxSweep', triggerType: 'timerTrigger', served: true });
    expect(publishedEvents(path.join(tmp, 'data')).filter((e) => queuedIds.includes(e.id))).toEqual([]);
    expect(await queued()).toHaveLength(2);

    expect(await nextMinuteSweep()).toMatchObject({ ok: true });
    const published = () => publishedEvents(path.join(tmp, 'data')).filter((e) => queuedIds.includes(e.id));
    expect(published().map((e) => e.type)).toEqual(['smelter.model.changed', 'smelter.optimization.approved']);
    expect(await queued()).toEqual([]);

    expect(await nextMinuteSweep()).toMatchObject({ ok: true });
    expect(published().map((e) => e.id)).toEqual(queuedIds);
  });
});
