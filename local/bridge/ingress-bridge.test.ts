import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMqttBroker, type MqttBrokerHandle } from '../emulators/mqtt.js';
import { startEdgeNode, type EdgeNodeHandle } from '../plc/edge-node.js';
import { plantSink } from '../plc/plant-sink.js';
import {
  createPotline,
  runSimulator,
  virtualClock,
  type EmittedPoint,
  type EventBody,
  type Potline,
} from '../simulator/index.js';
import { startIngressBridge, type IngressBridgeHandle } from './ingress-bridge.js';

const keyOf = (p: { cellId: string; tag: string; seq?: number }) => `${p.cellId}|${p.tag}|${p.seq}`;

function pointsIn(bodies: readonly { body: string }[]): EmittedPoint[] {
  return bodies.flatMap(({ body }) => {
    try {
      const parsed = JSON.parse(body) as EmittedPoint | EmittedPoint[] | { points: EmittedPoint[] };
      return Array.isArray(parsed) ? parsed : 'points' in parsed ? parsed.points : [parsed];
    } catch {
      return [];
    }
  });
}

async function until(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ingress bridge: MQTT → hub, at least once', () => {
  let broker: MqttBrokerHandle;
  let edge: EdgeNodeHandle;
  let potline: Potline;
  let dir: string;
  const bridges: IngressBridgeHandle[] = [];
  /** What the hub accepted; it answers slowly, so messages are in flight when a bridge dies. */
  const hubBodies: EventBody[] = [];
  let hubDown = false;
  /**
   * A bridge's own connection to the hub: once its process is "killed" nothing it still had in hand reaches the hub,
   * as when the process dies (here the killed bridge's promises would otherwise finish in this test's process).
   */
  const hubFor = (dieAtSend = Infinity, onDie: () => void = () => {}, answerMs = 1) => {
    const conn = { dead: false, sends: 0 };
    return {
      conn,
      sink: {
        send: async (bodies: EventBody[]) => {
          // The process dies in the middle of a send (its acknowledgements so far have left): this one and every one
          // still in hand never reach the hub.
          if (++conn.sends === dieAtSend)
            setTimeout(() => {
              conn.dead = true;
              onDie();
            }, answerMs / 2);
          await new Promise((r) => setTimeout(r, answerMs));
          if (conn.dead) throw new Error('the bridge process is gone');
          if (hubDown) throw new Error('hub unavailable');
          hubBodies.push(...bodies);
        },
      },
    };
  };
  const bridge = (hub: ReturnType<typeof hubFor>) =>
    startIngressBridge({
      brokerUrl: broker.url,
      ...broker.bridge(),
      hub: hub.sink,
      stateDir: dir,
    }).then((b) => (bridges.push(b), b));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bridge-'));
    broker = await startMqttBroker();
    potline = createPotline({ lines: 1, cellsPerLine: 4, seed: 5, feederChokesPerCellDay: 0, lineRampsPerDay: 0 });
  });

  afterAll(async () => {
    for (const b of bridges) await b.stop().catch(() => undefined);
    await edge?.stop();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses nothing when the bridge is killed mid-stream and restarted, nor while the hub refuses', async () => {
    const firstRef: { bridge?: IngressBridgeHandle } = {};
    // A slow hub: a bridge that acknowledged before the hub answered would have many messages in hand when it dies.
    const firstHub = hubFor(25, () => firstRef.bridge!.kill(), 20);
    firstRef.bridge = await bridge(firstHub);
    const creds = broker.edge('L1-POTCTL');
    edge = await startEdgeNode({ brokerUrl: broker.url, ...creds, potline, lineId: 'L1' });
    const sent: EventBody[] = [];
    const toPlant = plantSink(new Map([['L1', edge]]));
    const sink = {
      send: async (bodies: EventBody[]) => {
        sent.push(...bodies);
        await toPlant.send(bodies);
      },
    };
    const run = (seconds: number) =>
      runSimulator({ potline, sink, durationS: seconds, clock: virtualClock(potline.nowMs()), ratePerMin: 6000 }).done;

    await run(60);
    await until(() => firstHub.conn.dead, 'the first bridge dying mid-send');
    await run(60);
    hubDown = true;
    const second = await bridge(hubFor());
    await until(() => second.counters().hubRetries > 0, 'the bridge retrying the hub');
    hubDown = false;
    const sentKeys = new Set(pointsIn(sent).map(keyOf));
    const lost = () => {
      const arrived = new Set(pointsIn(hubBodies).map(keyOf));
      return [...sentKeys].filter((k) => !arrived.has(k));
    };
    // Everything arrives in the end; if something never does, the assertion below names it.
    await until(() => lost().length === 0, 'every point in the hub').catch(() => undefined);
    expect(sentKeys.size).toBeGreaterThan(500);
    expect(lost()).toEqual([]);
    expect(second.counters().ddataMessages).toBeGreaterThan(0);
    // Bodies the simulator corrupted reach the hub as undecodable payloads, for ingest to quarantine.
    const corrupt = sent.filter((b) => pointsIn([b]).length === 0).length;
    const undecodable = hubBodies.filter((b) => b.body.startsWith('sparkplug-undecodable ')).length;
    expect(undecodable).toBeGreaterThanOrEqual(corrupt);
    expect(hubBodies.every((b) => b.partitionKey.startsWith('L1-'))).toBe(true);
    // A restarted bridge decodes the backlog with the births it kept, without waiting for a rebirth.
    expect(second.counters().refusals['unknown-alias']).toBe(0);
    expect(second.counters().refusals['data-before-birth']).toBe(0);
  }, 60_000);
});
