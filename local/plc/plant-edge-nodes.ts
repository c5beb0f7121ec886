/** The simulated plant's pot controllers: one Sparkplug edge node per line, each with its own broker credentials. */
import { DEFAULT_HOST_ID, edgeNodeOfLine } from '../../shared/sparkplug/topic.js';
import type { MqttBrokerHandle } from '../emulators/mqtt.js';
import type { Potline } from '../simulator/index.js';
import { startEdgeNode, type EdgeNodeCounters, type EdgeNodeHandle, type EdgeNodeOptions } from './edge-node.js';

export interface PlantEdgeNodes {
  readonly byLine: ReadonlyMap<string, EdgeNodeHandle>;
  /** Sums over the lines: commands received, applied and refused (every code together). */
  counters(): { received: number; applied: number; refused: number; nodes: EdgeNodeCounters[] };
  stop(): Promise<void>;
}

export async function startPlantEdgeNodes(o: {
  broker: Pick<MqttBrokerHandle, 'url' | 'edge'>;
  potline: Potline;
  lineIds?: readonly string[];
  primaryHostId?: string;
  options?: Partial<Omit<EdgeNodeOptions, 'brokerUrl' | 'username' | 'password' | 'potline' | 'lineId'>>;
}): Promise<PlantEdgeNodes> {
  const lineIds = o.lineIds ?? o.potline.lines.map((l) => l.lineId);
  const nodes = await Promise.all(
    lineIds.map((lineId) => {
      const creds = o.broker.edge(edgeNodeOfLine(lineId));
      return startEdgeNode({
        primaryHostId: o.primaryHostId ?? DEFAULT_HOST_ID,
        ...o.options,
        brokerUrl: o.broker.url,
        username: creds.username,
        password: creds.password,
        potline: o.potline,
        lineId,
      });
    }),
  );
  const byLine = new Map(lineIds.map((id, i) => [id, nodes[i]!]));
  return {
    byLine,
    counters() {
      const all = nodes.map((n) => n.counters());
      const sum = (f: (c: EdgeNodeCounters) => number) => all.reduce((s, c) => s + f(c), 0);
      return {
        received: sum((c) => c.commandsReceived),
        applied: sum((c) => c.commandsApplied),
        refused: sum((c) => Object.values(c.commandsRefused).reduce((a, b) => a + b, 0)),
        nodes: all,
      };
    },
    stop: async () => {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };
}
