import type { Container, CosmosClient } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCosmos, type CosmosHandle } from '../../local/emulators/cosmos.js';
import { AlertChangedData, alertChangeOf } from '../alerts/alert-events.js';
import { AlertRecords } from '../alerts/alert-records.js';
import { cloudEvent } from '../messaging/cloud-event.js';
import { RecordingEventPublisher } from '../messaging/event-publisher.js';
import { sweepOutbox } from '../messaging/outbox.js';
import { modelChangedEvent } from '../models/events.js';
import { plantModelChangedEvent } from '../plant/events.js';
import { testPlantWith } from '../plant/test-plant.js';
import { approvalEvent } from '../orchestration/run-events.js';
import { cosmosClient } from './clients.js';
import { CosmosAlertStore } from './cosmos-alert-stores.js';
import { CosmosModelRepository } from './cosmos-model-repository.js';
import { CosmosOutbox, OUTBOX_KIND, OutboxWriteError } from './cosmos-outbox.js';
import { CosmosRunStore } from './cosmos-orchestration-stores.js';
import { CosmosPlantModelStore, PLANT_MODELS_CONTAINER, PLANT_MODELS_PARTITION_KEY } from './cosmos-plant-store.js';
import { openContainer } from './open-container.js';

let cosmos: CosmosHandle;
let client: CosmosClient;

beforeAll(async () => {
  cosmos = await startCosmos();
  client = cosmosClient({ COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: cosmos.key });
});
afterAll(async () => {
  await cosmos?.stop();
});

const actor = { subject: 'erin', clientId: 'c', correlationId: 'corr-1' };
const body = {
  modelName: 'FourierHeatModel' as const,
  parameters: { thermalConductivity: 200, initialTemperature: 700 },
};

async function modelsIn(database: string): Promise<{ container: Container; repo: CosmosModelRepository }> {
  const container = await openContainer(client, database, 'pde-models', '/modelId', true);
  return { container, repo: new CosmosModelRepository(container) };
}

async function documents(container: Container): Promise<{ id: string; kind: string }[]> {
  const { resources } = await container.items
    .query<{ id: string; kind: string }>('SELECT c.id, c.kind FROM c')
    .fetchAll();
  return resources;
}

describe('the outbox on the local Cosmos server', () => {
  it('stores a change and its event together, and neither when the change is refused (stale version, id taken)', async () => {
    const { container, repo } = await modelsIn('outbox-atomic');
    const { stored, pending } = await repo.create(body, actor, 1000, (m) => [
      modelChangedEvent('created', m, actor, 1000),
    ]);
    expect(pending.map((q) => q.event.type)).toEqual(['smelter.model.changed']);
    expect((await documents(container)).filter((d) => d.kind === OUTBOX_KIND)).toHaveLength(1);

    // A replace that loses to a writer in between: 412 on the change, so the batch writes nothing at all.
    const outbox = new CosmosOutbox(container, '/modelId');
    const stale = await outbox.write(
      stored.modelId,
      [
        {
          operationType: 'Replace',
          id: stored.modelId,
          resourceBody: { id: stored.modelId, kind: 'x' },
          ifMatch: 'old',
        },
      ],
      [modelChangedEvent('replaced', stored, actor, 2000)],
    );
    expect(stale).toMatchObject({ ok: false, status: 412, failedIndex: 0 });
    // A create of an id that exists: 409, nothing written either.
    const taken = await outbox.write(
      stored.modelId,
      [{ operationType: 'Create', resourceBody: { id: stored.modelId, modelId: stored.modelId } }],
      [modelChangedEvent('created', stored, actor, 3000)],
    );
    expect(taken).toMatchObject({ ok: false, status: 409 });
    expect((await documents(container)).filter((d) => d.kind === OUTBOX_KIND)).toHaveLength(1);
    expect(await repo.get(stored.modelId)).toEqual(stored);

    // An If-Match the API was given that no longer matches never reaches the store.
    const r = await repo.replace(stored.modelId, body, actor, 4000, () => [], '"not-the-etag"');
    expect(r).toEqual({ ok: false, reason: 'version-mismatch' });
  });

  it('loses nothing when the process dies between the write and the publish: the sweep publishes each event once', async () => {
    const { container, repo } = await modelsIn('outbox-crash');
    // Written and never published, as if the process had been killed right after the batch.
    const created = await repo.create(body, actor, 1000, (m) => [modelChangedEvent('created', m, actor, 1000)]);
    const replaced = await repo.replace(created.stored.modelId, body, actor, 2000, (m) => [
      modelChangedEvent('replaced', m, actor, 2000),
    ]);
    if (!replaced.ok) throw new Error('replace failed');
    const deleted = await repo.remove(created.stored.modelId, 3000, (m) => [
      modelChangedEvent('deleted', m, actor, 3000),
    ]);
    if (!deleted.ok) throw new Error('delete failed');
    expect(await repo.get(created.stored.modelId)).toBeUndefined();
    expect((await repo.list(10, 0)).items).toEqual([]);

    const topic = new RecordingEventPublisher();
    const source = new CosmosOutbox(container, '/modelId');
    expect(await sweepOutbox(topic, [source])).toMatchObject({ published: 3, notRemoved: 0 });
    expect(await sweepOutbox(topic, [source])).toMatchObject({ published: 0 });
    expect(topic.published.map((e) => (e.data as { change: string }).change)).toEqual([
      'created',
      'replaced',
      'deleted',
    ]);
    expect(topic.published.map((e) => e.id)).toEqual([
      modelChangedEvent('created', created.stored, actor, 1000).id,
      modelChangedEvent('replaced', replaced.value.stored, actor, 2000).id,
      modelChangedEvent('deleted', replaced.value.stored, actor, 3000).id,
    ]);
    expect((await documents(container)).filter((d) => d.kind === OUTBOX_KIND)).toEqual([]);
  });

  it('answers the partition’s older events before the write’s own, and not other partitions’', async () => {
    const { repo } = await modelsIn('outbox-order');
    const a = await repo.create(body, actor, 1000, (m) => [modelChangedEvent('created', m, actor, 1000)]);
    await repo.create(body, actor, 1000, (m) => [modelChangedEvent('created', m, actor, 1000)]);
    const r = await repo.replace(a.stored.modelId, body, actor, 2000, (m) => [
      modelChangedEvent('replaced', m, actor, 2000),
    ]);
    if (!r.ok) throw new Error('replace failed');
    expect(r.value.pending.map((q) => `${q.event.subject} ${(q.event.data as { change: string }).change}`)).toEqual([
      `${a.stored.modelId} created`,
      `${a.stored.modelId} replaced`,
    ]);
  });

  it('takes out an event already taken out without an error', async () => {
    const { repo } = await modelsIn('outbox-remove');
    const { pending } = await repo.create(body, actor, 1000, (m) => [modelChangedEvent('created', m, actor, 1000)]);
    await pending[0]!.remove();
    await expect(pending[0]!.remove()).resolves.toBeUndefined();
  });

  it('refuses a container the sweep does not read', async () => {
    const container = await openContainer(client, 'outbox-unknown', 'cell-state', '/cellId', true);
    expect(() => new CosmosOutbox(container, '/cellId')).toThrow(/not in OUTBOX_CONTAINERS/);
  });

  it('moves the changes an alert document kept in itself (before the shared outbox) into the outbox, losing none', async () => {
    const store = await CosmosAlertStore.create(client, 'outbox-legacy', { createIfMissing: true });
    const { alert } = await new AlertRecords({ store }).raise({
      conditionKey: 'bath-hot',
      scopeKey: 'L1-C001',
      title: 'Bath hot',
      severity: 'warning',
      channels: [],
      atMs: Date.UTC(2025, 0, 1),
    });
    const source = new CosmosOutbox(
      await openContainer(client, 'outbox-legacy', 'alerts', '/scopeKey', true),
      '/scopeKey',
    );
    const topic = new RecordingEventPublisher();
    await sweepOutbox(topic, [source]);
    // A document as the earlier release wrote it: its unpublished changes in the document itself.
    const container = await openContainer(client, 'outbox-legacy', 'alerts', '/scopeKey', true);
    const { resource } = await container.item(alert.id, alert.scopeKey).read<Record<string, unknown>>();
    const legacy = [alertChangeOf(alert, 'raised', Date.UTC(2025, 0, 1))];
    await container.item(alert.id, alert.scopeKey).replace({ ...resource!, unpublished: legacy });

    expect(await store.migrateLegacyOutbox()).toBe(1);
    expect(await store.migrateLegacyOutbox()).toBe(0);
    expect(await sweepOutbox(topic, [source])).toMatchObject({ published: 1 });
    expect(topic.published.map((e) => AlertChangedData.parse(e.data).action)).toEqual(['raised', 'raised']);
    expect(topic.published[0]!.id).toBe(topic.published[1]!.id);
    const { resource: after } = await container.item(alert.id, alert.scopeKey).read<Record<string, unknown>>();
    expect(after!.unpublished).toBeUndefined();
    expect((await store.get(alert.id))!.alert).toEqual(alert);
  });

  it('moves the plant model in force, stores its version and queues its event in one write; a stale one writes nothing', async () => {
    const container = await openContainer(
      client,
      'outbox-plant',
      PLANT_MODELS_CONTAINER,
      PLANT_MODELS_PARTITION_KEY,
      true,
    );
    const store = new CosmosPlantModelStore(container);
    const events = (previous: string | undefined) => (v: Parameters<typeof plantModelChangedEvent>[0]) => [
      plantModelChangedEvent(v, previous, actor.correlationId),
    ];
    const one = testPlantWith({ L1: 4 });
    const two = testPlantWith({ L1: 4, L2: 4 });
    const first = await store.replace(one, undefined, actor, 1000, events(undefined));
    if (!first.ok) throw new Error('first replace refused');
    const v1 = first.value.stored.version;
    const second = await store.replace(two, v1, { ...actor, subject: 'mona' }, 2000, events(v1));
    if (!second.ok) throw new Error('second replace refused');
    const v2 = second.value.stored.version;
    // A replace over a version no longer in force: refused, and neither pointer nor event written.
    expect(await store.replace(one, v1, actor, 3000, events(v1))).toEqual({ ok: false, reason: 'version-mismatch' });
    expect((await store.current())?.version).toBe(v2);

    // Back to the first version: its document exists already, only the pointer moves (with its event).
    const back = await store.replace(one, v2, { ...actor, subject: 'mona' }, 4000, events(v2));
    if (!back.ok) throw new Error('revert refused');
    expect(back.value.stored).toMatchObject({ version: v1, updatedBy: 'erin', updatedAtMs: 1000 });
    expect((await store.current())?.version).toBe(v1);

    const topic = new RecordingEventPublisher();
    const source = new CosmosOutbox(container, PLANT_MODELS_PARTITION_KEY);
    expect(await sweepOutbox(topic, [source])).toMatchObject({ published: 3, notRemoved: 0 });
    expect(await sweepOutbox(topic, [source])).toMatchObject({ published: 0 });
    expect(topic.published.map((e) => e.data)).toMatchObject([
      { version: v1, changedBy: 'erin' },
      { version: v2, previousVersion: v1, changedBy: 'mona' },
      { version: v1, previousVersion: v2, changedBy: 'mona', changedAtMs: 4000 },
    ]);
    expect((await documents(container)).filter((d) => d.kind === OUTBOX_KIND)).toEqual([]);
  });

  it('lets one of several concurrent plant replaces over the same version win, with exactly one event', async () => {
    const container = await openContainer(
      client,
      'outbox-plant-race',
      PLANT_MODELS_CONTAINER,
      PLANT_MODELS_PARTITION_KEY,
      true,
    );
    const store = new CosmosPlantModelStore(container);
    const candidates = [2, 3, 4, 5].map((n) => testPlantWith({ L1: n }));
    const outcomes = await Promise.all(
      candidates.map((m, i) =>
        store.replace(m, undefined, { ...actor, subject: `m${i}` }, 1000, (v) => [
          plantModelChangedEvent(v, undefined, actor.correlationId),
        ]),
      ),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    const topic = new RecordingEventPublisher();
    await sweepOutbox(topic, [new CosmosOutbox(container, PLANT_MODELS_PARTITION_KEY)]);
    expect(topic.published.map((e) => (e.data as { version: string }).version)).toEqual([
      (await store.current())!.version,
    ]);
  });

  it('queues an approval in its run’s partition without touching the run, and the sweep publishes it once', async () => {
    const runs = await CosmosRunStore.create(client, 'outbox-runs', { createIfMissing: true });
    const runId = 'opt-L1-20250101T0600-advisory';
    const event = approvalEvent(
      { runId, lineId: 'L1', decision: 'reject', reason: 'keep', actor: 'erin', decidedAtMs: 1000 },
      'corr-1',
    );
    const pending = await runs.queueEvents(runId, [event]);
    expect(pending.map((q) => q.event)).toEqual([event]);
    expect(await runs.get(runId)).toBeUndefined();
    const topic = new RecordingEventPublisher();
    const source = new CosmosOutbox(
      await openContainer(client, 'outbox-runs', 'optimization-runs', '/runId', true),
      '/runId',
    );
    expect(await sweepOutbox(topic, [source])).toMatchObject({ published: 1 });
    expect(await sweepOutbox(topic, [source])).toMatchObject({ published: 0 });
    expect(topic.published).toEqual([event]);
  });

  it('reports a store it cannot reach as unavailable (503), having written nothing', async () => {
    const down = await startCosmos();
    const container = await openContainer(
      cosmosClient({ COSMOS_ENDPOINT: down.endpoint, COSMOS_KEY: down.key }),
      'outbox-down',
      'pde-models',
      '/modelId',
      true,
    );
    const outbox = new CosmosOutbox(container, '/modelId');
    await down.stop();
    const event = cloudEvent('smelter.model.changed', 'pde-001', { change: 'created' }, { id: 'k', source: '/test' });
    const err = await outbox.write('pde-001', [], [event]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutboxWriteError);
    expect(err).toMatchObject({ kind: 'unavailable', code: 'ERR-COSMOS-BATCH' });
  });
});
