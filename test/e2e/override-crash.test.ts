import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCosmos, type CosmosHandle } from '../../local/emulators/cosmos.js';
import { MemoryAuditLog } from '../../shared/kernel/audit-log.js';
import { cosmosClient } from '../../shared/azure/clients.js';
import { CosmosOverrideStore } from '../../shared/azure/cosmos-scada-stores.js';
import { RecordingEventPublisher } from '../../shared/messaging/event-publisher.js';
import { MemoryCommandRepository } from '../../shared/scada/command-repository.js';
import { ScadaDispatcher } from '../../shared/scada/dispatcher.js';
import { TEST_PLANT } from '../../shared/plant/test-plant.js';
import { limitsFromPlant } from '../../shared/scada/equipment-limits.js';
import { setpointRecommendedEvent } from '../../shared/scada/events.js';
import { RecordingGateway } from '../../shared/scada/gateway.js';
import { manualOverridesFor } from '../../shared/scada/override.js';
import { requestManual } from '../../shared/scada/override-service.js';
import { MemoryReadbackStore } from '../../shared/scada/readback.js';
import { MemoryHotStateStore } from '../../shared/telemetry/hot-state.js';

/**
 * A cell put in manual, then the local Cosmos server killed (SIGKILL) and started again on its data, as `npm start`
 * does after a crash: the override is still listed and enforced. It was lost before, and read as "not in manual".
 */
const servers: CosmosHandle[] = [];
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'override-crash-'));
afterAll(async () => {
  for (const s of servers) await s.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function overridesOn(server: CosmosHandle): Promise<CosmosOverrideStore> {
  return CosmosOverrideStore.create(
    cosmosClient({ COSMOS_ENDPOINT: server.endpoint, COSMOS_KEY: server.key }),
    'smelter',
    { createIfMissing: true },
  );
}

describe('a manual override across a crash of the local Cosmos server', () => {
  it('is still listed and still refuses set points after SIGKILL and restart', async () => {
    const first = await startCosmos({ dataDir });
    servers.push(first);
    await requestManual(
      { overrides: await overridesOn(first), publisher: new RecordingEventPublisher(), audit: new MemoryAuditLog() },
      { kind: 'cell', cellId: 'L1-C005' },
      'anode change',
      { subject: 'op-7', clientId: 'console', correlationId: 'r1' },
      Date.now(),
    );
    await first.kill();

    const second = await startCosmos({ dataDir });
    servers.push(second);
    const overrides = await overridesOn(second);
    expect((await overrides.listManual({ limit: 10 })).items.map((o) => o.scopeKey)).toEqual(['cell:L1-C005']);
    expect((await manualOverridesFor(overrides, 'L1-C005')).map((o) => o.requestedBy)).toEqual(['op-7']);

    const nowMs = Date.now();
    const hotState = new MemoryHotStateStore();
    hotState.docs.set('L1-C005', {
      id: 'L1-C005',
      cellId: 'L1-C005',
      lineId: 'L1',
      tags: { cellVoltage: { value: 4.4, unit: 'V', ts: nowMs, quality: 'good', flags: [] } },
      updatedAtMs: nowMs,
    });
    const readback = new MemoryReadbackStore();
    await readback.saveLatest({
      id: 'L1-C005',
      kind: 'readback',
      equipmentId: 'L1-C005',
      lineId: 'L1',
      fields: { acdCm: { value: 2.9, tsMs: nowMs } },
      updatedAtMs: nowMs,
    });
    const gateway = new RecordingGateway();
    const dispatcher = new ScadaDispatcher({
      commands: new MemoryCommandRepository(),
      overrides,
      hotState,
      readback,
      gateway,
      publisher: new RecordingEventPublisher(),
      limitsFor: limitsFromPlant({ current: async () => TEST_PLANT }),
      policy: { maxAttempts: 1, ackTimeoutMs: 50, backoffMs: 0 },
      clock: () => nowMs,
      sleep: async () => {},
    });
    const report = await dispatcher.handle(
      setpointRecommendedEvent(
        {
          recommendationId: 'run-after-crash',
          lineId: 'L1',
          setPoints: [{ equipmentId: 'L1-C005', setPoint: { acdCm: 3.0 } }],
        },
        { source: '/test' },
      ),
    );
    expect(report).toMatchObject({ commands: [{ state: 'rejected', violations: [{ rule: 'interlock-manual' }] }] });
    expect(gateway.sent).toHaveLength(0);
  });
});
