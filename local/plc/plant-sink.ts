/**
 * The simulator's telemetry through the plant's edge nodes: each body the simulator makes is split by device and
 * published by its line's pot controller as DDATA. A body the simulator corrupted on purpose (its gateway faults)
 * becomes a DDATA payload no protobuf reader accepts, so the ingress path meets its Sparkplug equivalent.
 */
import type { EventBody, EmittedPoint, TelemetrySink } from '../simulator/index.js';
import { lineOfEquipment } from '../../shared/plant/set-point.js';
import type { EdgeNodeHandle } from './edge-node.js';

export function plantSink(nodesByLine: ReadonlyMap<string, EdgeNodeHandle>): TelemetrySink {
  return {
    async send(bodies: EventBody[]) {
      const byLine = new Map<string, { points: Map<string, EmittedPoint[]>; corrupt: string[] }>();
      const slot = (lineId: string) => {
        let s = byLine.get(lineId);
        if (!s) byLine.set(lineId, (s = { points: new Map(), corrupt: [] }));
        return s;
      };
      for (const { body, partitionKey } of bodies) {
        const s = slot(lineOfEquipment(partitionKey));
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          s.corrupt.push(partitionKey);
          continue;
        }
        const points = (
          Array.isArray(parsed)
            ? parsed
            : Array.isArray((parsed as { points?: unknown }).points)
              ? (parsed as { points: unknown[] }).points
              : [parsed]
        ) as EmittedPoint[];
        for (const p of points) {
          const list = s.points.get(p.cellId);
          if (list) list.push(p);
          else s.points.set(p.cellId, [p]);
        }
      }
      await Promise.all([...byLine].map(([lineId, s]) => nodesByLine.get(lineId)?.publishPoints(s.points, s.corrupt)));
    },
  };
}
