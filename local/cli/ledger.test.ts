import { BlobServiceClient } from '@azure/storage-blob';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobLakeStore } from '../../shared/azure/blob-lake-store.js';
import { entryIdFor } from '../../shared/ledger/entry.js';
import { recordPlantEvent } from '../../shared/ledger/ledger-writer.js';
import { LocalAuditLedger } from '../../shared/ledger/local-ledger.js';
import { LEDGER_CONTAINER, ledgerPaths } from '../../shared/ledger/paths.js';
import { cloudEvent } from '../../shared/messaging/cloud-event.js';
import { startAzurite, type AzuriteHandle } from '../emulators/azurite.js';

let azurite: AzuriteHandle;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ledger-cli-'));
  azurite = await startAzurite(dir);
});
afterAll(async () => {
  await azurite?.stop();
  await rm(dir, { recursive: true, force: true });
});

function verifyCli(...args: string[]) {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'local/cli/ledger.ts', 'verify', '--collection', 'plant-cli', ...args],
    { env: { ...process.env, LakeConnection: azurite.connectionString }, encoding: 'utf8' },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run ledger -- verify', () => {
  it('proves the chain in blob storage, then names the entry someone edited', async () => {
    const lake = await BlobLakeStore.create(BlobServiceClient.fromConnectionString(azurite.connectionString), [
      LEDGER_CONTAINER,
    ]);
    const ledger = await LocalAuditLedger.open(lake, { collectionId: 'plant-cli' });
    const events = [1, 2, 3, 4].map((i) =>
      cloudEvent(
        'smelter.override.changed',
        `L1-C00${i}`,
        { cellId: `L1-C00${i}`, mode: 'manual' },
        { id: `ovr-${i}`, source: '/api/overrides', time: `2025-03-01T10:0${i}:00Z` },
      ),
    );
    for (const e of events) await recordPlantEvent(e, { ledger, lake, collectionId: 'plant-cli' });

    const intact = verifyCli();
    expect(intact.code).toBe(0);
    expect(JSON.parse(intact.stdout).local).toMatchObject({ ok: true, checkedEntries: 4, checkedReceipts: 4 });

    const path3 = ledgerPaths.entry('plant-cli', 3);
    const record = JSON.parse(Buffer.from((await lake.get(LEDGER_CONTAINER, path3))!).toString('utf8'));
    record.entry.summary.mode = 'automatic';
    await lake.put(LEDGER_CONTAINER, path3, Buffer.from(JSON.stringify(record)));

    const tampered = verifyCli();
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain(`entry 3 (${entryIdFor(events[2]!.id)}) is broken: entryHash`);
    expect(verifyCli('--from', '4').code).toBe(0);
    expect(verifyCli('--from', 'x').code).toBe(2);
  });

  it('reports a gap, not "intact", when an archived plant event destined for the ledger has no entry', async () => {
    const lake = await BlobLakeStore.create(BlobServiceClient.fromConnectionString(azurite.connectionString), [
      LEDGER_CONTAINER,
    ]);
    const collectionId = 'plant-gap';
    const ledger = await LocalAuditLedger.open(lake, { collectionId });
    const event = (i: number) =>
      cloudEvent(
        'smelter.command.acknowledged',
        `L2-C00${i}`,
        { commandId: `c${i}`, state: 'acknowledged' },
        {
          id: `cmd-${i}#3`,
          source: '/scada/dispatcher',
          time: `2025-03-02T10:0${i}:00Z`,
        },
      );
    await recordPlantEvent(event(1), { ledger, lake, collectionId });
    // A writer that archived the payload and died before the append (its message was completed all the same).
    const lost = event(2);
    const payloadPath = ledgerPaths.payload(collectionId, '2025-03-02', entryIdFor(lost.id));
    await lake.put(LEDGER_CONTAINER, payloadPath, Buffer.from(JSON.stringify(lost)));
    await recordPlantEvent(event(3), { ledger, lake, collectionId });

    const result = verifyCli('--collection', collectionId);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).local).toMatchObject({ ok: true, checkedEntries: 2 });
    expect(JSON.parse(result.stdout).archived).toEqual({
      checkedPayloads: 3,
      gaps: [{ entryId: entryIdFor(lost.id), payloadPath }],
    });
    expect(result.stderr).toContain(`1 archived plant event(s) have no ledger entry, first ${entryIdFor(lost.id)}`);

    // The redelivered message appends it: the ledger is whole again.
    await recordPlantEvent(lost, { ledger, lake, collectionId });
    expect(verifyCli('--collection', collectionId).code).toBe(0);
  });
});
