/**
 * Makes Azurite's blob and queue metadata durable per answer: each LokiJS-backed store of Azurite is given a
 * LokiJournal (loki-journal.ts) when it opens, and each of its asynchronous operations resolves only once the changes
 * it made are journalled and synced, so Azurite answers a write only after it would survive a kill. Blob contents
 * are already synced by Azurite itself (FSExtentStore fdatasyncs each extent write before the metadata is written).
 * The table service (unused by the app; its collections come and go with tables) keeps LokiJS's 5-second save.
 */
import { createRequire } from 'node:module';
import { LokiJournal, recoverDatabase, type LokiLike, type SnapshotCrashPoint } from './loki-journal.js';

interface LokiStore {
  db: LokiLike;
  lokiDBPath: string;
}

type Method = (this: LokiStore, ...args: unknown[]) => unknown;

/** Azurite's own module paths of the stores whose metadata is journalled. */
const JOURNALLED_STORES = [
  'azurite/dist/src/blob/persistence/LokiBlobMetadataStore.js',
  'azurite/dist/src/common/persistence/LokiExtentMetadataStore.js',
  'azurite/dist/src/queue/persistence/LokiQueueMetadataStore.js',
];

/** Lifecycle methods: not operations of the store, handled on their own. */
const NOT_OPERATIONS = new Set(['constructor', 'init', 'close', 'clean', 'isInitialized', 'isClosed']);

export interface DurableAzuriteOptions {
  compactAtBytes: number;
  log: (line: string) => void;
  onFailure: (err: Error) => void;
  crashAt?: SnapshotCrashPoint;
}

/** Patches Azurite's store classes; call before Azurite's entry module is loaded. */
export function makeAzuriteDurable(options: DurableAzuriteOptions): void {
  const require = createRequire(import.meta.url);
  const journals = new WeakMap<object, LokiJournal>();
  for (const modulePath of JOURNALLED_STORES) {
    const Store = (require(modulePath) as { default: { prototype: Record<string, unknown> } }).default;
    const proto = Store.prototype;
    const init = proto.init as Method;
    const close = proto.close as Method;

    proto.init = async function (this: LokiStore) {
      const { generation } = await recoverDatabase(this.lokiDBPath, options.log);
      const journal = LokiJournal.attach(this.db, this.lokiDBPath, generation, options);
      journals.set(this, journal);
      await init.call(this);
      // LokiJS has loaded the recovered file: journal every collection from here on, with indices that match it.
      journal.watchCollections();
      journal.rebuildIndices();
    };

    proto.close = async function (this: LokiStore) {
      const journal = journals.get(this);
      if (journal) {
        await journal.snapshot();
        await journal.close();
      }
      await close.call(this);
    };

    for (const name of Object.getOwnPropertyNames(proto)) {
      const op = proto[name];
      if (NOT_OPERATIONS.has(name) || typeof op !== 'function' || op.constructor.name !== 'AsyncFunction') continue;
      proto[name] = async function (this: LokiStore, ...args: unknown[]) {
        const journal = journals.get(this);
        try {
          return await (op as Method).apply(this, args);
        } finally {
          // Failed operations too: one may have changed something before it failed.
          await journal?.commit();
        }
      };
    }
  }
}
