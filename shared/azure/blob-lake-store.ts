import { RestError, type BlobServiceClient } from '@azure/storage-blob';
import type { LakeEntry, LakeStore, PutOptions, VersionedBlob } from '../lake/lake-store.js';
import { CONTAINERS } from '../lake/paths.js';

/** An ETag without its quotes: downloads quote it, listings do not, and versions must compare equal. */
const unquoted = (etag: string) => etag.replace(/^"(.*)"$/, '$1');

/** The lake on Azure Blob Storage / ADLS Gen2 (Azurite locally). */
export class BlobLakeStore implements LakeStore {
  private constructor(private readonly service: BlobServiceClient) {}

  /** Connects and creates the lake containers that are missing. */
  static async create(service: BlobServiceClient, containers: readonly string[] = CONTAINERS): Promise<BlobLakeStore> {
    await Promise.all(containers.map((c) => service.getContainerClient(c).createIfNotExists()));
    return new BlobLakeStore(service);
  }

  async put(container: string, path: string, body: Uint8Array, opts?: PutOptions): Promise<void> {
    const blob = this.service.getContainerClient(container).getBlockBlobClient(path);
    await blob.uploadData(body, {
      blobHTTPHeaders: opts?.contentType ? { blobContentType: opts.contentType } : undefined,
      metadata: opts?.metadata,
    });
  }

  async putIfAbsent(container: string, path: string, body: Uint8Array, opts?: PutOptions): Promise<boolean> {
    const blob = this.service.getContainerClient(container).getBlockBlobClient(path);
    try {
      await blob.uploadData(body, {
        blobHTTPHeaders: opts?.contentType ? { blobContentType: opts.contentType } : undefined,
        metadata: opts?.metadata,
        conditions: { ifNoneMatch: '*' },
      });
      return true;
    } catch (e) {
      // 409 BlobAlreadyExists (412 from some emulators): another writer got there first.
      if (e instanceof RestError && (e.statusCode === 409 || e.statusCode === 412)) return false;
      throw e;
    }
  }

  async get(container: string, path: string): Promise<Uint8Array | undefined> {
    try {
      const buf = await this.service.getContainerClient(container).getBlobClient(path).downloadToBuffer();
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (e) {
      if (e instanceof RestError && e.statusCode === 404) return undefined;
      throw e;
    }
  }

  async getVersioned(container: string, path: string): Promise<VersionedBlob | undefined> {
    try {
      const res = await this.service.getContainerClient(container).getBlobClient(path).download();
      const chunks: Buffer[] = [];
      for await (const chunk of res.readableStreamBody!) chunks.push(chunk as Buffer);
      const buf = Buffer.concat(chunks);
      return { body: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), version: unquoted(res.etag!) };
    } catch (e) {
      if (e instanceof RestError && e.statusCode === 404) return undefined;
      throw e;
    }
  }

  async putIfVersion(
    container: string,
    path: string,
    body: Uint8Array,
    version: string | undefined,
    opts?: PutOptions,
  ): Promise<boolean> {
    const blob = this.service.getContainerClient(container).getBlockBlobClient(path);
    try {
      await blob.uploadData(body, {
        blobHTTPHeaders: opts?.contentType ? { blobContentType: opts.contentType } : undefined,
        metadata: opts?.metadata,
        conditions: version === undefined ? { ifNoneMatch: '*' } : { ifMatch: `"${version}"` },
      });
      return true;
    } catch (e) {
      // 412: changed since it was read; 409: created meanwhile by another writer (If-None-Match: *).
      if (e instanceof RestError && (e.statusCode === 412 || e.statusCode === 409)) return false;
      throw e;
    }
  }

  async *list(container: string, prefix: string): AsyncIterable<LakeEntry> {
    for await (const b of this.service.getContainerClient(container).listBlobsFlat({ prefix })) {
      yield {
        path: b.name,
        size: b.properties.contentLength ?? 0,
        lastModified: b.properties.lastModified,
        ...(b.properties.etag ? { version: unquoted(b.properties.etag) } : {}),
      };
    }
  }

  async delete(container: string, path: string): Promise<void> {
    await this.service.getContainerClient(container).getBlobClient(path).deleteIfExists();
  }
}
