/**
 * The local ledger commits the appends that arrive together as one group: a few storage round trips per group
 * instead of five per entry in turn. A group whose writes fail part-way must leave no gap, no second entry for a
 * redelivered event, and no record that does not chain.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryLakeStore, type PutOptions } from '../lake/lake-store.js';
import { entryIdFor, LEDGER_ENTRY_SCHEMA, parseLedgerEntry, type LedgerEntry } from './entry.js';
import { LocalAuditLedger } from './local-ledger.js';
import { sha256 } from './merkle.js';
import { LEDGER_CONTAINER, ledgerPaths } from './paths.js';
import { verifyLocalLedger } from './verify-ledger.js';

const PLANT = 'plant-01';
const nodePrivateKey = createPrivateKey(readFileSync(new URL('./fixtures/node-key.pem', import.meta.url), 'utf8'));

/** A memory lake whose calls take a turn of the event loop, that counts writes and can refuse chosen ones once. */
class ObservedLake extends MemoryLakeStore {
  inFlight = 0;
  maxInFlight = 0;
  readonly puts: string[] = [];
  refuseOnce: ((path: string) => boolean) | undefined;

  override async put(container: string, path: string, body: Uint8Array, opts?: PutOptions): Promise<void> {
    this.puts.push(path);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((r) => setImmediate(r));
      if (this.refuseOnce?.(path)) {
        this.refuseOnce = undefined;
        throw new Error(`storage refused ${path}`);
      }
      return await super.put(container, path, body, opts);
    } finally {
      this.inFlight--;
    }
  }

  override async get(container: string, path: string): Promise<Uint8Array | undefined> {
    await new Promise((r) => setImmediate(r));
    return super.get(container, path);
  }
}

const payloadOf = (i: number) => Buffer.from(JSON.stringify({ cellId: `L1-C${String(i).padStart(3, '0')}`, i }));
const payloadPath = (i: number) => `audit/payloads/${PLANT}/date=2025-03-01/${i}.json`;

/** The payloads the entries point at (the ledger writer puts each before its entry; verify reads them). */
async function withPayloads(lake: ObservedLake, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) await lake.put(LEDGER_CONTAINER, payloadPath(i), payloadOf(i));
  lake.puts.length = 0;
  lake.maxInFlight = 0;
}

function entry(i: number): LedgerEntry {
  const eventId = `run-9/${i}`;
  return parseLedgerEntry({
    schema: LEDGER_ENTRY_SCHEMA,
    entryId: entryIdFor(eventId),
    collectionId: PLANT,
    eventId,
    eventType: 'smelter.setpoint.recommended',
    source: '/functions/optimizationRun',
    subject: `L1-C${String(i).padStart(3, '0')}`,
    occurredAt: new Date(Date.UTC(2025, 2, 1, 11, 0, i)).toISOString(),
    payloadDigest: sha256(payloadOf(i)).toString('hex'),
    payloadRef: { container: LEDGER_CONTAINER, path: payloadPath(i), bytes: payloadOf(i).byteLength },
  });
}

/** A clock that moves on a second per reading, so a record written again differs from the one before. */
function tickingClock() {
  let t = Date.UTC(2025, 2, 1, 12);
  return () => new Date((t += 1000));
}

async function open(lake: ObservedLake) {
  return LocalAuditLedger.open(lake, { collectionId: PLANT, nodePrivateKey, now: tickingClock() });
}

describe('local audit ledger, appends committed in groups', () => {
  it('writes the head once per group, not once per entry, for appends that arrive together', async () => {
    const lake = new ObservedLake();
    const ledger = await open(lake);
    await withPayloads(lake, 40);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => ledger.append(entry(i + 1))));
    expect(new Set(results.map((r) => r.transactionId)).size).toBe(40);
    expect(results.every((r) => !r.duplicate)).toBe(true);
    // The first append starts a group alone; the other 39 arrive while it is written and make the second.
    expect(lake.puts.filter((p) => p === ledgerPaths.head(PLANT))).toHaveLength(2);
    expect(lake.maxInFlight).toBeGreaterThanOrEqual(39);
    expect(ledger.length).toBe(40);
    expect(await verifyLocalLedger(lake, { collectionId: PLANT })).toMatchObject({ ok: true, checkedEntries: 40 });
  });

  it('answers a second delivery in the same group as a duplicate of the first', async () => {
    const lake = new ObservedLake();
    const ledger = await open(lake);
    await withPayloads(lake, 2);
    const [a, b, c] = await Promise.all([ledger.append(entry(1)), ledger.append(entry(2)), ledger.append(entry(2))]);
    expect([a!.duplicate, b!.duplicate, c!.duplicate]).toEqual([false, false, true]);
    expect(c!.transactionId).toBe(b!.transactionId);
    expect(ledger.length).toBe(2);
  });

  it('takes a group whose head write failed into the chain once, so its redeliveries are duplicates', async () => {
    const lake = new ObservedLake();
    const ledger = await open(lake);
    await withPayloads(lake, 5);
    await ledger.append(entry(1));
    lake.refuseOnce = (p) => p === ledgerPaths.head(PLANT);
    const failed = await Promise.allSettled([2, 3, 4].map((i) => ledger.append(entry(i))));
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect((failed[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'ERR-LEDGER-STORAGE' });
    const again = await Promise.all([2, 3, 4, 5].map((i) => ledger.append(entry(i))));
    expect(again.map((r) => r.duplicate)).toEqual([true, true, true, false]);
    expect(again.map((r) => r.transactionId)).toEqual(['1.2', '1.3', '1.4', '1.5']);
    expect(await verifyLocalLedger(lake, { collectionId: PLANT })).toMatchObject({ ok: true, checkedEntries: 5 });
  });

  it('takes a group whose index write failed into the chain once, the missing index written again', async () => {
    const lake = new ObservedLake();
    const ledger = await open(lake);
    await withPayloads(lake, 3);
    lake.refuseOnce = (p) => p === ledgerPaths.entryIndex(PLANT, entry(2).entryId);
    const failed = await Promise.allSettled([1, 2, 3].map((i) => ledger.append(entry(i))));
    // Entry 1 was a group of its own; 2 and 3 shared the group whose index write failed.
    expect(failed.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    const again = await Promise.all([2, 3].map((i) => ledger.append(entry(i))));
    expect(again.map((r) => [r.duplicate, r.transactionId])).toEqual([
      [true, '1.2'],
      [true, '1.3'],
    ]);
    expect(ledger.length).toBe(3);
    expect(await verifyLocalLedger(lake, { collectionId: PLANT })).toMatchObject({ ok: true, checkedEntries: 3 });
  });

  it('never takes a record left behind a gap into the chain, after a restart either', async () => {
    const lake = new ObservedLake();
    const ledger = await open(lake);
    await withPayloads(lake, 4);
    await ledger.append(entry(1));
    // A group of 2, 3, 4 whose record 3 is refused: records 2 and 4 are written, 4 behind a gap.
    lake.refuseOnce = (p) => p === ledgerPaths.entry(PLANT, 3);
    await Promise.allSettled([2, 3, 4].map((i) => ledger.append(entry(i))));
    // Redelivered one by one: 2 is rolled forward; 3 is new at seqNo 3, so the old record 4 no longer chains.
    expect((await ledger.append(entry(2))).duplicate).toBe(true);
    expect((await ledger.append(entry(3))).transactionId).toBe('1.3');
    // A restart before 4 comes back must not take the stale record 4 into the chain.
    const reopened = await open(lake);
    expect(reopened.length).toBe(3);
    expect(await reopened.append(entry(4))).toMatchObject({ duplicate: false, transactionId: '1.4' });
    expect(await verifyLocalLedger(lake, { collectionId: PLANT })).toMatchObject({ ok: true, checkedEntries: 4 });
  });
});
