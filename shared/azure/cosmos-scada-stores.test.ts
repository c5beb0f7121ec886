import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCosmos, type CosmosHandle } from '../../local/emulators/cosmos.js';
import { MemoryAuditLog } from '../kernel/audit-log.js';
import { RecordingEventPublisher } from '../messaging/event-publisher.js';
import { commandIdFor, proposedCommand, transition } from '../scada/command.js';
import { CommandConflictError } from '../scada/command-repository.js';
import { manualOverridesFor, OverrideConflictError } from '../scada/override.js';
import { releaseManual, requestManual } from '../scada/override-service.js';
import { cosmosClient } from './clients.js';
import { CosmosCommandRepository, CosmosOverrideStore } from './cosmos-scada-stores.js';

const T0 = Date.UTC(2025, 0, 1);
let cosmos: CosmosHandle;
let commands: CosmosCommandRepository;
let overrides: CosmosOverrideStore;

beforeAll(async () => {
  cosmos = await startCosmos();
  const client = cosmosClient({ COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: cosmos.key });
  commands = await CosmosCommandRepository.create(client, 'smelter', { createIfMissing: true });
  overrides = await CosmosOverrideStore.create(client, 'smelter', { createIfMissing: true });
});
afterAll(async () => {
  await cosmos?.stop();
});

describe('SCADA stores on the local Cosmos server', () => {
  it('keeps one command document per id: a redelivered create is refused, a stale update conflicts, recent ones are found by equipment', async () => {
    const doc = proposedCommand(
      {
        commandId: commandIdFor('run-1', 'L1-C001', 'setpoint'),
        recommendationId: 'run-1',
        sourceEventId: 'e1',
        correlationId: 'run-1',
        equipmentId: 'L1-C001',
        lineId: 'L1',
        action: 'setpoint',
        setPoint: { acdCm: 3 },
        reportedPresent: { acdCm: 2.9 },
      },
      T0,
    );
    expect(await commands.create(doc)).toBe(true);
    expect(await commands.create(doc)).toBe(false);
    const approved = transition(doc, 'approved', T0 + 5, { deltas: { acdCm: 0.1 } });
    await commands.update(approved);
    await expect(commands.update(approved)).rejects.toBeInstanceOf(CommandConflictError);
    expect(await commands.get(doc.commandId)).toEqual(approved);
    expect((await commands.recentForEquipment('L1-C001', T0)).map((d) => d.commandId)).toEqual([doc.commandId]);
    expect(await commands.recentForEquipment('L1-C001', T0 + 10)).toEqual([]);
    expect(await commands.recentForEquipment('L1-C002', 0)).toEqual([]);
  });

  it('stores overrides by scope with version checks', async () => {
    const pub = new RecordingEventPublisher();
    await requestManual(
      { overrides, publisher: pub, audit: new MemoryAuditLog() },
      { kind: 'line', lineId: 'L3' },
      'busbar work',
      { subject: 'op-1', clientId: 'console', correlationId: 'r1' },
      T0,
    );
    expect((await manualOverridesFor(overrides, 'L3-C010')).map((o) => o.scopeKey)).toEqual(['line:L3']);
    const stale = (await overrides.get('line:L3'))!;
    await releaseManual(
      { overrides, publisher: pub, audit: new MemoryAuditLog() },
      { kind: 'line', lineId: 'L3' },
      'done',
      { subject: 'mgr-1', clientId: 'console', correlationId: 'r2' },
      T0 + 1,
    );
    await expect(overrides.put({ ...stale, version: 2 }, 1)).rejects.toBeInstanceOf(OverrideConflictError);
    expect(await manualOverridesFor(overrides, 'L3-C010')).toEqual([]);
  });

  it('fails a read of the overrides when their container is gone (a restarted empty server), never reading "not in manual"', async () => {
    const client = cosmosClient({ COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: cosmos.key });
    const store = await CosmosOverrideStore.create(client, 'doomed', { createIfMissing: true });
    await requestManual(
      { overrides: store, publisher: new RecordingEventPublisher(), audit: new MemoryAuditLog() },
      { kind: 'cell', cellId: 'L1-C007' },
      'anode change',
      { subject: 'op-1', clientId: 'console', correlationId: 'r3' },
      T0,
    );
    expect((await manualOverridesFor(store, 'L1-C007')).map((o) => o.scopeKey)).toEqual(['cell:L1-C007']);
    await client.database('doomed').container('scada-overrides').delete();
    await expect(manualOverridesFor(store, 'L1-C007')).rejects.toThrow(/overrides/);
    await expect(store.get('cell:L1-C999')).rejects.toThrow(/overrides/);
  });
});
