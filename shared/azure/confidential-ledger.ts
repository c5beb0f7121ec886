/**
 * The audit ledger on Azure Confidential Ledger (@azure-rest/confidential-ledger): one collection per plant, append,
 * wait for commit, keep the transaction id, fetch and verify the receipt, and keep receipt and index in the lake so
 * `npm run ledger -- verify` can prove them later. The TLS identity of a ledger is self-signed inside its enclave,
 * so the client pins the certificate the Confidential Ledger identity service publishes (package README,
 * "Authenticate the client"); the same certificate is the service identity that endorses receipt-signing nodes.
 */
import * as confidentialLedgerPackage from '@azure-rest/confidential-ledger';
import { getLedgerIdentity, isUnexpected, type ConfidentialLedgerClient } from '@azure-rest/confidential-ledger';
import type { TokenCredential } from '@azure/core-auth';
import { z } from 'zod';
import type { LakeStore } from '../lake/lake-store.js';
import type { AppendResult, AuditLedger } from '../ledger/audit-ledger.js';
import { canonicalJson } from '../ledger/canonical-json.js';
import { parseLedgerEntry, type LedgerEntry } from '../ledger/entry.js';
import { LedgerError } from '../ledger/errors.js';
import { LocalAuditLedger } from '../ledger/local-ledger.js';
import { LEDGER_CONTAINER } from '../ledger/paths.js';
import { TransactionReceipt, verifyReceipt } from '../ledger/receipt.js';
import { confidentialLedgerPaths, ConfidentialIndexRecord } from '../ledger/confidential-store.js';
import { azureCredential } from './clients.js';

// The package is CommonJS with `exports.default`: under Node ESM the default import is the exports object.
type CreateClient = (
  endpoint: string,
  identityCertificate: string,
  credential: TokenCredential,
) => ConfidentialLedgerClient;
const exported: unknown = confidentialLedgerPackage.default;
const createConfidentialLedgerClient = (
  typeof exported === 'function' ? exported : (exported as { default: CreateClient }).default
) as CreateClient;

/** Identity service of the public Azure cloud (package default; learn.microsoft.com, Confidential Ledger quickstarts). */
export const DEFAULT_IDENTITY_SERVICE_URL = 'https://identity.confidential-ledger.core.azure.com';

export const ConfidentialLedgerSettings = z.object({
  /** e.g. https://<ledger>.confidential-ledger.azure.com */
  CONFIDENTIAL_LEDGER_ENDPOINT: z.url(),
  /** The ledger name the identity service knows it by. */
  CONFIDENTIAL_LEDGER_ID: z.string().min(1),
  CONFIDENTIAL_LEDGER_IDENTITY_URL: z.url().default(DEFAULT_IDENTITY_SERVICE_URL),
});
export type ConfidentialLedgerSettings = z.infer<typeof ConfidentialLedgerSettings>;

export interface ConfidentialLedgerOptions {
  collectionId: string;
  /** Where receipts and the entry-id index are kept (the lake). */
  lake: LakeStore;
  container?: string;
  /** Longest wait for a write to commit, ms (commit normally takes well under a second; the lock is PT1M). */
  commitTimeoutMs?: number;
  /** Interval between status polls, ms. */
  pollIntervalMs?: number;
  /** Injectable wait, so the polling logic runs under a test clock. */
  sleep?: (ms: number) => Promise<void>;
  /** Epoch ms now (claims are timed by it); injectable with `sleep`. */
  now?: () => number;
}

/**
 * How long a delivery's claim on an entry keeps others from posting it, ms. Two deliveries of one event can run at
 * once (Service Bus delivers a message again when its lock runs out, maybe on another host); the first to claim the
 * entry posts it and the other waits for its transaction id. A claim older than this belongs to a delivery that died
 * before it posted (a post takes well under a second): the next delivery takes it over.
 */
export const APPEND_CLAIM_MS = 60_000;

/** Commit wait before giving up, ms: well inside the ledger subscription's one-minute lock (shared/messaging). */
const DEFAULT_COMMIT_TIMEOUT_MS = 30_000;
/** Status poll interval, ms (CCF commits in the order of 100 ms; polling faster only adds load). */
const DEFAULT_POLL_INTERVAL_MS = 250;

const json = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8');

/** Connects with DefaultAzureCredential after fetching the ledger's identity certificate from the identity service. */
export async function connectConfidentialLedger(
  settings: ConfidentialLedgerSettings,
  options: ConfidentialLedgerOptions,
  credential: TokenCredential = azureCredential(),
): Promise<ConfidentialLedgerAudit> {
  const { ledgerIdentityCertificate } = await getLedgerIdentity(
    settings.CONFIDENTIAL_LEDGER_ID,
    settings.CONFIDENTIAL_LEDGER_IDENTITY_URL,
  );
  const client = createConfidentialLedgerClient(
    settings.CONFIDENTIAL_LEDGER_ENDPOINT,
    ledgerIdentityCertificate,
    credential,
  );
  const container = options.container ?? LEDGER_CONTAINER;
  await options.lake.put(
    container,
    confidentialLedgerPaths.serviceIdentity(options.collectionId),
    Buffer.from(ledgerIdentityCertificate),
    { contentType: 'application/x-pem-file' },
  );
  return new ConfidentialLedgerAudit(client, ledgerIdentityCertificate, options);
}

export class ConfidentialLedgerAudit implements AuditLedger {
  private readonly container: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(
    private readonly client: ConfidentialLedgerClient,
    private readonly serviceCertificatePem: string,
    private readonly options: ConfidentialLedgerOptions,
  ) {
    this.container = options.container ?? LEDGER_CONTAINER;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  async append(input: LedgerEntry): Promise<AppendResult> {
    const entry = parseLedgerEntry(input);
    const c = this.options.collectionId;
    const indexPath = confidentialLedgerPaths.index(c, entry.entryId);
    for (;;) {
      const known = await this.readIndex(indexPath);
      if (known?.state === 'committed' && known.transactionId)
        return { entryId: entry.entryId, transactionId: known.transactionId, duplicate: true };
      // A previous delivery wrote (or may have written) the entry but did not finish: find it instead of writing again.
      const transactionId =
        known?.transactionId ?? (known ? await this.findWritten(entry.entryId, known.fromTransactionId) : undefined);
      if (transactionId) {
        await this.settle(entry, transactionId, indexPath);
        return { entryId: entry.entryId, transactionId, duplicate: true };
      }
      // Another delivery claimed the entry and may be posting it right now: wait for its transaction id.
      if (known && known.claimedAtMs !== undefined && this.now() < known.claimedAtMs + APPEND_CLAIM_MS) {
        await this.sleep(
          Math.min(
            this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
            known.claimedAtMs + APPEND_CLAIM_MS - this.now(),
          ),
        );
        continue;
      }
      const fromTransactionId = await this.currentTransactionId();
      const claim: ConfidentialIndexRecord = {
        entryId: entry.entryId,
        state: 'appending',
        claimedAtMs: this.now(),
        ...(fromTransactionId ? { fromTransactionId } : {}),
      };
      // Nobody has the entry: claim it create-only, so of two deliveries only one posts. A claim that ran out (its
      // delivery died before posting) is taken over by overwriting it.
      if (known) await this.writeIndex(indexPath, claim);
      else if (
        !(await this.options.lake.putIfAbsent(this.container, indexPath, json(claim), {
          contentType: 'application/json',
        }))
      )
        continue;
      return this.post(entry, indexPath, fromTransactionId);
    }
  }

  /** Posts the entry this delivery claimed, records its transaction id, waits for commit and keeps the receipt. */
  private async post(
    entry: LedgerEntry,
    indexPath: string,
    fromTransactionId: string | undefined,
  ): Promise<AppendResult> {
    const c = this.options.collectionId;
    const posted = await this.client.path('/app/transactions').post({
      contentType: 'application/json',
      body: { contents: canonicalJson(entry) },
      queryParameters: { collectionId: c },
    });
    if (isUnexpected(posted)) throw this.serviceError('append', posted.status, posted.body);
    const txId = posted.headers['x-ms-ccf-transaction-id'];
    if (!txId)
      throw new LedgerError(
        'ERR-LEDGER-SERVICE',
        'the ledger accepted the entry but returned no x-ms-ccf-transaction-id; the redelivery will look it up',
        'x-ms-ccf-transaction-id',
      );
    await this.writeIndex(indexPath, {
      entryId: entry.entryId,
      state: 'pending',
      transactionId: txId,
      ...(fromTransactionId ? { fromTransactionId } : {}),
    });
    await this.settle(entry, txId, indexPath);
    return { entryId: entry.entryId, transactionId: txId, duplicate: false };
  }

  async receipt(entryId: string): Promise<TransactionReceipt | undefined> {
    const raw = await this.options.lake.get(
      this.container,
      confidentialLedgerPaths.receipt(this.options.collectionId, entryId),
    );
    if (!raw) return undefined;
    return TransactionReceipt.parse((JSON.parse(Buffer.from(raw).toString('utf8')) as { receipt: unknown }).receipt);
  }

  /** Waits for commit, fetches and verifies the receipt, stores it with the entry, marks the index committed. */
  private async settle(entry: LedgerEntry, transactionId: string, indexPath: string): Promise<void> {
    await this.waitFor('commit', transactionId, async () => {
      const status = await this.client.path('/app/transactions/{transactionId}/status', transactionId).get();
      if (isUnexpected(status)) throw this.serviceError('status', status.status, status.body);
      return status.body.state === 'Committed' ? true : undefined;
    });
    const receipt = await this.waitFor('receipt', transactionId, async () => {
      const r = await this.client.path('/app/transactions/{transactionId}/receipt', transactionId).get();
      if (isUnexpected(r)) throw this.serviceError('receipt', r.status, r.body);
      return r.body.state === 'Ready' ? TransactionReceipt.parse(r.body) : undefined;
    });
    const check = verifyReceipt(receipt.receipt, { serviceCertificatePem: this.serviceCertificatePem });
    if (!check.ok)
      throw new LedgerError(
        check.code,
        `receipt of transaction ${transactionId} failed verification: ${check.reason}`,
        check.field,
      );
    const c = this.options.collectionId;
    await this.options.lake.put(
      this.container,
      confidentialLedgerPaths.receipt(c, entry.entryId),
      json({ entry, receipt }),
      { contentType: 'application/json' },
    );
    await this.writeIndex(indexPath, { entryId: entry.entryId, state: 'committed', transactionId });
  }

  private async waitFor<T>(what: string, transactionId: string, poll: () => Promise<T | undefined>): Promise<T> {
    const timeoutMs = this.options.commitTimeoutMs ?? DEFAULT_COMMIT_TIMEOUT_MS;
    const intervalMs = this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    for (let waitedMs = 0; waitedMs <= timeoutMs; waitedMs += intervalMs) {
      const value = await poll();
      if (value !== undefined) return value;
      await this.sleep(intervalMs);
    }
    throw new LedgerError(
      'ERR-LEDGER-COMMIT-TIMEOUT',
      `no ${what} for transaction ${transactionId} after ${timeoutMs} ms; the message will be redelivered and resume from the stored transaction id`,
      'transactionId',
    );
  }

  private async currentTransactionId(): Promise<string | undefined> {
    const current = await this.client
      .path('/app/transactions/current')
      .get({ queryParameters: { collectionId: this.options.collectionId } });
    return isUnexpected(current) ? undefined : current.body.transactionId;
  }

  /** Scans the collection from the transaction current before the first attempt for an entry with this id. */
  private async findWritten(entryId: string, fromTransactionId: string | undefined): Promise<string | undefined> {
    let response = await this.client.path('/app/transactions').get({
      queryParameters: {
        collectionId: this.options.collectionId,
        ...(fromTransactionId ? { fromTransactionId } : {}),
      },
    });
    for (let pages = 0; pages < 1000; pages++) {
      if (isUnexpected(response)) throw this.serviceError('list', response.status, response.body);
      if (response.body.state === 'Loading') {
        await this.sleep(this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
      } else {
        for (const e of response.body.entries) {
          if (e.contents.includes(entryId) && e.transactionId) return e.transactionId;
        }
        if (!response.body.nextLink) return undefined;
      }
      const next = response.body.nextLink;
      response = next
        ? ((await this.client.pathUnchecked(next).get()) as typeof response)
        : await this.client.path('/app/transactions').get({
            queryParameters: {
              collectionId: this.options.collectionId,
              ...(fromTransactionId ? { fromTransactionId } : {}),
            },
          });
    }
    return undefined;
  }

  private async readIndex(path: string): Promise<ConfidentialIndexRecord | undefined> {
    const raw = await this.options.lake.get(this.container, path);
    return raw ? ConfidentialIndexRecord.parse(JSON.parse(Buffer.from(raw).toString('utf8'))) : undefined;
  }

  private async writeIndex(path: string, record: ConfidentialIndexRecord): Promise<void> {
    await this.options.lake.put(this.container, path, json(record), { contentType: 'application/json' });
  }

  private serviceError(operation: string, status: string, body: unknown): LedgerError {
    const message = (body as { error?: { message?: string } } | undefined)?.error?.message ?? 'no detail';
    return new LedgerError(
      'ERR-LEDGER-SERVICE',
      `Confidential Ledger ${operation} failed with HTTP ${status}: ${message}`,
      operation,
    );
  }
}

/**
 * The audit ledger the settings call for: Confidential Ledger when CONFIDENTIAL_LEDGER_ENDPOINT is set (Azure),
 * else the local hash-chain ledger in the lake (devhost, tests). Fails naming the setting when half configured.
 */
export async function openAuditLedger(
  env: Record<string, string | undefined>,
  lake: LakeStore,
  collectionId: string,
): Promise<AuditLedger> {
  if (!env.CONFIDENTIAL_LEDGER_ENDPOINT) return LocalAuditLedger.open(lake, { collectionId });
  const parsed = ConfidentialLedgerSettings.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LedgerError(
      'ERR-LEDGER-SERVICE',
      `Confidential Ledger setting ${issue?.path.join('.')} ${issue?.message ?? 'is invalid'}`,
      issue?.path.join('.') || 'CONFIDENTIAL_LEDGER_ENDPOINT',
    );
  }
  return connectConfidentialLedger(parsed.data, { collectionId, lake });
}
