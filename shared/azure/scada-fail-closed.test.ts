import type { CosmosClient } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCosmos, type CosmosHandle } from '../../local/emulators/cosmos.js';
import { defaultEventPolicies, raiseRequestFromEvent } from '../alerts/plant-events.js';
import { RecordingEventPublisher } from '../messaging/event-publisher.js';
import { TEST_PLANT } from '../plant/test-plant.js';
import { commandIdFor } from '../scada/command.js';
import { CommandStoreUnavailableError } from '../scada/command-repository.js';
import { ScadaDispatcher } from '../scada/dispatcher.js';
import { limitsFromPlant } from '../scada/equipment-limits.js';
import { setpointRecommendedEvent } from '../scada/events.js';
import { RecordingGateway } from '../scada/gateway.js';
import { cosmosClient } from './clients.js';
import { CosmosHotStateStore } from './cosmos-hot-state.js';
import { CosmosReadbackStore } from './cosmos-readback-store.js';
import { CosmosCommandRepository, CosmosOverrideStore } from './cosmos-scada-stores.js';

/**
 * Every read the safety envelope depends on, against the real Cosmos stores, with the container deleted and with the
 * server down: nothing reaches the plant, the refusal names the read, and the interlock alert is raised.
 */
const CELL = 'L1-C001';
let cosmos: CosmosHandle;
let client: CosmosClient;
let clock = Date.UTC(2025, 0, 1, 8);

beforeAll(async () => {
  cosmos = await startCosmos();
  client = cosmosClient({ COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: cosmos.key });
});
afterAll(async () => {
  await cosmos?.stop();
});

/** A dispatcher on the Cosmos stores of database `db`, its cell reporting and watched, one command already applied. */
async function plantOn(db: string, c: CosmosClient = client) {
  const opts = { createIfMissing: true };
  const [commands, overrides, readback, hotState] = await Promise.all([
    CosmosCommandRepository.create(c, db, opts),
    CosmosOverrideStore.create(c, db, opts),
    CosmosReadbackStore.create(c, db, opts),
    CosmosHotStateStore.create(c, db, opts),
  ]);
  const gateway = new RecordingGateway();
  const publisher = new RecordingEventPublisher();
  const dispatcher = new ScadaDispatcher({
    commands,
    overrides,
    hotState,
    readback,
    gateway,
    publisher,
    limitsFor: limitsFromPlant({ current: async () => TEST_PLANT }),
    policy: { maxAttempts: 1, ackTimeoutMs: 50, backoffMs: 0 },
    clock: () => clock,
    sleep: async () => undefined,
  });
  const report = async () => {
    await readback.saveLatest({
      id: CELL,
      kind: 'readback',
      equipmentId: CELL,
      lineId: 'L1',
      fields: { acdCm: { value: 2.9, tsMs: clock } },
      updatedAtMs: clock,
    });
    await hotState.upsertCell({
      id: CELL,
      cellId: CELL,
      lineId: 'L1',
      tags: { cellVoltage: { value: 4.4, unit: 'V', ts: clock - 1000, quality: 'good', flags: [] } },
      updatedAtMs: clock,
    });
  };
  const recommend = (id: string) =>
    dispatcher.handle(
      setpointRecommendedEvent(
        {
          recommendationId: id,
          lineId: 'L1',
          setPoints: [{ equipmentId: CELL, setPoint: { acdCm: 2.95 }, present: { acdCm: 2.9 } }],
        },
        { source: '/test', time: new Date(clock) },
      ),
    );
  await report();
  expect(await recommend(`${db}-baseline`)).toMatchObject({ commands: [{ state: 'acknowledged' }] });
  clock += 60_000;
  await report();
  gateway.sent.length = 0;
  publisher.published.length = 0;
  return { dispatcher, gateway, publisher, recommend };
}

const alertsOf = (publisher: RecordingEventPublisher) =>
  publisher.published.filter((e) => e.type === 'smelter.interlock.unverifiable');

/** The alert the notifier raises from the event: critical, naming the cell, to operations and engineering. */
function expectCriticalAlert(publisher: RecordingEventPublisher, what: RegExp) {
  const alerts = alertsOf(publisher);
  expect(alerts).toHaveLength(1);
  expect(alerts[0]!.data).toMatchObject({ equipmentId: CELL, reason: expect.stringMatching(what) });
  expect(
    raiseRequestFromEvent(alerts[0]!, defaultEventPolicies({ operations: ['ops'], engineering: ['eng'] })),
  ).toMatchObject({
    severity: 'critical',
    cellId: CELL,
  });
}

describe('the envelope fails closed on every read it depends on (local Cosmos server)', () => {
  it.each([
    ['scada-readback', /read-back/],
    ['scada-overrides', /manual overrides/],
    ['cell-state', /hot state/],
  ])('refuses and alerts when the %s container is deleted', async (container, what) => {
    const db = `gone-${container}`;
    const p = await plantOn(db);
    await client.database(db).container(container).delete();
    const out = await p.recommend(`${db}-after`);
    expect(out).toMatchObject({
      commands: [
        {
          state: 'rejected',
          violations: expect.arrayContaining([expect.objectContaining({ rule: 'interlock-unverifiable' })]),
        },
      ],
    });
    if (out.kind !== 'recommendation') throw new Error('not a recommendation');
    expect(out.commands[0]!.violations.map((v) => v.message).join(' ')).toMatch(what);
    expect(p.gateway.sent).toHaveLength(0);
    expectCriticalAlert(p.publisher, what);
  });

  it('sends nothing and alerts when the command history container is deleted: the command is never taken for new', async () => {
    const db = 'gone-scada-commands';
    const p = await plantOn(db);
    await client.database(db).container('scada-commands').delete();
    await expect(p.recommend(`${db}-baseline`)).rejects.toBeInstanceOf(CommandStoreUnavailableError);
    await expect(p.recommend(`${db}-after`)).rejects.toMatchObject({ code: 'ERR-SCADA-COMMANDS-UNAVAILABLE' });
    expect(p.gateway.sent).toHaveLength(0);
    expect(alertsOf(p.publisher).map((e) => (e.data as { commandId: string }).commandId)).toEqual([
      commandIdFor(`${db}-baseline`, CELL, 'setpoint'),
      commandIdFor(`${db}-after`, CELL, 'setpoint'),
    ]);
    expect(alertsOf(p.publisher)[0]!.data).toMatchObject({ reason: expect.stringMatching(/command history/) });
  });

  it('sends nothing and alerts while the server is down', async () => {
    const own = await startCosmos();
    try {
      const c = cosmosClient({ COSMOS_ENDPOINT: own.endpoint, COSMOS_KEY: own.key });
      const p = await plantOn('down', c);
      await own.kill();
      await expect(p.recommend('down-during')).rejects.toMatchObject({ code: 'ERR-SCADA-COMMANDS-UNAVAILABLE' });
      expect(p.gateway.sent).toHaveLength(0);
      expect(alertsOf(p.publisher)).toHaveLength(1);
    } finally {
      await own.stop();
    }
  });
});
