import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startAzurite } from '../emulators/azurite.js';

/** Where a running `npm start` leaves its emulator endpoints, so other local commands can reach them. */
export const ENDPOINTS_FILE = path.resolve('.local/endpoints.json');

export interface LocalEndpoints {
  lakeConnection: string;
  /** The host storage account (checkpoints, parked batches); locally the same Azurite as the lake. */
  hostStorageConnection?: string;
  cosmosEndpoint?: string;
  cosmosKey?: string;
  httpUrl?: string;
  pid: number;
}

/** Records the endpoints of this process's emulators (removed again on a clean stop). */
export function writeEndpoints(e: LocalEndpoints): void {
  writeFileSync(ENDPOINTS_FILE, JSON.stringify(e, null, 2));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A lake connection string for local tools: the LakeConnection setting if given, else the running devhost's Azurite,
 * else a private Azurite over the same data folder (.local/azurite) for as long as the tool runs.
 */
export async function localLakeConnection(): Promise<{ connection: string; stop: () => Promise<void> }> {
  if (process.env.LakeConnection) return { connection: process.env.LakeConnection, stop: async () => {} };
  if (existsSync(ENDPOINTS_FILE)) {
    const e = JSON.parse(readFileSync(ENDPOINTS_FILE, 'utf8')) as LocalEndpoints;
    if (isAlive(e.pid)) return { connection: e.lakeConnection, stop: async () => {} };
  }
  const azurite = await startAzurite(path.resolve('.local/azurite'));
  return { connection: azurite.connectionString, stop: () => azurite.stop() };
}
