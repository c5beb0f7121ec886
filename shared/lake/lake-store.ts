/** Options of a lake write. */
export interface PutOptions {
  contentType?: string;
  metadata?: Record<string, string>;
}

/** An entry of a lake listing. */
export interface LakeEntry {
  path: string;
  size: number;
  lastModified: Date;
  /** The blob's version (ETag in Azure), as getVersioned returns it. */
  version?: string;
}

/**
 * The lake port: blobs in containers (bronze, silver, gold, quarantine). The Azure implementation is
 * shared/azure/blob-lake-store.ts (ADLS Gen2 / Azurite); MemoryLakeStore is the in-process one.
 */
export interface LakeStore {
  /** Writes (or overwrites) a blob. */
  put(container: string, path: string, body: Uint8Array, opts?: PutOptions): Promise<void>;
  /**
   * Writes a blob only if none exists at `path` (a create-only write, If-None-Match: *); false when one does. Of two
   * writers racing for the same path exactly one gets true: what claims are made of.
   */
  putIfAbsent(container: string, path: string, body: Uint8Array, opts?: PutOptions): Promise<boolean>;
  /** Reads a blob; undefined when it does not exist. */
  get(container: string, path: string): Promise<Uint8Array | undefined>;
  /** Lists blobs whose path starts with `prefix`. */
  list(container: string, prefix: string): AsyncIterable<LakeEntry>;
  /** Deletes a blob if present. */
  delete?(container: string, path: string): Promise<void>;
  /** Reads a blob with its version (the ETag in Azure), which a conditional write compares against. */
  getVersioned(container: string, path: string): Promise<VersionedBlob | undefined>;
  /**
   * Writes a blob only if it is still at `version` (undefined: only if it does not exist yet); false, and nothing
   * written, when another writer changed it first. What lets two compactions of one hour not lose each other's work.
   */
  putIfVersion(
    container: string,
    path: string,
    body: Uint8Array,
    version: string | undefined,
    opts?: PutOptions,
  ): Promise<boolean>;
}

/** A blob and its version. */
export interface VersionedBlob {
  body: Uint8Array;
  version: string;
}

/** A LakeStore held in memory: for tests, benchmarks and one-process tools. */
export class MemoryLakeStore implements LakeStore {
  private readonly blobs = new Map<
    string,
    { body: Uint8Array; opts: PutOptions | undefined; lastModified: Date; version: string }
  >();
  private writes = 0;

  async put(container: string, path: string, body: Uint8Array, opts?: PutOptions): Promise<void> {
    this.blobs.set(`${container}/${path}`, {
      body: body.slice(),
      opts,
      lastModified: new Date(),
      version: String(++this.writes),
    });
  }

  async getVersioned(container: string, path: string): Promise<VersionedBlob | undefined> {
    const b = this.blobs.get(`${container}/${path}`);
    return b ? { body: b.body.slice(), version: b.version } : undefined;
  }

  async putIfVersion(
    container: string,
    path: string,
    body: Uint8Array,
    version: string | undefined,
    opts?: PutOptions,
  ): Promise<boolean> {
    if (this.blobs.get(`${container}/${path}`)?.version !== version) return false;
    await this.put(container, path, body, opts);
    return true;
  }

  async putIfAbsent(container: string, path: string, body: Uint8Array, opts?: PutOptions): Promise<boolean> {
    if (this.blobs.has(`${container}/${path}`)) return false;
    await this.put(container, path, body, opts);
    return true;
  }

  async get(container: string, path: string): Promise<Uint8Array | undefined> {
    return this.blobs.get(`${container}/${path}`)?.body.slice();
  }

  async *list(container: string, prefix: string): AsyncIterable<LakeEntry> {
    const root = `${container}/`;
    const keys = [...this.blobs.keys()].filter((k) => k.startsWith(root + prefix)).sort();
    for (const k of keys) {
      const b = this.blobs.get(k)!;
      yield { path: k.slice(root.length), size: b.body.byteLength, lastModified: b.lastModified, version: b.version };
    }
  }

  async delete(container: string, path: string): Promise<void> {
    this.blobs.delete(`${container}/${path}`);
  }
}

/** Collects a listing into an array. */
export async function listAll(store: LakeStore, container: string, prefix: string): Promise<LakeEntry[]> {
  const out: LakeEntry[] = [];
  for await (const e of store.list(container, prefix)) out.push(e);
  return out;
}
