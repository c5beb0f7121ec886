/**
 * Ingress in Azure: Event Grid's MQTT broker routes every plant message, raw, to the Event Hub `plant-mqtt` (one
 * CloudEvent per MQTT message, partition key = the publishing edge node, so a node's births and data come in order).
 * This decodes them as the local bridge does (local/bridge) and puts telemetry points of the hub's contract on the
 * telemetry hub, partition key = cellId: births resolve the aliases, datatypes and units of the data after them, and
 * are kept in a store before the batch is done, so an instance that starts decodes data whose births it never heard.
 *
 * At least once: the batch resolves only after the telemetry hub accepted its points; a failure rejects it, the
 * trigger delivers it again, and ingest drops the repeats (by sensor and seq). A payload that does not decode, or an
 * event that is no routed MQTT message, goes on to the hub as it came, so ingest quarantines it with a reason.
 * Rebirth requests are the Primary Host's (the SCADA gateway hears the same data on the broker and asks); this reads.
 */
import type { HubEvent, TelemetryHubSender } from '../telemetry/hub-sender.js';
import { birthsInForce, type BirthStore } from './birth-store.js';
import { REFUSAL_REASONS, SparkplugHostSession, type RefusalReason } from './host-session.js';
import { routedMessageOf } from './routed-message.js';
import { pointsOfReport } from './telemetry-points.js';
import { parseTopic } from './topic.js';

export interface RoutedIngressDeps {
  births: BirthStore;
  hub: TelemetryHubSender;
  clock: () => number;
}

/** One batch: what came, what went to the hub, what was refused and why. */
export interface RoutedIngressSummary {
  events: number;
  births: number;
  ddata: number;
  points: number;
  /** Payloads or events that could not be read, sent on as they came for ingest to quarantine. */
  undecodable: number;
  refusals: Partial<Record<RefusalReason | 'not-routed' | 'wrong-publisher', number>>;
}

/** Partition key of what cannot be traced to a cell. */
const UNKNOWN_SOURCE_KEY = 'plant-mqtt';

const newSession = () => new SparkplugHostSession({ floodMessagesPerS: 1e9, floodBurst: 1e9 });

export class RoutedSparkplugIngress {
  #session = newSession();
  /** Edge nodes whose births the session holds (heard, or read back from the store). */
  readonly #loaded = new Set<string>();

  constructor(private readonly deps: RoutedIngressDeps) {}

  /** Decodes one batch of routed events and forwards its points; rejects when the hub or the store failed. */
  async ingest(
    bodies: readonly (Uint8Array | string)[],
    enqueuedTimesMs: readonly (number | undefined)[] = [],
  ): Promise<RoutedIngressSummary> {
    try {
      return await this.#ingest(bodies, enqueuedTimesMs);
    } catch (e) {
      // The batch comes again: start over from the stored births, not from a session that saw part of it.
      this.#session = newSession();
      this.#loaded.clear();
      throw e;
    }
  }

  async #ingest(
    bodies: readonly (Uint8Array | string)[],
    enqueuedTimesMs: readonly (number | undefined)[],
  ): Promise<RoutedIngressSummary> {
    const summary: RoutedIngressSummary = { events: 0, births: 0, ddata: 0, points: 0, undecodable: 0, refusals: {} };
    const before = this.#session.refusals();
    const refuse = (reason: 'not-routed' | 'wrong-publisher') =>
      (summary.refusals[reason] = (summary.refusals[reason] ?? 0) + 1);
    const out: HubEvent[] = [];
    const undecodable = (what: string, bytes: Uint8Array, partitionKey: string) => {
      out.push({ body: `sparkplug-undecodable ${what} ${Buffer.from(bytes).toString('base64')}`, partitionKey });
      summary.undecodable++;
    };
    for (const [i, body] of bodies.entries()) {
      summary.events++;
      const m = routedMessageOf(body);
      if (!m.ok) {
        refuse('not-routed');
        undecodable(
          '(not a routed MQTT message)',
          typeof body === 'string' ? Buffer.from(body) : body,
          UNKNOWN_SOURCE_KEY,
        );
        continue;
      }
      const topic = parseTopic(m.topic);
      const nowMs = this.deps.clock();
      if (topic && topic.kind !== 'state') {
        // The broker's permissions already keep a node to its own topics; a message that says otherwise is not read.
        if (m.publisher !== undefined && m.publisher !== topic.edgeNodeId) {
          refuse('wrong-publisher');
          continue;
        }
        if (!this.#loaded.has(topic.edgeNodeId) && topic.verb !== 'NBIRTH') await this.#load(topic.edgeNodeId, nowMs);
        this.#loaded.add(topic.edgeNodeId);
      }
      const result = this.#session.handle(m.topic, m.payload, nowMs);
      if (!topic || topic.kind === 'state') continue;
      if ((topic.verb === 'NBIRTH' || topic.verb === 'DBIRTH') && result.refusals.length === 0) {
        await this.deps.births.keep({
          edgeNodeId: topic.edgeNodeId,
          topic: m.topic,
          payload: m.payload,
          bornAtMs: m.receivedMs ?? enqueuedTimesMs[i] ?? nowMs,
        });
        summary.births++;
      }
      if (topic.kind !== 'device' || topic.verb !== 'DDATA') continue;
      summary.ddata++;
      for (const e of result.events) {
        if (e.kind !== 'device') continue;
        const points = pointsOfReport(e.report);
        if (points.length === 0) continue;
        out.push({ body: JSON.stringify(points), partitionKey: e.report.deviceId });
        summary.points += points.length;
      }
      if (result.refusals.some((r) => r.reason === 'malformed-protobuf' || r.reason === 'invalid-value'))
        undecodable(m.topic, m.payload, topic.deviceId);
    }
    if (out.length > 0) await this.deps.hub.send(out);
    const after = this.#session.refusals();
    for (const r of REFUSAL_REASONS) if (after[r] > before[r]) summary.refusals[r] = after[r] - before[r];
    return summary;
  }

  /** Reads an edge node's births in force back into the session; what follows them is taken as it comes. */
  async #load(edgeNodeId: string, nowMs: number): Promise<void> {
    const births = birthsInForce(await this.deps.births.birthsOf(edgeNodeId));
    for (const b of births) {
      if (parseTopic(b.topic)?.kind === 'device') this.#session.resumeAfterReplay(edgeNodeId);
      this.#session.handle(b.topic, b.payload, nowMs);
    }
    this.#session.resumeAfterReplay(edgeNodeId);
  }
}
