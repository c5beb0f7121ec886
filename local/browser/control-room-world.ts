/**
 * The whole product as the browser tests and `npm run bench -- ui` drive it: the devhost with the real app (Azurite,
 * the Cosmos-compatible server, the development issuer, the secured plant broker), a small seeded potline streaming
 * telemetry in real time through its pot controllers (one Sparkplug edge node per line, which also apply the
 * dispatcher's commands as its PLCs) and the ingress bridge to the telemetry hub, the built control room on its own
 * origin, and a headless Chromium. Everything it starts, `stop()` stops. One world per process (the devhost binds the
 * Functions library once).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { startDevhost, type DevhostHandle } from '../devhost/devhost.js';
import { buildControlRoom, REPO_ROOT } from '../control-room/build.js';
import { startControlRoomServer, type ControlRoomServer } from '../control-room/server.js';
import { startIngressBridge } from '../bridge/ingress-bridge.js';
import type { ReceivedCommand } from '../plc/edge-node.js';
import { startPlantEdgeNodes, type PlantEdgeNodes } from '../plc/plant-edge-nodes.js';
import { plantSink } from '../plc/plant-sink.js';
import { createPotline, NO_FAULTS, runSimulator, type Potline, type SimulatorRun } from '../simulator/index.js';
import type { PlantModel } from '../../shared/plant/schema.js';
import { testPlantWith } from '../../shared/plant/test-plant.js';
import { API_VERSION, ROUTE_PREFIX } from '../../shared/http/paths.js';
import { chromiumArgs, requireChromium } from './chromium.js';

export interface WorldOptions {
  /** Lines and cells per line of the potline (and of the plant model the app runs with). */
  lines: number;
  cellsPerLine: number;
  /** Telemetry over the whole potline, points/min. */
  ratePerMin: number;
  /** The plant's staleDataMaxAgeMs for every line (how old data may be before it is shown stale), ms. */
  staleDataMaxAgeMs?: number;
  seed?: number;
}

export interface ControlRoomWorld {
  devhost: DevhostHandle;
  web: ControlRoomServer;
  /** The plant model the app runs and the simulator simulates. */
  plant: PlantModel;
  /** The simulated potline and its pot controllers (one Sparkplug edge node per line). */
  potline: Potline;
  plc: PlantEdgeNodes;
  /** The commands the PLCs answered (applied or refused), oldest first. */
  received(): readonly ReceivedCommand[];
  /** Stops the plant's telemetry; the pot controllers still take commands. */
  stopTelemetry(): Promise<void>;
  browser: Browser;
  apiBaseUrl: string;
  /** A new page signed in (through the sign-in page) with `role`, on the map. */
  signedIn(
    role: 'Operator' | 'Engineer' | 'Manager' | 'Executive',
    name?: string,
    viewport?: { width: number; height: number },
  ): Promise<{ context: BrowserContext; page: Page }>;
  /** A bearer token for `role` from the development issuer (what the sign-in page gets). */
  token(role: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startControlRoomWorld(o: WorldOptions): Promise<ControlRoomWorld> {
  const chromiumPath = requireChromium();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'control-room-world-'));
  const cleanups: (() => Promise<unknown> | unknown)[] = [() => rmSync(tmp, { recursive: true, force: true })];
  const stop = async () => {
    for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch(() => undefined);
  };
  try {
    // The plant the app runs with is the potline the simulator runs: same lines, same cells, positions on two sides.
    const lineIds = Array.from({ length: o.lines }, (_, i) => `L${i + 1}`);
    const plant = testPlantWith(Object.fromEntries(lineIds.map((l) => [l, o.cellsPerLine])));
    if (o.staleDataMaxAgeMs)
      for (const line of plant.areas.flatMap((a) => a.lines)) line.envelope.staleDataMaxAgeMs = o.staleDataMaxAgeMs;
    const plantFile = path.join(tmp, 'plant.json');
    writeFileSync(plantFile, JSON.stringify(plant));

    await buildControlRoom();
    const web = await startControlRoomServer({ port: 0 });
    cleanups.push(() => web.stop());
    const example = JSON.parse(readFileSync(path.join(REPO_ROOT, 'local.settings.example.json'), 'utf8')) as {
      Values: Record<string, string>;
    };
    const { ServiceBusConnection: _devhostTopic, ...settings } = example.Values;
    const devhost = await startDevhost({
      appEntry: 'functions/index.ts',
      appDir: REPO_ROOT,
      dataDir: path.join(tmp, 'data'),
      httpPort: 0,
      startAzurite: true,
      startCosmos: true,
      startDevIssuer: true,
      startMqtt: true,
      logLevel: 'none',
      cors: web.origin,
      settings: {
        ...settings,
        PLANT_MODEL_FILE: plantFile,
        // Runs start from the screens only; curation would only add load.
        OPTIMIZATION_SCHEDULE: '0 0 0 1 1 *',
        OPTIMIZATION_MODE: 'advisory',
        CURATION_SCHEDULE: '0 0 0 1 1 *',
        RATE_LIMIT_PER_MINUTE: '100000',
        RATE_LIMIT_BURST: '100000',
      },
    });
    cleanups.push(() => devhost.stop());
    const apiBaseUrl = `${devhost.httpUrl}/${ROUTE_PREFIX}/${API_VERSION}`;
    web.configure({ apiBaseUrl, auth: { kind: 'dev', issuerUrl: devhost.devIssuerUrl! } });

    const broker = devhost.mqtt!;
    const hub = devhost.hub(settings.TELEMETRY_HUB ?? 'telemetry');
    // Ingress as a plant runs it: the bridge takes the edge nodes' DDATA from the broker to the telemetry hub.
    const bridge = await startIngressBridge({
      brokerUrl: broker.url,
      username: broker.bridge().username,
      password: broker.bridge().password,
      hub: { send: async (bodies) => void hub.send(bodies) },
    });
    cleanups.push(() => bridge.stop());
    const received: ReceivedCommand[] = [];
    // The plant that sends telemetry is the plant model the app runs: the same lines and cells.
    const potline = createPotline({
      plant,
      seed: o.seed ?? 7,
      startMs: Date.now(),
      feederChokesPerCellDay: 0,
      lineRampsPerDay: 0,
    });
    const ref: { run?: SimulatorRun } = {};
    const plc = await startPlantEdgeNodes({
      broker,
      potline,
      options: {
        readbackNow: (equipmentId, fields, tsMs) => ref.run?.readbackNow(equipmentId, fields, tsMs) ?? [],
        onCommand: (c) => void received.push(c),
      },
    });
    cleanups.push(() => plc.stop());
    const simulator = runSimulator({
      potline,
      ratePerMin: o.ratePerMin,
      faults: NO_FAULTS,
      sink: plantSink(plc.byLine),
    });
    ref.run = simulator;
    cleanups.push(() => simulator.stop());

    const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs() });
    cleanups.push(() => browser.close());

    const issuer = devhost.devIssuerUrl!;
    const token = async (role: string) => {
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ roles: [role], sub: `${role.toLowerCase()}-api` }),
      });
      return ((await res.json()) as { access_token: string }).access_token;
    };
    return {
      devhost,
      web,
      plant,
      potline,
      plc,
      received: () => [...received],
      stopTelemetry: async () => void (await simulator.stop()),
      browser,
      apiBaseUrl,
      token,
      async signedIn(role, name, viewport = { width: 1400, height: 900 }) {
        const context = await browser.newContext({ viewport });
        const page = await context.newPage();
        await page.goto(web.url);
        if (name) await page.getByLabel('Name').fill(name);
        await page.getByRole('radio', { name: new RegExp(`^${role}\\b`) }).check();
        await page.getByRole('button', { name: `Sign in as ${role}` }).click();
        await page.getByTestId('who').waitFor();
        return { context, page };
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
