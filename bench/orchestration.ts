/**
 * `npm run bench -- orchestration [--repeat 3]`: optimizationRun end to end in the devhost (start → Completed, in
 * closed-loop mode so no approval waits) for a 24-cell and a 300-cell line, with Azurite and the Cosmos-compatible
 * server, and the devhost's overhead per activity call (no-op activities fanned out in one Task.all and chained).
 * Target: ≤ 10 s for 300 cells (the plant needs set points within 30 s).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevhost } from '../local/devhost/devhost.js';
import { waitFor } from '../local/devhost/testing.js';
import { cellStateDocs } from '../local/simulator/cell-state.js';
import { createPotline } from '../local/simulator/index.js';
import { cosmosClient } from '../shared/azure/clients.js';
import { CosmosHotStateStore } from '../shared/azure/cosmos-hot-state.js';
import { contentVersion } from '../shared/plant/plant-index.js';
import { testPlantWith } from '../shared/plant/test-plant.js';
import type { OptimizationRunInput, OptimizationRunResult } from '../shared/orchestration/schemas.js';
import type { CellStateDoc } from '../shared/telemetry/hot-state.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const at = args.indexOf('--repeat');
  const repeat = at >= 0 ? Math.max(1, Number(args[at + 1]) || 1) : 3;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-orchestration-'));
  // The plant the runs describe: the test plant's base cell on a 24-cell and a 300-cell line.
  const plant = testPlantWith({ L24: 24, L300: 300 });
  const plantFile = path.join(tmp, 'plant.json');
  writeFileSync(plantFile, JSON.stringify(plant));
  const host = await startDevhost({
    appEntry: 'bench/support/orchestration-app.ts',
    appDir: repoRoot,
    dataDir: path.join(tmp, 'data'),
    httpPort: 0,
    startAzurite: true,
    startCosmos: true,
    logLevel: 'error',
    settings: { COSMOS_DATABASE: 'bench', DURABLE_TASK_HUB: 'Bench', PLANT_MODEL_FILE: plantFile },
  });
  const activityMs = new Map<string, number[]>();
  host.events.on('invocation', (e) => {
    if (e.triggerType.toLowerCase() === 'activitytrigger')
      activityMs.set(e.functionName, [...(activityMs.get(e.functionName) ?? []), e.durationMs]);
  });
  const api = `${host.httpUrl}/runtime/webhooks/durabletask`;
  const headers = { 'x-functions-key': host.keys.systemKey('durabletask_extension') };
  const runToEnd = async (name: string, id: string, input: unknown): Promise<{ wallMs: number; output: unknown }> => {
    const t0 = performance.now();
    const res = await fetch(`${api}/orchestrators/${name}/${id}`, {
      method: 'POST',
      body: JSON.stringify(input),
      headers,
    });
    if (res.status !== 202) throw new Error(`start of ${name} refused: ${res.status} ${await res.text()}`);
    const status = await waitFor(
      `${id} to finish`,
      async () => {
        const s = (await (await fetch(`${api}/instances/${id}`, { headers })).json()) as {
          runtimeStatus: string;
          output: unknown;
        };
        return s.runtimeStatus === 'Completed' || s.runtimeStatus === 'Failed' ? s : undefined;
      },
      120_000,
    );
    if (status.runtimeStatus !== 'Completed') throw new Error(`${id} failed: ${String(status.output)}`);
    return { wallMs: performance.now() - t0, output: status.output };
  };

  try {
    const hot = await CosmosHotStateStore.create(
      cosmosClient({ COSMOS_ENDPOINT: process.env.COSMOS_ENDPOINT, COSMOS_KEY: process.env.COSMOS_KEY }),
      'bench',
      { createIfMissing: true },
    );
    // Lines of 24 and 300 simulated cells; their documents are re-stamped to "now" before each run (the run only
    // describes cells whose readings are fresh).
    const small = (
      await cellStateDocs(
        createPotline({ lines: 1, cellsPerLine: 24, seed: 1, feederChokesPerCellDay: 0, lineRampsPerDay: 0 }),
      )
    ).map((d) => renamed(d, 'L1', 'L24'));
    const large = (
      await cellStateDocs(
        createPotline({ lines: 1, cellsPerLine: 300, seed: 2, feederChokesPerCellDay: 0, lineRampsPerDay: 0 }),
      )
    ).map((d) => renamed(d, 'L1', 'L300'));
    const lines: Record<string, unknown> = {};
    for (const [lineId, docs] of [
      ['L24', small],
      ['L300', large],
    ] as const) {
      const walls: number[] = [];
      let last: OptimizationRunResult | undefined;
      activityMs.clear();
      for (let i = 0; i < repeat; i++) {
        await Promise.all(restamped(docs).map((d) => hot.upsertCell(d)));
        const input: OptimizationRunInput = {
          lineId,
          mode: 'closed-loop',
          userConstraints: [],
          approvalTimeoutMinutes: 30,
          requestedBy: 'bench',
          trigger: 'api',
          correlationId: `bench-${lineId}-${i}`,
          modelVersion: 'bench',
          plantVersion: contentVersion(plant),
        };
        const r = await runToEnd('optimizationRun', `opt-${lineId}-bench${i}`, input);
        walls.push(Math.round(r.wallMs));
        last = r.output as OptimizationRunResult;
      }
      lines[lineId] = {
        cells: docs.length - 1,
        wallMs: walls,
        medianWallMs: median(walls),
        outcome: last?.outcome,
        setPointEvents: last?.setPointEvents,
        secChangePct:
          last?.proposal?.secChangePct === null || last?.proposal?.secChangePct === undefined
            ? null
            : Math.round(last.proposal.secChangePct * 100) / 100,
        activityMsPerRun: Object.fromEntries(
          [...activityMs].map(([name, ms]) => [
            name,
            { calls: ms.length / repeat, totalMs: Math.round(ms.reduce((a, b) => a + b, 0) / repeat) },
          ]),
        ),
      };
    }

    const fanOutN = 300;
    const chainN = 50;
    await runToEnd('benchFanOut', 'warm-up', 10);
    const fan = await runToEnd('benchFanOut', 'fan', fanOutN);
    const chain = await runToEnd('benchChain', 'chain', chainN);
    return {
      optimizationRun: lines,
      targetMs300Cells: 10_000,
      devhostOverheadPerActivityCall: {
        fanOut: {
          calls: fanOutN,
          wallMs: Math.round(fan.wallMs),
          msPerCall: Math.round((fan.wallMs / fanOutN) * 100) / 100,
        },
        chained: {
          calls: chainN,
          wallMs: Math.round(chain.wallMs),
          msPerCall: Math.round((chain.wallMs / chainN) * 100) / 100,
          note: 'one orchestrator replay per call: history grows, so later calls cost more',
        },
      },
    };
  } finally {
    await host.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The document under another line id (cell L1-C007 → L300-C007), so two simulated lines can share one database. */
function renamed(d: CellStateDoc, from: string, to: string): CellStateDoc {
  const cellId = d.cellId.replace(`${from}-`, `${to}-`);
  return { ...d, id: cellId, cellId, lineId: to };
}

/** The documents with every reading moved so the newest is 1 s old. */
function restamped(docs: CellStateDoc[]): CellStateDoc[] {
  const newest = Math.max(...docs.flatMap((d) => Object.values(d.tags).map((t) => t.ts)));
  const shift = Date.now() - 1000 - newest;
  return docs.map((d) => ({
    ...d,
    updatedAtMs: d.updatedAtMs + shift,
    tags: Object.fromEntries(Object.entries(d.tags).map(([k, t]) => [k, { ...t, ts: t.ts + shift }])),
  }));
}
