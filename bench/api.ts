/**
 * `npm run bench -- api [seconds] [connections]`: the HTTP API in the devhost (the real app, Azurite, the Cosmos-compatible server,
 * a development issuer), loaded at a fixed 200 requests/s per route by autocannon in a separate process:
 *  - read: GET v1/overrides (a Cosmos query, 20 overrides in force) and GET v1/lines/L1/kpis for a month of days
 *    (the ERP's read: 31 gold day files looked up on the lake);
 *  - write: PUT v1/pde-models/{id} over 20 models (read, conditional replace and an audit record in Cosmos).
 * Setup writes the overrides straight to the store (no plant events, so the SCADA dispatcher stays idle).
 * Prints p50/p95/p99 latency and achieved requests/s per route; target p95 ≤ 50 ms at 200 requests/s.
 * The per-client rate limit is raised for the run (one token sends every request).
 *
 * autocannon holds the rate by giving each connection a per-second quota that it sends back to back, then pausing
 * until the next second: requests arrive in bursts with up to `connections` in flight, not evenly spaced. The figures
 * are therefore latency under that much concurrency (default 10), a harsher test than 200 evenly spaced requests/s.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlobServiceClient } from '@azure/storage-blob';
import { startDevIssuer } from '../local/dev-issuer/index.js';
import { startDevhost } from '../local/devhost/devhost.js';
import { applyLocalSettingsDefaults } from '../local/settings-defaults.js';
import { MemoryAuditLog } from '../shared/kernel/audit-log.js';
import { BlobLakeStore } from '../shared/azure/blob-lake-store.js';
import { cosmosClient } from '../shared/azure/clients.js';
import { CosmosOverrideStore } from '../shared/azure/cosmos-scada-stores.js';
import { settings } from '../shared/config/settings.js';
import { curateRange } from '../shared/gold/curate.js';
import { silverRow, testCurationConfig, writeBatch } from '../shared/gold/fixtures.js';
import { v1Path } from '../shared/http/paths.js';
import { RecordingEventPublisher } from '../shared/messaging/event-publisher.js';
import { requestManual } from '../shared/scada/override-service.js';
import type { SilverRow } from '../shared/telemetry/records.js';
import type { LoadSpec } from './support/api-load.js';

const RATE_PER_S = 200;
const DEFAULT_CONNECTIONS = 10;
/** Models the write route spreads over (one model under 200 writes/s would measure contention on one document). */
const MODELS = 20;
/** p95 target of the issue, ms. */
const TARGET_P95_MS = 50;
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

const MODEL = {
  modelName: 'FourierHeatModel',
  parameters: {
    thermalConductivity: 200,
    initialTemperature: 700,
    boundaryConditions: { topSurface: 750, bottomSurface: 690 },
  },
  description: 'bench',
};

function load(spec: LoadSpec): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'support', 'api-load.ts'), JSON.stringify(spec)],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>)
        : reject(new Error(`load generator exited ${code}: ${out}`)),
    );
  });
}

/** Two hours of line L1 (10 cells, line current) ingested as the ingest path writes it, then curated. */
async function seedGold(lakeConnection: string): Promise<void> {
  const lake = await BlobLakeStore.create(BlobServiceClient.fromConnectionString(lakeConnection));
  const from = Date.UTC(2026, 10, 22, 10);
  const rows: SilverRow[] = [];
  for (let s = 0; s < 7200; s += 10) {
    rows.push(silverRow('L1', 'L1-LINE', 'lineCurrent', from + s * 1000, 300));
    for (let c = 1; c <= 10; c++)
      rows.push(silverRow('L1', `L1-C${String(c).padStart(3, '0')}`, 'cellVoltage', from + s * 1000, 4.2 + c / 100));
  }
  for (let i = 0; i < rows.length; i += 2000)
    await writeBatch(lake, '0', i, i + Math.min(2000, rows.length - i) - 1, rows.slice(i, i + 2000));
  await curateRange(lake, { fromMs: from, toMs: from + 2 * 3_600_000 }, testCurationConfig('2026-11-22T12:05:00Z'));
}

async function call(url: string, init: RequestInit): Promise<Response> {
  const res = await fetch(url, init);
  if (res.status >= 300)
    throw new Error(`setup ${init.method ?? 'GET'} ${url} answered ${res.status}: ${await res.text()}`);
  return res;
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const seconds = Number(args[0] ?? 10);
  const connections = Number(args[1] ?? DEFAULT_CONNECTIONS);
  applyLocalSettingsDefaults();
  // The example settings name the devhost's topic on its default port; with a free port the devhost sets its own.
  delete process.env.ServiceBusConnection;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-api-'));
  const issuer = await startDevIssuer({ keyDir: path.join(dir, 'keys') });
  const devhost = await startDevhost({
    appEntry: 'functions/index.ts',
    appDir: root,
    dataDir: dir,
    httpPort: 0,
    startAzurite: true,
    startCosmos: true,
    logLevel: 'error',
    settings: {
      ...issuer.settings,
      COSMOS_DATABASE: 'bench-api',
      RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_BURST: '1000000',
      TELEMETRY_HUB: 'telemetry',
      TELEMETRY_CONSUMER_GROUP: 'ingest',
    },
  });
  try {
    const token = await issuer.mint({ roles: ['Manager'], sub: 'bench', azp: 'bench-client', ttlS: 3600 });
    const auth = { authorization: `Bearer ${token}` };
    const json = { ...auth, 'content-type': 'application/json' };
    const url = (resource: string) => `${devhost.httpUrl}${v1Path(resource)}`;

    for (let i = 1; i <= MODELS; i++)
      await call(url('pde-models'), { method: 'POST', headers: json, body: JSON.stringify(MODEL) });
    const overrides = await CosmosOverrideStore.create(cosmosClient(settings()), settings().COSMOS_DATABASE, {
      createIfMissing: true,
    });
    const deps = { overrides, publisher: new RecordingEventPublisher(), audit: new MemoryAuditLog() };
    for (let i = 1; i <= 20; i++) {
      await requestManual(
        deps,
        { kind: 'cell', cellId: `L2-C${String(i).padStart(3, '0')}` },
        'bench',
        { subject: 'bench', clientId: 'bench', correlationId: `bench-${i}` },
        Date.now(),
      );
    }
    await seedGold(process.env.LakeConnection!);
    // Warm the caches the first request builds (JWKS, Cosmos containers, lake client) outside the measurement.
    for (const r of ['overrides', 'lines/L1/kpis?from=2026-11-01&to=2026-12-01']) await call(url(r), { headers: auth });

    const common = { ratePerS: RATE_PER_S, seconds, connections };
    const routes = {
      'GET v1/overrides': await load({ ...common, url: url('overrides?pageSize=25'), method: 'GET', headers: auth }),
      'GET v1/lines/L1/kpis (31 days)': await load({
        ...common,
        url: url('lines/L1/kpis?from=2026-11-01&to=2026-12-01&grain=day'),
        method: 'GET',
        headers: auth,
      }),
      [`PUT v1/pde-models/{id} (${MODELS} models)`]: await load({
        ...common,
        url: devhost.httpUrl,
        paths: Array.from({ length: MODELS }, (_, i) => v1Path(`pde-models/pde-${String(i + 1).padStart(3, '0')}`)),
        method: 'PUT',
        headers: json,
        body: JSON.stringify(MODEL),
      }),
    };
    const p95s = Object.values(routes).map((r) => (r.latencyMs as { p95: number }).p95);
    return {
      ratePerS: RATE_PER_S,
      seconds,
      connections,
      targetP95Ms: TARGET_P95_MS,
      routes,
      allWithinTarget: p95s.every((p) => p <= TARGET_P95_MS),
    };
  } finally {
    await devhost.stop();
    await issuer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
