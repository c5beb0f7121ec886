/**
 * `npm run lake -- parked ls|replay [<path>]`: the telemetry batches ingestion parked after its retries ran out
 * (shared/telemetry/parked-batches.ts). `ls` lists them with their range, attempts and last error; `replay` ingests
 * every waiting one (or the one named) into the lake under its own sequence range and marks it replayed, so a
 * second replay does nothing and silver holds each point once.
 *
 * Settings: the environment's (LakeConnection / LakeConnection__blobServiceUri, AzureWebJobsStorage…, COSMOS_*)
 * when given, as against Azure; else the running `npm start`'s emulators; else private ones over `.local/`.
 */
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { listParked } from '../../shared/telemetry/parked-batches.js';
import { parkedStoreFromSettings, replayParkedFromSettings } from '../../shared/azure/parked-store.js';
import { startAzurite } from '../emulators/azurite.js';
import { startCosmos } from '../emulators/cosmos.js';
import { applyLocalSettingsDefaults } from '../settings-defaults.js';
import { ENDPOINTS_FILE, type LocalEndpoints } from './local-lake.js';

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Fills the settings the commands need and returns how to stop what it started. Locally the lake and the host
 * storage are the one Azurite; in Azure they are two accounts named by their own settings.
 */
async function localSettings(needCosmos: boolean): Promise<() => Promise<void>> {
  const env = process.env;
  const stops: (() => Promise<void>)[] = [];
  const running = existsSync(ENDPOINTS_FILE) && (JSON.parse(readFileSync(ENDPOINTS_FILE, 'utf8')) as LocalEndpoints);
  const endpoints = running && isAlive(running.pid) ? running : undefined;
  const lakeGiven = env.LakeConnection || env.LakeConnection__blobServiceUri;
  if (!lakeGiven) {
    if (endpoints) env.LakeConnection = endpoints.lakeConnection;
    else {
      const azurite = await startAzurite(path.resolve('.local/azurite'));
      stops.push(() => azurite.stop());
      env.LakeConnection = azurite.connectionString;
    }
  }
  if (!env.AzureWebJobsStorage && !env.AzureWebJobsStorage__accountName && !env.AzureWebJobsStorage__blobServiceUri)
    env.AzureWebJobsStorage = endpoints?.hostStorageConnection ?? env.LakeConnection;
  if (needCosmos && !env.COSMOS_ENDPOINT) {
    if (endpoints?.cosmosEndpoint) {
      env.COSMOS_ENDPOINT = endpoints.cosmosEndpoint;
      if (endpoints.cosmosKey) env.COSMOS_KEY = endpoints.cosmosKey;
    } else {
      const cosmos = await startCosmos({ dataDir: path.resolve('.local') });
      stops.push(() => cosmos.stop());
      env.COSMOS_ENDPOINT = cosmos.endpoint;
      env.COSMOS_KEY = cosmos.key;
    }
  }
  applyLocalSettingsDefaults(env);
  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}

const log = {
  info: (m: string) => console.error(m),
  warn: (m: string) => console.error(m),
  error: (m: string) => console.error(m),
};

/** Runs `parked ls` or `parked replay [path]`; returns the process exit code. */
export async function parkedCommand(sub: string | undefined, target: string | undefined): Promise<number> {
  if (sub !== 'ls' && sub !== 'replay') {
    console.error('usage: npm run lake -- parked ls | parked replay [<path from ls>]');
    return 2;
  }
  const stop = await localSettings(sub === 'replay');
  try {
    if (sub === 'ls') {
      const entries = await listParked(await parkedStoreFromSettings());
      const waiting = entries.filter((e) => !e.replayedAt).length;
      console.log(`${entries.length} parked batch(es), ${waiting} waiting for replay`);
      for (const e of entries)
        console.log(
          [
            e.path,
            `p=${e.partition} seq ${e.firstSeq}-${e.lastSeq}`,
            `${e.events} events`,
            `${e.attempts} attempts`,
            `parked ${e.parkedAt}`,
            e.replayedAt ? `replayed ${e.replayedAt}` : 'WAITING',
            `last error: ${e.lastError.split('\n')[0]!.slice(0, 200)}`,
          ].join('\t'),
        );
      return 0;
    }
    const results = await replayParkedFromSettings(log, target);
    for (const r of results)
      console.log(
        `replayed ${r.path}: ${r.pointsIn} points in, ${r.silverRows} silver rows, ${r.quarantined} quarantined`,
      );
    console.log(
      JSON.stringify({
        replayed: results.length,
        pointsIn: results.reduce((a, r) => a + r.pointsIn, 0),
        silverRows: results.reduce((a, r) => a + r.silverRows, 0),
      }),
    );
    return 0;
  } finally {
    await stop();
  }
}
