import { BlobServiceClient } from '@azure/storage-blob';
import { DELIVERY_CONTAINER, type DeliveryRecord } from './fixtures/deliveries.js';

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs` naming `what`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Every delivery the fixture app recorded for `functionName`, with the blob name it was stored under. */
export async function readDeliveries(connectionString: string, functionName: string): Promise<DeliveryRecord[]> {
  const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(DELIVERY_CONTAINER);
  if (!(await container.exists())) return [];
  const out: DeliveryRecord[] = [];
  for await (const blob of container.listBlobsFlat({ prefix: `${functionName}/` })) {
    const buf = await container.getBlockBlobClient(blob.name).downloadToBuffer();
    out.push(JSON.parse(buf.toString('utf8')) as DeliveryRecord);
  }
  return out;
}
