import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCosmos, type CosmosHandle } from '../../local/emulators/cosmos.js';
import { changeIdOf, ReadbackUnavailableError, type SetpointChangeDoc } from '../scada/readback.js';
import { cosmosClient } from './clients.js';
import { CosmosReadbackStore } from './cosmos-readback-store.js';

const T0 = Date.UTC(2025, 0, 1, 8);
let cosmos: CosmosHandle;
let store: CosmosReadbackStore;
const client = () => cosmosClient({ COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: cosmos.key });

beforeAll(async () => {
  cosmos = await startCosmos();
  store = await CosmosReadbackStore.create(client(), 'smelter', { createIfMissing: true });
});
afterAll(async () => {
  await cosmos?.stop();
});

const change = (equipmentId: string, atMs: number, to: number): SetpointChangeDoc => ({
  id: changeIdOf(equipmentId, 'acdCm', atMs, to),
  kind: 'setpoint-change',
  equipmentId,
  lineId: equipmentId.split('-')[0]!,
  field: 'acdCm',
  from: 2.9,
  to,
  atMs,
  observedAtMs: atMs + 100,
  origin: 'external',
  moveAbs: Math.abs(to - 2.9),
});

describe('set-point read-back on the local Cosmos server', () => {
  it('merges reports field by field, keeping the newer of each', async () => {
    await store.saveLatest({
      id: 'L1-C001',
      kind: 'readback',
      equipmentId: 'L1-C001',
      lineId: 'L1',
      fields: { acdCm: { value: 2.9, tsMs: T0 }, feedIntervalS: { value: 120, tsMs: T0 } },
      updatedAtMs: T0,
    });
    await store.saveLatest({
      id: 'L1-C001',
      kind: 'readback',
      equipmentId: 'L1-C001',
      lineId: 'L1',
      fields: { acdCm: { value: 3.0, tsMs: T0 + 10_000 }, feedIntervalS: { value: 999, tsMs: T0 - 1 } },
      updatedAtMs: T0 + 10_000,
    });
    expect((await store.latest('L1-C001'))?.fields).toEqual({
      acdCm: { value: 3.0, tsMs: T0 + 10_000 },
      feedIntervalS: { value: 120, tsMs: T0 },
    });
    expect(await store.latest('L1-C404')).toBeUndefined();
    expect((await store.latestForLine('L1')).map((d) => d.equipmentId)).toEqual(['L1-C001']);
  });

  it('keeps the recent changes in the equipment’s document, united by id, without those older than the retention', async () => {
    const old = change('L3-C001', T0 - 3 * 3_600_000, 3.0);
    const fresh = change('L3-C001', T0 - 60_000, 3.1);
    await store.saveLatest({
      id: 'L3-C001',
      kind: 'readback',
      equipmentId: 'L3-C001',
      lineId: 'L3',
      fields: { acdCm: { value: 3.0, tsMs: T0 - 3 * 3_600_000 } },
      recent: [old],
      updatedAtMs: T0 - 3 * 3_600_000,
    });
    // A second writer instance, which has not seen the document: it reads and merges on the conflict.
    const other = await CosmosReadbackStore.create(client(), 'smelter', { createIfMissing: false });
    await other.saveLatest({
      id: 'L3-C001',
      kind: 'readback',
      equipmentId: 'L3-C001',
      lineId: 'L3',
      fields: { acdCm: { value: 3.1, tsMs: T0 - 60_000 } },
      recent: [fresh],
      updatedAtMs: T0,
    });
    await store.saveLatest({
      id: 'L3-C001',
      kind: 'readback',
      equipmentId: 'L3-C001',
      lineId: 'L3',
      fields: {},
      recent: [fresh],
      updatedAtMs: T0,
    });
    const doc = await store.latest('L3-C001');
    expect(doc?.recent.map((c) => c.id)).toEqual([fresh.id]);
    expect(doc?.fields.acdCm).toEqual({ value: 3.1, tsMs: T0 - 60_000 });
  });

  it('stores each change once and finds an equipment’s changes in time order', async () => {
    const late = change('L2-C001', T0 + 2000, 3.4);
    const early = change('L2-C001', T0 + 1000, 3.3);
    expect(await store.recordChange(late)).toBe(true);
    expect(await store.recordChange(early)).toBe(true);
    expect(await store.recordChange(late)).toBe(false);
    expect(await store.hasChange('L2-C001', late.id)).toBe(true);
    expect(await store.hasChange('L2-C001', 'chg:none')).toBe(false);
    expect((await store.changesSince('L2-C001', T0)).map((c) => c.to)).toEqual([3.3, 3.4]);
    expect((await store.changesSince('L2-C001', T0 + 1500)).map((c) => c.to)).toEqual([3.4]);
  });

  it('fails every read, never answering "never reported", when its container is gone', async () => {
    const doomed = await CosmosReadbackStore.create(client(), 'doomed-readback', { createIfMissing: true });
    await doomed.saveLatest({
      id: 'L1-C001',
      kind: 'readback',
      equipmentId: 'L1-C001',
      lineId: 'L1',
      fields: { acdCm: { value: 2.9, tsMs: T0 } },
      updatedAtMs: T0,
    });
    await client().database('doomed-readback').container('scada-readback').delete();
    await expect(doomed.latest('L1-C001')).rejects.toBeInstanceOf(ReadbackUnavailableError);
    await expect(doomed.changesSince('L1-C001', 0)).rejects.toBeInstanceOf(ReadbackUnavailableError);
    await expect(doomed.latest('L1-C404')).rejects.toBeInstanceOf(ReadbackUnavailableError);
    await expect(doomed.hasChange('L1-C001', 'chg:x')).rejects.toBeInstanceOf(ReadbackUnavailableError);
    await expect(doomed.latestForLine('L1')).rejects.toBeInstanceOf(ReadbackUnavailableError);
  });

  it('fails a read of a document that does not parse, naming the equipment', async () => {
    await client()
      .database('smelter')
      .container('scada-readback')
      .items.create({
        id: 'L9-C001',
        kind: 'readback',
        equipmentId: 'L9-C001',
        lineId: 'L9',
        fields: { acdCm: { value: 'high' } },
      });
    await expect(store.latest('L9-C001')).rejects.toThrow(/L9-C001 is unreadable/);
  });
});
