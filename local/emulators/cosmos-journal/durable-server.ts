import { createHttpServer } from '@vercel/cosmosdb-server';
import { mkdirSync } from 'node:fs';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { CrashPoint } from './crash-point.js';
import { encodeFrame } from './frames.js';
import { invokeHandler, SerialQueue } from './in-process.js';
import { JournalWriter } from './journal-writer.js';
import { preflightBatch } from './batch-preflight.js';
import {
  recordsFor,
  replayRequest,
  withoutSystemProperties,
  type CosmosRequest,
  type CosmosResponse,
  type StateRecord,
} from './records.js';
import { journalFile, loadStore, removeCovered, writeSnapshot } from './store-files.js';
import { lockStore, type StoreLock } from './store-lock.js';

export interface DurableServerOptions {
  /** Directory of the journal and snapshots (created if missing). */
  dir: string;
  port: number;
  host: string;
  /** Journal size (bytes since the last snapshot) past which the store is compacted; also at least the last snapshot's size. */
  compactAtBytes: number;
  crashAt?: CrashPoint;
  /** How long a start waits for another server of the same store to exit before it gives up (ERR-COSMOS-STORE-IN-USE). */
  lockWaitMs: number;
  log: (line: string) => void;
  /** Called when the journal cannot be written: the store holds changes it cannot keep, so the process must stop. */
  onJournalFailure: (err: Error) => void;
}

export interface DurableServer {
  port: number;
  /** Stops accepting requests, waits until every answered write is on disk, closes the journal. */
  close(): Promise<void>;
}

/**
 * The Cosmos DB–compatible server of @vercel/cosmosdb-server, made durable: its own request handler serves every
 * request, but an answer to a write leaves only after the write's journal record is synced (group commit), and an
 * answer to a read only after every write it could have seen is. Start-up loads the newest snapshot and the journals
 * after it through the same handler before the port is announced; a growing journal is compacted into a new snapshot.
 */
export async function startDurableCosmosServer(options: DurableServerOptions): Promise<DurableServer> {
  mkdirSync(options.dir, { recursive: true });
  const lock = await lockStore(options.dir, options.lockWaitMs);
  try {
    return await serveStore(options, lock);
  } catch (err) {
    await lock.release();
    throw err;
  }
}

async function serveStore(options: DurableServerOptions, lock: StoreLock): Promise<DurableServer> {
  const server: Server = createHttpServer();
  // The library builds its account object when the server starts listening; its request listener is its whole API.
  const handler = server.listeners('request')[0] as RequestListener | undefined;
  if (!handler)
    throw new Error(
      '@vercel/cosmosdb-server registered no request handler: the durable wrapper does not fit this version',
    );
  server.removeAllListeners('request');

  let ready!: () => void;
  const whenReady = new Promise<void>((resolve) => (ready = resolve));
  const store = new DurableStore(handler, options);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void whenReady
      .then(() => store.serve(req, res))
      .catch((err: unknown) => {
        options.log(`request failed: ${(err as Error).message}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'InternalServerError', message: (err as Error).message }));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  try {
    await store.open(`${options.host}:${port}`);
  } catch (err) {
    server.close();
    throw err;
  }
  ready();
  return {
    port,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      await lock.release();
    },
  };
}

class DurableStore {
  readonly #queue = new SerialQueue();
  #journal: JournalWriter | undefined;
  #host = '';
  #generation = 0;
  #journalBytes = 0;
  #snapshotBytes = 0;
  #compacting: Promise<void> | undefined;

  constructor(
    private readonly handler: RequestListener,
    private readonly options: DurableServerOptions,
  ) {}

  /** Loads the snapshot and journals, then starts a journal of a new generation. */
  async open(host: string): Promise<void> {
    this.#host = host;
    const loaded = await loadStore(this.options.dir, async (record) => {
      const response = await invokeHandler(this.handler, replayRequest(record, host));
      if (response.status < 200 || response.status > 299)
        throw new Error(`the server answered ${response.status} ${response.body.slice(0, 200)}`);
    });
    for (const c of loaded.cut)
      this.options.log(`cut a torn tail of ${c.bytes} bytes (a write never acknowledged) from ${c.file}`);
    this.#generation = loaded.nextGeneration;
    this.#journalBytes = loaded.journalBytes;
    this.#snapshotBytes = loaded.snapshotBytes;
    this.#journal = new JournalWriter(journalFile(this.options.dir, this.#generation), this.options.onJournalFailure);
  }

  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: CosmosRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    const { response, durable } = await this.#queue.run(() => this.#execute(request));
    await durable;
    res.statusCode = response.status;
    for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
    res.end(response.body);
  }

  async close(): Promise<void> {
    await this.#compacting;
    await this.#journal?.close();
  }

  /** Runs inside the queue: the store changes and the journal record is queued with nothing in between. */
  async #execute(request: CosmosRequest): Promise<{ response: CosmosResponse; durable: Promise<void> }> {
    const journal = this.#journal!;
    const checked = preflightBatch(request);
    if ('refused' in checked) return { response: checked.refused, durable: journal.whenDurable() };
    const response = await invokeHandler(this.handler, checked.request);
    let records: StateRecord[];
    try {
      records = recordsFor(checked.request, response);
    } catch (err) {
      this.options.onJournalFailure(err as Error);
      throw err;
    }
    for (const record of records) {
      const frame = encodeFrame(Buffer.from(JSON.stringify(record)));
      this.#journalBytes += frame.length;
      void journal.append(frame).catch(() => undefined);
    }
    if (records.length > 0) this.#compactIfDue();
    // A read (or a refused write) waits for the writes before it: no client sees a change a crash could still undo.
    return { response, durable: journal.whenDurable() };
  }

  #compactIfDue(): void {
    if (this.#compacting || this.#journalBytes < Math.max(this.options.compactAtBytes, this.#snapshotBytes)) return;
    this.#compacting = this.#compact()
      .catch((err: unknown) =>
        this.options.log(
          `compaction failed (the journal keeps growing; retried at the next write): ${(err as Error).message}`,
        ),
      )
      .finally(() => (this.#compacting = undefined));
  }

  /**
   * Snapshot generation g+1 = everything applied so far; journal g+1 gets every later write. A kill at any point
   * leaves either the old snapshot with journals g and g+1, or the new snapshot with journal g+1: nothing lost.
   */
  async #compact(): Promise<void> {
    const { records, generation, previousDurable } = await this.#queue.run(async () => {
      const captured = await this.#captureState();
      const next = this.#generation + 1;
      this.#generation = next;
      this.#journalBytes = 0;
      return {
        records: captured,
        generation: next,
        previousDurable: this.#journal!.rotate(journalFile(this.options.dir, next)),
      };
    });
    this.#crashIf('compaction-rotated');
    this.#snapshotBytes = await writeSnapshot(this.options.dir, generation, records, (stage) =>
      this.#crashIf(`compaction-snapshot-${stage}`),
    );
    this.#crashIf('compaction-snapshot-renamed');
    await previousDurable;
    await removeCovered(this.options.dir, generation);
    this.#crashIf('compaction-done');
    this.options.log(
      `compacted the store into snapshot ${generation} (${records.length} records, ${this.#snapshotBytes} bytes)`,
    );
  }

  /** The whole store as records, read through the server's own API (databases, containers, functions, documents). */
  async #captureState(): Promise<StateRecord[]> {
    const records: StateRecord[] = [];
    for (const db of await this.#list(['dbs'], 'Databases')) {
      const dbId = String(db.id);
      records.push({ op: 'createDatabase', body: withoutSystemProperties(db) });
      for (const coll of await this.#list(['dbs', dbId, 'colls'], 'DocumentCollections')) {
        const collId = String(coll.id);
        records.push({ op: 'createContainer', db: dbId, body: withoutSystemProperties(coll) });
        for (const udf of await this.#list(['dbs', dbId, 'colls', collId, 'udfs'], 'UserDefinedFunctions')) {
          records.push({ op: 'putFunction', db: dbId, coll: collId, body: withoutSystemProperties(udf) });
        }
        for (const doc of await this.#list(['dbs', dbId, 'colls', collId, 'docs'], 'Documents')) {
          records.push({ op: 'putDocument', db: dbId, coll: collId, doc: withoutSystemProperties(doc) });
        }
      }
    }
    return records;
  }

  async #list(segments: string[], key: string): Promise<{ id: string | number; [k: string]: unknown }[]> {
    const url = `/${segments.map(encodeURIComponent).join('/')}`;
    const response = await invokeHandler(this.handler, {
      method: 'GET',
      url,
      headers: { host: this.#host },
      body: Buffer.alloc(0),
    });
    if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status} while taking a snapshot`);
    return z
      .object({ [key]: z.array(z.looseObject({ id: z.union([z.string(), z.number()]) })) })
      .parse(JSON.parse(response.body))[key]!;
  }

  #crashIf(point: CrashPoint): void {
    if (this.options.crashAt === point) process.kill(process.pid, 'SIGKILL');
  }
}
