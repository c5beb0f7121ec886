import { describe, expect, it } from 'vitest';
import { encodePayload, type MetricInput } from './codec.js';
import { SparkplugHostSession } from './host-session.js';

const G = 'smelter';
const NODE = 'L1-POTCTL';
const CELL = 'L1-C001';
const t = (verb: string, device?: string) => `spBv1.0/${G}/${verb}/${NODE}${device ? `/${device}` : ''}`;

const nbirth = (bdSeq = 0) =>
  encodePayload({
    timestamp: 1,
    seq: 0,
    metrics: [
      { name: 'bdSeq', datatype: 'Int64', value: bdSeq },
      { name: 'Node Control/Rebirth', datatype: 'Boolean', value: false },
    ],
  });
const cellBirthMetrics: MetricInput[] = [
  { name: 'Telemetry/cellVoltage', alias: 1, datatype: 'Double', value: null, properties: { engUnit: 'V' } },
  { name: 'Setpoints/acdCm', alias: 2, datatype: 'Double', value: 4.2, properties: { engUnit: 'cm' } },
  { name: 'Setpoints/feedIntervalS', alias: 3, datatype: 'Double', value: 120, properties: { engUnit: 's' } },
  { name: 'Setpoints/alf3AdditionKgPerDay', alias: 4, datatype: 'Double', value: 20, properties: { engUnit: 'kg/d' } },
];
const dbirth = (seq: number, metrics = cellBirthMetrics) => encodePayload({ timestamp: 2, seq, metrics });
const ddata = (seq: number, metrics: MetricInput[]) => encodePayload({ timestamp: 3, seq, metrics });
const voltage = (value: number): MetricInput => ({ alias: 1, timestamp: 3, datatype: 'Double', value });

/** A session with L1-POTCTL and L1-C001 born (seq 0 and 1). */
function born() {
  const s = new SparkplugHostSession();
  s.handle(t('NBIRTH'), nbirth(), 0);
  s.handle(t('DBIRTH', CELL), dbirth(1), 0);
  return s;
}

describe('Sparkplug host session: what it accepts', () => {
  it('resolves aliases to the birth’s names, units and datatypes', () => {
    const s = born();
    const r = s.handle(t('DDATA', CELL), ddata(2, [voltage(4.31)]), 0);
    expect(r.refusals).toEqual([]);
    expect(r.events).toMatchObject([
      {
        kind: 'device',
        report: {
          deviceId: CELL,
          verb: 'DDATA',
          metrics: [{ name: 'Telemetry/cellVoltage', value: 4.31, properties: { engUnit: 'V' } }],
        },
      },
    ]);
    expect(s.isDeviceOnline(NODE, CELL)).toBe(true);
  });

  it('marks the node and its devices offline on an NDEATH of the current birth, and ignores a stale one', () => {
    const s = born();
    const stale = s.handle(
      t('NDEATH'),
      encodePayload({ metrics: [{ name: 'bdSeq', datatype: 'Int64', value: 7 }] }),
      0,
    );
    expect(stale.refusals.map((r) => r.reason)).toEqual(['stale-death']);
    expect(s.isDeviceOnline(NODE, CELL)).toBe(true);
    const death = s.handle(
      t('NDEATH'),
      encodePayload({ metrics: [{ name: 'bdSeq', datatype: 'Int64', value: 0 }] }),
      0,
    );
    expect(death.events).toEqual([{ kind: 'node-death', edgeNodeId: NODE, deviceIds: [CELL] }]);
    expect(s.isDeviceOnline(NODE, CELL)).toBe(false);
  });
});

describe('Sparkplug host session: bad input is refused with a reason, counted, and a rebirth restores state', () => {
  it('refuses a malformed protobuf without asking for a rebirth', () => {
    const s = born();
    const r = s.handle(t('DDATA', CELL), new Uint8Array([0x7f, 0x01]), 0);
    expect(r.refusals.map((x) => x.reason)).toEqual(['malformed-protobuf']);
    expect(r.rebirth).toBeUndefined();
    expect(s.refusals()['malformed-protobuf']).toBe(1);
  });

  it('refuses an unknown alias and asks for a rebirth, which restores decoding', () => {
    const s = born();
    const r = s.handle(t('DDATA', CELL), ddata(2, [{ alias: 99, datatype: 'Double', value: 1 }, voltage(4.3)]), 0);
    expect(r.refusals.map((x) => x.reason)).toEqual(['unknown-alias']);
    expect(r.rebirth).toMatchObject({ edgeNodeId: NODE, reason: 'unknown-alias' });
    // The good metric of the same message still counts.
    expect(r.events[0]).toMatchObject({ report: { metrics: [{ name: 'Telemetry/cellVoltage' }] } });
    s.handle(t('NBIRTH'), nbirth(), 10);
    s.handle(
      t('DBIRTH', CELL),
      dbirth(1, [...cellBirthMetrics, { name: 'Telemetry/new', alias: 99, datatype: 'Double', value: null }]),
      10,
    );
    const after = s.handle(t('DDATA', CELL), ddata(2, [{ alias: 99, datatype: 'Double', value: 1 }]), 10);
    expect(after.refusals).toEqual([]);
  });

  it('refuses a metric whose datatype differs from its birth', () => {
    const s = born();
    const r = s.handle(t('DDATA', CELL), ddata(2, [{ alias: 2, datatype: 'String', value: '4.6' }]), 0);
    expect(r.refusals.map((x) => x.reason)).toEqual(['wrong-datatype']);
    expect(r.events[0]).toMatchObject({ report: { metrics: [] } });
  });

  it('counts a seq gap and asks for a rebirth, at most once per interval', () => {
    const s = born();
    const r = s.handle(t('DDATA', CELL), ddata(5, [voltage(4.3)]), 0);
    expect(r.refusals.map((x) => x.reason)).toEqual(['seq-gap']);
    expect(r.rebirth).toMatchObject({ reason: 'seq-gap' });
    const again = s.handle(t('DDATA', CELL), ddata(9, [voltage(4.3)]), 1000);
    expect(again.rebirth).toBeUndefined();
    expect(s.refusals()['seq-gap']).toBe(2);
    expect(s.rebirthsRequested).toBe(1);
  });

  it('refuses DATA before BIRTH and asks for a rebirth', () => {
    const s = new SparkplugHostSession();
    const r = s.handle(t('DDATA', CELL), ddata(3, [voltage(4.3)]), 0);
    expect(r.refusals.map((x) => x.reason)).toEqual(['data-before-birth']);
    expect(r.rebirth).toMatchObject({ edgeNodeId: NODE });
  });

  it('refuses a cell’s DBIRTH that declares no set-point metrics, and its data after it', () => {
    const s = new SparkplugHostSession();
    s.handle(t('NBIRTH'), nbirth(), 0);
    const r = s.handle(t('DBIRTH', CELL), dbirth(1, cellBirthMetrics.slice(0, 2)), 0);
    expect(r.refusals).toMatchObject([
      { reason: 'birth-missing-setpoints', detail: expect.stringContaining('feedIntervalS') },
    ]);
    expect(s.isDeviceOnline(NODE, CELL)).toBe(false);
    const data = s.handle(t('DDATA', CELL), ddata(2, [voltage(4.3)]), 0);
    expect(data.refusals.map((x) => x.reason)).toEqual(['data-before-birth']);
  });

  it('refuses a flood from one node beyond its rate, and takes it again once the rate allows', () => {
    const s = new SparkplugHostSession({ floodMessagesPerS: 100, floodBurst: 10 });
    s.handle(t('NBIRTH'), nbirth(), 0);
    s.handle(t('DBIRTH', CELL), dbirth(1), 0);
    let seq = 2;
    let refused = 0;
    for (let i = 0; i < 50; i++) {
      const r = s.handle(t('DDATA', CELL), ddata(seq, [voltage(4.3)]), 0);
      if (r.refusals.some((x) => x.reason === 'flood')) refused++;
      else seq++;
    }
    expect(refused).toBeGreaterThan(30);
    const later = s.handle(t('DDATA', CELL), ddata(seq, [voltage(4.3)]), 1000);
    expect(later.refusals).toEqual([]);
  });

  it('never throws on arbitrary bytes or topics', () => {
    const s = born();
    for (let i = 0; i < 200; i++) {
      const bytes = Uint8Array.from({ length: (i * 7) % 40 }, (_, j) => (i * 31 + j * 17) % 256);
      expect(() => s.handle(i % 2 ? t('DDATA', CELL) : `spBv1.0/${G}/XDATA/${i}`, bytes, i)).not.toThrow();
    }
  });
});
