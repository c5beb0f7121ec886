import { describe, expect, it } from 'vitest';
import type { HubEvent, TelemetryHubSender } from '../telemetry/hub-sender.js';
import { birthsInForce, MemoryBirthStore } from './birth-store.js';
import { encodePayload, type MetricInput } from './codec.js';
import { RoutedSparkplugIngress } from './routed-ingress.js';

const G = 'smelter';
const NODE = 'L1-POTCTL';
const CELL = 'L1-C001';
const topic = (verb: string, device?: string) => `spBv1.0/${G}/${verb}/${NODE}${device ? `/${device}` : ''}`;
const T0 = Date.UTC(2026, 11, 7, 12);

/** A message as Event Grid's broker routes it to the Event Hub (structured CloudEvent JSON). */
function routed(t: string, payload: Uint8Array, atMs: number, publisher = NODE): string {
  return JSON.stringify({
    specversion: '1.0',
    id: `${t}@${atMs}`,
    type: 'MQTT.EventPublished',
    source: 'eg-smelter-plant',
    subject: t,
    time: new Date(atMs).toISOString(),
    data_base64: Buffer.from(payload).toString('base64'),
    edgenode: publisher,
  });
}

const nbirth = (bdSeq: number) =>
  encodePayload({ timestamp: T0, seq: 0, metrics: [{ name: 'bdSeq', datatype: 'Int64', value: bdSeq }] });
const cellBirth: MetricInput[] = [
  { name: 'Telemetry/cellVoltage', alias: 1, datatype: 'Double', value: 4.3, properties: { engUnit: 'V' } },
  { name: 'Setpoints/acdCm', alias: 2, datatype: 'Double', value: 2.9, properties: { engUnit: 'cm' } },
  { name: 'Setpoints/feedIntervalS', alias: 3, datatype: 'Double', value: 120, properties: { engUnit: 's' } },
  { name: 'Setpoints/alf3AdditionKgPerDay', alias: 4, datatype: 'Double', value: 25, properties: { engUnit: 'kg/d' } },
];
const dbirth = (seq: number, metrics = cellBirth) => encodePayload({ timestamp: T0, seq, metrics });
const ddata = (seq: number, volts: number, atMs: number) =>
  encodePayload({
    timestamp: atMs,
    seq,
    metrics: [{ alias: 1, timestamp: atMs, datatype: 'Double', value: volts, properties: { seq: seq * 10 } }],
  });

/** The telemetry hub as a list, refusing while `down` is set (a hub that is away). */
class RecordingHub implements TelemetryHubSender {
  readonly accepted: HubEvent[] = [];
  down = false;
  async send(events: readonly HubEvent[]): Promise<void> {
    if (this.down) throw new Error('the hub is unavailable');
    this.accepted.push(...events);
  }
}

const points = (hub: RecordingHub) =>
  hub.accepted
    .filter((e) => e.body.startsWith('['))
    .flatMap((e) => (JSON.parse(e.body) as { cellId: string; tag: string; value: number }[]).map((p) => p));

describe('ingress of routed Sparkplug messages (Event Grid → plant-mqtt hub → telemetry hub)', () => {
  it('decodes data by the aliases and units of its births into points of the hub contract, keyed by cell', async () => {
    const hub = new RecordingHub();
    const ingress = new RoutedSparkplugIngress({ births: new MemoryBirthStore(), hub, clock: () => T0 });
    const summary = await ingress.ingest([
      routed(topic('NBIRTH'), nbirth(0), T0),
      routed(topic('DBIRTH', CELL), dbirth(1), T0 + 1),
      routed(topic('DDATA', CELL), ddata(2, 4.41, T0 + 2000), T0 + 2000),
    ]);
    expect(summary).toMatchObject({ events: 3, births: 2, ddata: 1, undecodable: 0, refusals: {} });
    expect(hub.accepted.every((e) => e.partitionKey === CELL)).toBe(true);
    const voltage = points(hub).find((p) => p.tag === 'cellVoltage' && p.value === 4.41);
    expect(voltage).toMatchObject({ lineId: 'L1', cellId: CELL, unit: 'V', ts: T0 + 2000, quality: 'good', seq: 20 });
    // Only data goes on, as from the local bridge: a birth's values are its declarations.
    expect(points(hub)).toHaveLength(1);
  });

  it('decodes, after a restart, the data that follows births only the store remembers', async () => {
    const births = new MemoryBirthStore();
    const first = new RoutedSparkplugIngress({ births, hub: new RecordingHub(), clock: () => T0 });
    await first.ingest([routed(topic('NBIRTH'), nbirth(3), T0), routed(topic('DBIRTH', CELL), dbirth(1), T0 + 1)]);

    const hub = new RecordingHub();
    const restarted = new RoutedSparkplugIngress({ births, hub, clock: () => T0 + 60_000 });
    const summary = await restarted.ingest([routed(topic('DDATA', CELL), ddata(7, 4.52, T0 + 60_000), T0 + 60_000)]);
    expect(summary.refusals).toEqual({});
    expect(points(hub)).toMatchObject([{ cellId: CELL, tag: 'cellVoltage', value: 4.52 }]);
  });

  it('sends a batch again whole after the hub refused it, so nothing is lost (at least once)', async () => {
    const hub = new RecordingHub();
    const ingress = new RoutedSparkplugIngress({ births: new MemoryBirthStore(), hub, clock: () => T0 });
    const batch = [
      routed(topic('NBIRTH'), nbirth(0), T0),
      routed(topic('DBIRTH', CELL), dbirth(1), T0 + 1),
      routed(topic('DDATA', CELL), ddata(2, 4.33, T0 + 1000), T0 + 1000),
    ];
    hub.down = true;
    await expect(ingress.ingest(batch)).rejects.toThrow(/unavailable/);
    hub.down = false;
    await ingress.ingest(batch);
    expect(
      points(hub)
        .filter((p) => p.tag === 'cellVoltage')
        .map((p) => p.value),
    ).toEqual([4.33]);
  });

  it('sends what it cannot read on to the hub for quarantine, with a reason counted, and never throws for it', async () => {
    const hub = new RecordingHub();
    const ingress = new RoutedSparkplugIngress({ births: new MemoryBirthStore(), hub, clock: () => T0 });
    const summary = await ingress.ingest([
      routed(topic('NBIRTH'), nbirth(0), T0),
      routed(topic('DBIRTH', CELL), dbirth(1), T0 + 1),
      routed(topic('DDATA', CELL), new Uint8Array([0xff, 0x01, 0x02]), T0 + 2),
      '{"not":"a cloud event"}',
      new Uint8Array([0, 159, 146, 150]),
      routed(topic('DDATA', CELL), ddata(3, 4.4, T0 + 3), T0 + 3, 'L2-POTCTL'),
    ]);
    expect(summary.undecodable).toBe(3);
    expect(summary.refusals).toMatchObject({ 'malformed-protobuf': 1, 'not-routed': 2, 'wrong-publisher': 1 });
    const quarantined = hub.accepted.filter((e) => e.body.startsWith('sparkplug-undecodable'));
    expect(quarantined.map((e) => e.partitionKey)).toEqual([CELL, 'plant-mqtt', 'plant-mqtt']);
    expect(points(hub).some((p) => p.value === 4.4)).toBe(false);
  });

  it('takes a node’s newest birth and only the device births after it as the births in force', async () => {
    const births = new MemoryBirthStore();
    const ingress = new RoutedSparkplugIngress({ births, hub: new RecordingHub(), clock: () => T0 });
    await ingress.ingest([
      routed(topic('NBIRTH'), nbirth(0), T0),
      routed(topic('DBIRTH', CELL), dbirth(1), T0 + 1),
      routed(topic('DBIRTH', 'L1-C002'), dbirth(2), T0 + 2),
      routed(topic('NBIRTH'), nbirth(1), T0 + 10),
      routed(topic('DBIRTH', CELL), dbirth(1), T0 + 11),
    ]);
    const inForce = birthsInForce(await births.birthsOf(NODE)).map((b) => b.topic);
    expect(inForce).toEqual([topic('NBIRTH'), topic('DBIRTH', CELL)]);
  });
});
