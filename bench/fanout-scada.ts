/**
 * SCADA side of `npm run bench -- fanout`: recommendation → read-back-confirmed latency (DCMD out, the edge node's
 * DDATA showing the new value back) and override enforcement latency, through the Sparkplug gateway, the secured
 * embedded broker and the simulator's pot controller as edge node. Stores are either in
 * memory or on the local Cosmos-compatible server (`--stores memory|cosmos|both`, default both). The Service Bus hop
 * is not in these figures: the dispatcher is called as its trigger would call it.
 *
 * npx tsx bench/run.ts fanout-scada [--commands 200] [--stores both]
 */
import { performance } from 'node:perf_hooks';
import { startCosmos } from '../local/emulators/cosmos.js';
import { startMqttBroker } from '../local/emulators/mqtt.js';
import { startPlantEdgeNodes } from '../local/plc/plant-edge-nodes.js';
import { createPotline } from '../local/simulator/index.js';
import { MemoryAuditLog } from '../shared/kernel/audit-log.js';
import { cosmosClient } from '../shared/azure/clients.js';
import { CosmosCommandRepository, CosmosOverrideStore } from '../shared/azure/cosmos-scada-stores.js';
import { CosmosReadbackStore } from '../shared/azure/cosmos-readback-store.js';
import { MemoryReadbackStore, type ReadbackStore } from '../shared/scada/readback.js';
import { RecordingEventPublisher } from '../shared/messaging/event-publisher.js';
import { MemoryCommandRepository, type CommandRepository } from '../shared/scada/command-repository.js';
import { ScadaDispatcher } from '../shared/scada/dispatcher.js';
import { TEST_PLANT } from '../shared/plant/test-plant.js';
import { limitsFromPlant } from '../shared/scada/equipment-limits.js';
import { setpointRecommendedEvent } from '../shared/scada/events.js';
import { SparkplugScadaGateway } from '../shared/sparkplug/scada-gateway.js';
import { MemoryOverrideStore, type OverrideStore } from '../shared/scada/override.js';
import { releaseManual, requestManual } from '../shared/scada/override-service.js';
import { MemoryHotStateStore } from '../shared/telemetry/hot-state.js';

const CELLS = 10;
/** Plant time between recommendations, ms: 10 min, so each cell's hourly movement limit is never what is measured. */
const PLANT_STEP_MS = 600_000;

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const n = Number(argOf(args, '--commands') ?? 200);
  const which = argOf(args, '--stores') ?? 'both';
  const kinds = which === 'both' ? (['memory', 'cosmos'] as const) : ([which] as ['memory' | 'cosmos']);
  const out: Record<string, unknown> = {
    commands: n,
    hop: 'dispatcher called directly (no Service Bus hop); Sparkplug DCMD → edge node → DDATA read-back through the embedded broker',
  };
  for (const kind of kinds) out[kind] = await measure(kind, n);
  return out;
}

async function measure(kind: 'memory' | 'cosmos', n: number): Promise<Record<string, unknown>> {
  const broker = await startMqttBroker();
  const cosmos = kind === 'cosmos' ? await startCosmos() : undefined;
  const potline = createPotline({
    lines: 1,
    cellsPerLine: CELLS,
    seed: 3,
    feederChokesPerCellDay: 0,
    lineRampsPerDay: 0,
  });
  let plantMs = potline.nowMs();
  const gateway = await SparkplugScadaGateway.connect({
    url: broker.url,
    username: broker.host().username,
    password: broker.host().password,
    clock: () => plantMs,
  });
  const plc = await startPlantEdgeNodes({ broker, potline, options: { clock: () => plantMs } });
  while (!gateway.session.isDeviceOnline('L1-POTCTL', `L1-C${String(CELLS).padStart(3, '0')}`))
    await new Promise((r) => setTimeout(r, 5));
  let commands: CommandRepository = new MemoryCommandRepository();
  let overrides: OverrideStore = new MemoryOverrideStore();
  let readback: ReadbackStore = new MemoryReadbackStore();
  if (cosmos) {
    const client = cosmosClient({ COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: cosmos.key });
    commands = await CosmosCommandRepository.create(client, 'bench', { createIfMissing: true });
    overrides = await CosmosOverrideStore.create(client, 'bench', { createIfMissing: true });
    readback = await CosmosReadbackStore.create(client, 'bench', { createIfMissing: true });
  }
  const hotState = new MemoryHotStateStore();
  const publisher = new RecordingEventPublisher();
  const dispatcher = new ScadaDispatcher({
    commands,
    overrides,
    hotState,
    readback,
    gateway,
    publisher,
    limitsFor: limitsFromPlant({ current: async () => TEST_PLANT }),
    policy: { maxAttempts: 3, ackTimeoutMs: 2000, backoffMs: 100 },
    clock: () => plantMs,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
  const cellId = (i: number) => `L1-C${String((i % CELLS) + 1).padStart(3, '0')}`;
  // The cell's voltage and the PLC's read-back of its ACD set point, as the plant reports them before each command.
  const watch = async (id: string) => {
    hotState.docs.set(id, {
      id,
      cellId: id,
      lineId: 'L1',
      tags: { cellVoltage: { value: 4.4, unit: 'V', ts: plantMs, quality: 'good', flags: [] } },
      updatedAtMs: plantMs,
    });
    await readback.saveLatest({
      id,
      kind: 'readback',
      equipmentId: id,
      lineId: 'L1',
      fields: { acdCm: { value: potline.cell(id)!.acdTargetCm, tsMs: plantMs } },
      updatedAtMs: plantMs,
    });
  };
  const recommendation = (id: string, i: number, tag: string) => {
    const present = potline.cell(id)!.acdTargetCm;
    // Up on one pass over the cells, down on the next: stays inside the rating however many commands run.
    const target = Math.round((present + (Math.floor(i / CELLS) % 2 === 0 ? 0.05 : -0.05)) * 1000) / 1000;
    return setpointRecommendedEvent(
      {
        recommendationId: `${tag}-${i}`,
        lineId: 'L1',
        setPoints: [{ equipmentId: id, setPoint: { acdCm: target }, present: { acdCm: present } }],
      },
      { source: '/bench' },
    );
  };
  const actor = { subject: 'bench', clientId: 'bench', correlationId: 'bench' };
  const overrideDeps = { overrides, publisher, audit: new MemoryAuditLog() };

  try {
    const ackMs: number[] = [];
    const notAcked: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      plantMs += PLANT_STEP_MS;
      const id = cellId(i);
      await watch(id);
      const event = recommendation(id, i, 'rec');
      const t0 = performance.now();
      const report = await dispatcher.handle(event);
      const t1 = performance.now();
      if (report.kind === 'recommendation' && report.commands[0]?.state === 'acknowledged') ackMs.push(t1 - t0);
      else if (report.kind === 'recommendation') {
        const c = report.commands[0]!;
        const why = `${c.state}:${c.violations[0]?.rule ?? c.failure?.code ?? '?'}`;
        notAcked[why] = (notAcked[why] ?? 0) + 1;
      }
    }

    // Enforcement: from the override request (store write + event) to the next command for that cell being refused.
    const enforceMs: number[] = [];
    const requestMs: number[] = [];
    let leaked = 0;
    const rounds = Math.max(20, Math.round(n / 4));
    for (let i = 0; i < rounds; i++) {
      plantMs += PLANT_STEP_MS;
      const id = cellId(i);
      await watch(id);
      const event = recommendation(id, i, 'ovr');
      const t0 = performance.now();
      await requestManual(overrideDeps, { kind: 'cell', cellId: id }, 'bench', actor, plantMs);
      const t1 = performance.now();
      const report = await dispatcher.handle(event);
      const t2 = performance.now();
      if (report.kind === 'recommendation' && report.commands[0]?.violations.some((v) => v.rule === 'interlock-manual'))
        enforceMs.push(t2 - t0);
      else leaked++;
      requestMs.push(t1 - t0);
      await releaseManual(overrideDeps, { kind: 'cell', cellId: id }, 'bench', actor, plantMs);
    }
    return {
      recommendationToReadbackConfirmedMs: {
        ...quantiles(ackMs),
        acknowledged: ackMs.length,
        notAcknowledged: notAcked,
        targetP99: 500,
      },
      overrideEnforcementMs: {
        ...quantiles(enforceMs),
        refusedAfterOverride: enforceMs.length,
        dispatchedDespiteOverride: leaked,
        targetP99: 1000,
      },
      overrideRequestMs: quantiles(requestMs),
      plc: (({ received, applied, refused }) => ({ received, applied, refused }))(plc.counters()),
      sparkplug: gateway.stats(),
    };
  } finally {
    await gateway.close();
    await plc.stop();
    await broker.stop();
    await cosmos?.stop();
  }
}

function quantiles(xs: number[]): { p50: number; p99: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => (s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(p * s.length))]!);
  const r = (x: number) => Math.round(x * 100) / 100;
  return { p50: r(q(0.5)), p99: r(q(0.99)), max: r(s.at(-1) ?? NaN) };
}

function argOf(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
