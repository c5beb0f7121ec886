/**
 * A good-quality cell voltage dated 2099 once became its cell's latest value for good: the stale-data interlock saw a
 * negative age and the anode-effect interlock kept reading the frozen value, and the alert rules of that cell skipped
 * every real point after it as "late". Here it is quarantined at ingest, the latest value stays the real one, and
 * every check that uses an age fires when the real data stops.
 */
import { describe, expect, it } from 'vitest';
import { parseAlertRule } from '../../shared/alerts/rule.js';
import { MemoryAlertRuleStore, MemoryAlertStore } from '../../shared/alerts/store.js';
import { TelemetryAlertConsumer } from '../../shared/alerts/telemetry-consumer.js';
import type { Notification, Notifier } from '../../shared/alerts/notifier.js';
import { decodeJsonl } from '../../shared/lake/jsonl.js';
import { listAll, MemoryLakeStore } from '../../shared/lake/lake-store.js';
import { RecordingEventPublisher } from '../../shared/messaging/event-publisher.js';
import { tagResolverOf } from '../../shared/plant/tag-resolver.js';
import { TEST_ENVELOPE_LIMITS, TEST_PLANT } from '../../shared/plant/test-plant.js';
import { envelopeViolations, type EnvelopeContext } from '../../shared/scada/envelope.js';
import { newSensorStateStore } from '../../shared/telemetry/cleanse.js';
import { MemoryHotStateStore } from '../../shared/telemetry/hot-state.js';
import { ingestBatch, type IngestEvent } from '../../shared/telemetry/ingest.js';
import type { QuarantineRecord } from '../../shared/telemetry/records.js';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const FUTURE = '2099-01-01T00:00:00.000Z';
const enc = new TextEncoder();

const voltage = (ts: number | string, value: number) => ({
  lineId: 'L1',
  cellId: 'L1-C001',
  tag: 'cellVoltage',
  ts,
  value,
  unit: 'V',
  quality: 'good',
});
const event = (seq: number, points: unknown[], enqueuedMs: number): IngestEvent => ({
  body: enc.encode(JSON.stringify(points)),
  partition: '0',
  sequenceNumber: seq,
  enqueuedTimeUtc: new Date(enqueuedMs),
});

/** The envelope's verdict on a small ACD step of L1-C001 at `nowMs`, seeing the cell's latest values. */
function interlocks(state: EnvelopeContext['equipmentState'], nowMs: number): string[] {
  return envelopeViolations(
    { commandId: 'cmd-1', equipmentId: 'L1-C001', lineId: 'L1', action: 'setpoint', setPoint: { acdCm: 2.95 } },
    {
      nowMs,
      equipmentState: state,
      manualOverrides: [],
      reported: { acdCm: { value: 2.9, tsMs: nowMs - 1000 } },
      unconfirmed: {},
      recentMoves: [],
      unverifiable: [],
    },
    TEST_ENVELOPE_LIMITS,
  ).map((v) => v.rule);
}

class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  async notify(n: Notification): Promise<void> {
    this.sent.push(n);
  }
}

describe('a point dated 2099', () => {
  it('is quarantined FUTURE_TIMESTAMP, leaves the latest value alone, and the stale-data check fires when data stops', async () => {
    const lake = new MemoryLakeStore();
    const hotState = new MemoryHotStateStore();
    const deps = {
      lake,
      hotState,
      sensors: newSensorStateStore(31),
      settings: {
        TELEMETRY_HUB: 'telemetry',
        TELEMETRY_CONSUMER_GROUP: 'ingest',
        CLEANSING_WINDOW: 31,
        INTERPOLATE_MAX_GAP_INTERVALS: 5,
      },
      tags: tagResolverOf(TEST_PLANT),
      log: { info: () => {}, warn: () => {}, error: () => {} },
      now: () => T0 + 30_000,
    };
    const real = Array.from({ length: 10 }, (_, i) => voltage(T0 + i * 1000, 4.3 + (i % 2) * 0.01));
    await ingestBatch([event(1, real, T0 + 10_000)], deps);
    // The same cell, good quality, in anode-effect territory and dated 2099: once it froze the cell's state.
    const summary = await ingestBatch([event(2, [voltage(FUTURE, 9.5)], T0 + 11_000)], deps);

    expect(summary.quarantinedByReason).toEqual({ FUTURE_TIMESTAMP: 1 });
    const q: QuarantineRecord[] = [];
    for (const e of await listAll(lake, 'quarantine', 'telemetry/'))
      q.push(...decodeJsonl<QuarantineRecord>((await lake.get('quarantine', e.path))!));
    expect(q).toMatchObject([{ reason: 'FUTURE_TIMESTAMP', field: 'ts', sequenceNumber: 2, pointIndex: 0 }]);
    const latest = hotState.docs.get('L1-C001')!.tags.cellVoltage!;
    expect(latest).toMatchObject({ ts: T0 + 9000, value: 4.31 });

    const state = hotState.docs.get('L1-C001');
    expect(interlocks(state, T0 + 12_000)).toEqual([]);
    // Real data stops: once the newest real reading is older than the limit, nothing may move the cell.
    expect(interlocks(state, T0 + 9000 + TEST_ENVELOPE_LIMITS.staleDataMaxAgeMs + 1)).toEqual(['interlock-stale-data']);
  });

  it('a latest value already stored with a 2099 date is stale to the envelope and gives way to the next real reading', async () => {
    const hotState = new MemoryHotStateStore();
    await hotState.upsertCell({
      id: 'L1-C001',
      cellId: 'L1-C001',
      lineId: 'L1',
      tags: { cellVoltage: { value: 9.5, unit: 'V', ts: Date.parse(FUTURE), quality: 'good', flags: [] } },
      updatedAtMs: T0,
    });
    expect(interlocks(await hotState.getCell('L1-C001'), T0)).toContain('interlock-stale-data');
    await ingestBatch([event(1, [voltage(T0, 4.32)], T0 + 1000)], {
      lake: new MemoryLakeStore(),
      hotState,
      sensors: newSensorStateStore(31),
      settings: {
        TELEMETRY_HUB: 'telemetry',
        TELEMETRY_CONSUMER_GROUP: 'ingest',
        CLEANSING_WINDOW: 31,
        INTERPOLATE_MAX_GAP_INTERVALS: 5,
      },
      tags: tagResolverOf(TEST_PLANT),
      log: { info: () => {}, warn: () => {}, error: () => {} },
      now: () => T0 + 2000,
    });
    expect(hotState.docs.get('L1-C001')!.tags.cellVoltage).toMatchObject({ ts: T0, value: 4.32 });
    expect(interlocks(hotState.docs.get('L1-C001'), T0 + 2000)).toEqual([]);
  });

  it('does not blind the alert rules of its cell: later real points are judged, and silence is noticed', async () => {
    let now = T0;
    const rules = new MemoryAlertRuleStore();
    const actor = { subject: 'eng-1', clientId: 'c', correlationId: 'corr' };
    await rules.create(
      parseAlertRule({
        id: 'ae',
        name: 'Anode effect',
        scope: { tag: 'cellVoltage' },
        condition: { kind: 'above', raise: 8, clear: 5 },
        severity: 'critical',
        channels: ['ops'],
      }),
      actor,
      T0,
      () => [],
    );
    await rules.create(
      parseAlertRule({
        id: 'silent',
        name: 'Cell voltage silent',
        scope: { tag: 'cellVoltage', cellId: 'L1-C001' },
        condition: { kind: 'missing_data', afterS: 60 },
        severity: 'warning',
        channels: ['ops'],
      }),
      actor,
      T0,
      () => [],
    );
    const notifier = new RecordingNotifier();
    const consumer = new TelemetryAlertConsumer({
      rules,
      store: new MemoryAlertStore(),
      notifier,
      publisher: new RecordingEventPublisher(),
      clock: { nowMs: () => now },
      refreshMs: 30_000,
    });
    const body = (ts: number | string, value: number) => JSON.stringify(voltage(ts, value));

    now = T0 + 1000;
    const first = await consumer.handle([body(T0, 4.3), body(FUTURE, 4.3)]);
    expect(first.skipped).toEqual({ FUTURE_TIMESTAMP: 1 });
    // A real anode effect after the 2099 point is judged and raised.
    now = T0 + 11_000;
    await consumer.handle([body(T0 + 10_000, 9.2)]);
    expect(notifier.sent.map((n) => `${n.action}:${n.alert.ruleId}`)).toEqual(['raised:ae']);
    // Then the cell goes quiet: the missing-data rule raises once its minute has passed.
    now = T0 + 10_000 + 61_000;
    await consumer.handle([]);
    expect(notifier.sent.map((n) => `${n.action}:${n.alert.ruleId}`)).toEqual(['raised:ae', 'raised:silent']);
  });
});
