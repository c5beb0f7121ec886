import type { ConfidentialLedgerClient } from '@azure-rest/confidential-ledger';
import { describe, expect, it } from 'vitest';
import { MemoryLakeStore } from '../lake/lake-store.js';
import { confidentialLedgerPaths } from '../ledger/confidential-store.js';
import { entryForEvent } from '../ledger/ledger-writer.js';
import { LEDGER_CONTAINER } from '../ledger/paths.js';
import { confidentialLedgerReceipt, otherServiceCertPem, serviceCertPem } from '../ledger/test-support.js';
import { cloudEvent } from '../messaging/cloud-event.js';
import { APPEND_CLAIM_MS, ConfidentialLedgerAudit } from './confidential-ledger.js';

const PLANT = 'plant-01';

/**
 * An in-memory stand-in for the Confidential Ledger service behind the REST client's `path()` API (the external
 * service, not our code): entries per collection, transactions that commit after `commitAfterPolls` status polls.
 */
function fakeService(options: { commitAfterPolls?: number; loseFirstPostResponse?: boolean } = {}) {
  const entries: { collectionId: string; contents: string; transactionId: string }[] = [];
  const polls = new Map<string, number>();
  let posts = 0;
  let lost = options.loseFirstPostResponse ?? false;
  const respond = (method: string, url: string, status: string, body: unknown, headers: Record<string, string> = {}) =>
    Promise.resolve({ status, body, headers, request: { method, url: `https://ledger.example${url}` } });
  const client = {
    path(path: string, txId?: string) {
      const url = txId ? path.replace('{transactionId}', txId) : path;
      return {
        get: (o?: { queryParameters?: { collectionId?: string; fromTransactionId?: string } }) => {
          if (path === '/app/transactions/current') {
            const last = entries.filter((e) => e.collectionId === o?.queryParameters?.collectionId).at(-1);
            return last
              ? respond('GET', url, '200', last)
              : respond('GET', url, '404', { error: { message: 'empty' } });
          }
          if (path === '/app/transactions') {
            const from = o?.queryParameters?.fromTransactionId;
            const list = entries.filter(
              (e) =>
                e.collectionId === o?.queryParameters?.collectionId &&
                (!from || Number(e.transactionId.split('.')[1]) >= Number(from.split('.')[1])),
            );
            return respond('GET', url, '200', { state: 'Ready', entries: list });
          }
          if (path.endsWith('/status')) {
            const n = (polls.get(txId!) ?? 0) + 1;
            polls.set(txId!, n);
            return respond('GET', url, '200', {
              state: n > (options.commitAfterPolls ?? 0) ? 'Committed' : 'Pending',
              transactionId: txId,
            });
          }
          if (path.endsWith('/receipt'))
            return respond('GET', url, '200', {
              state: 'Ready',
              transactionId: txId,
              receipt: confidentialLedgerReceipt(),
            });
          throw new Error(`unexpected GET ${path}`);
        },
        post: (o: { body: { contents: string }; queryParameters: { collectionId: string } }) => {
          posts++;
          const transactionId = `2.${entries.length + 10}`;
          entries.push({ collectionId: o.queryParameters.collectionId, contents: o.body.contents, transactionId });
          if (lost) {
            lost = false;
            return Promise.reject(new Error('socket hang up'));
          }
          return respond(
            'POST',
            url,
            '200',
            { collectionId: o.queryParameters.collectionId },
            { 'x-ms-ccf-transaction-id': transactionId },
          );
        },
      };
    },
    pathUnchecked() {
      throw new Error('no paging in the fake');
    },
  };
  return { client: client as unknown as ConfidentialLedgerClient, entries, posts: () => posts };
}

function entry(i: number) {
  const event = cloudEvent(
    'smelter.command.failed',
    'L1-C003',
    { commandId: `cmd-${i}` },
    { id: `cmd-${i}/failed`, source: '/functions/scada', time: '2025-03-01T10:00:00Z' },
  );
  return entryForEvent(event, PLANT, Buffer.from('{}'), { container: 'gold', path: `audit/payloads/${i}.json` });
}

const noWait = async () => {};

describe('Confidential Ledger adapter', () => {
  it('appends to the plant collection, waits for commit, verifies and keeps the receipt', async () => {
    const lake = new MemoryLakeStore();
    const svc = fakeService({ commitAfterPolls: 3 });
    const ledger = new ConfidentialLedgerAudit(svc.client, serviceCertPem, {
      collectionId: PLANT,
      lake,
      sleep: noWait,
    });
    const result = await ledger.append(entry(1));
    expect(result).toMatchObject({ transactionId: '2.10', duplicate: false });
    expect(svc.entries[0]!.collectionId).toBe(PLANT);
    expect(JSON.parse(svc.entries[0]!.contents).entryId).toBe(entry(1).entryId);
    expect((await ledger.receipt(entry(1).entryId))?.transactionId).toBe('2.10');
    const index = JSON.parse(
      Buffer.from((await lake.get(LEDGER_CONTAINER, confidentialLedgerPaths.index(PLANT, entry(1).entryId)))!).toString(
        'utf8',
      ),
    );
    expect(index).toMatchObject({ state: 'committed', transactionId: '2.10' });
  });

  it('never appends twice for a redelivered event, even when the first response was lost', async () => {
    const lake = new MemoryLakeStore();
    const svc = fakeService({ loseFirstPostResponse: true });
    const ledger = new ConfidentialLedgerAudit(svc.client, serviceCertPem, {
      collectionId: PLANT,
      lake,
      sleep: noWait,
    });
    await expect(ledger.append(entry(1))).rejects.toThrow(/socket hang up/);
    expect(await ledger.append(entry(1))).toMatchObject({ transactionId: '2.10', duplicate: true });
    expect(await ledger.append(entry(1))).toMatchObject({ transactionId: '2.10', duplicate: true });
    expect(svc.posts()).toBe(1);
  });

  it('gives up waiting for commit with a coded error, and resumes from the stored transaction id', async () => {
    const lake = new MemoryLakeStore();
    const svc = fakeService({ commitAfterPolls: 50 });
    const ledger = new ConfidentialLedgerAudit(svc.client, serviceCertPem, {
      collectionId: PLANT,
      lake,
      sleep: noWait,
      commitTimeoutMs: 1000,
      pollIntervalMs: 100,
    });
    await expect(ledger.append(entry(2))).rejects.toThrow(/ERR-LEDGER-COMMIT-TIMEOUT/);
    const patient = new ConfidentialLedgerAudit(svc.client, serviceCertPem, {
      collectionId: PLANT,
      lake,
      sleep: noWait,
      commitTimeoutMs: 10_000,
      pollIntervalMs: 100,
    });
    expect(await patient.append(entry(2))).toMatchObject({ duplicate: true, transactionId: '2.10' });
    expect(svc.posts()).toBe(1);
  });

  // Service Bus delivers a message again when its lock runs out, even while the first delivery still runs, and
  // another host may take it: two deliveries of one event append at the same time.
  it('appends once when two deliveries of the same event append at the same time on two hosts', async () => {
    const lake = new MemoryLakeStore();
    const svc = fakeService({ commitAfterPolls: 2 });
    const options = { collectionId: PLANT, lake, sleep: () => new Promise<void>((resolve) => setImmediate(resolve)) };
    const [a, b] = await Promise.all([
      new ConfidentialLedgerAudit(svc.client, serviceCertPem, options).append(entry(4)),
      new ConfidentialLedgerAudit(svc.client, serviceCertPem, options).append(entry(4)),
    ]);
    expect(svc.posts()).toBe(1);
    expect(a.transactionId).toBe(b.transactionId);
    expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
  });

  it('takes over an append claimed by a delivery that died before posting, once the claim has run out', async () => {
    const lake = new MemoryLakeStore();
    const svc = fakeService();
    let nowMs = Date.UTC(2025, 2, 1, 12);
    // What a host killed between claiming the entry and posting it leaves behind.
    await lake.put(
      LEDGER_CONTAINER,
      confidentialLedgerPaths.index(PLANT, entry(5).entryId),
      Buffer.from(JSON.stringify({ entryId: entry(5).entryId, state: 'appending', claimedAtMs: nowMs })),
    );
    const sleeps: number[] = [];
    const ledger = new ConfidentialLedgerAudit(svc.client, serviceCertPem, {
      collectionId: PLANT,
      lake,
      now: () => nowMs,
      sleep: async (ms) => void (sleeps.push(ms), (nowMs += ms)),
    });
    expect(await ledger.append(entry(5))).toMatchObject({ duplicate: false, transactionId: '2.10' });
    expect(svc.posts()).toBe(1);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(APPEND_CLAIM_MS);
  });

  it('refuses a receipt from a node the service identity did not endorse', async () => {
    const svc = fakeService();
    const ledger = new ConfidentialLedgerAudit(svc.client, otherServiceCertPem, {
      collectionId: PLANT,
      lake: new MemoryLakeStore(),
      sleep: noWait,
    });
    await expect(ledger.append(entry(3))).rejects.toThrow(/ERR-LEDGER-SIGNATURE/);
  });
});
