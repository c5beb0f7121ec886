import { describe, expect, it } from 'vitest';
import { alertChangedEvent, alertChangeOf } from '../alerts/alert-events.js';
import { AlertBook } from '../alerts/alert.js';
import type { PlantEvent } from '../messaging/cloud-event.js';
import { runEvents } from '../orchestration/run-events.js';
import type { OptimizationRunEventData } from '../orchestration/schemas.js';
import { MemoryLakeStore } from '../lake/lake-store.js';
import { LocalAuditLedger } from '../ledger/local-ledger.js';
import { recordPlantEvent } from '../ledger/ledger-writer.js';
import { ledgerPaths } from '../ledger/paths.js';
import { commandIdFor, proposedCommand, transition, type CommandDoc } from '../scada/command.js';
import { commandStateEvent } from '../scada/events.js';
import { curateRange } from './curate.js';
import { testCurationConfig } from './fixtures.js';
import { goldDataPath, goldLineagePath } from './paths.js';
import { decodeGoldTable, type GoldRow } from './table-io.js';

const PLANT = 'plant-01';
const T = Date.parse('2026-11-22T10:00:00Z');
const MIN = 60_000;

/** A command's life as the dispatcher lives it, one stored revision per state. */
function commandLife(
  equipmentId: string,
  startMs: number,
  end: 'acknowledged' | 'rejected-manual' | 'rejected-step' | 'failed' | 'dispatched',
): CommandDoc[] {
  const recommendationId = `opt-L1-run-7/${equipmentId}`;
  const p = proposedCommand(
    {
      commandId: commandIdFor(recommendationId, equipmentId, 'setpoint'),
      recommendationId,
      sourceEventId: 'evt-1',
      correlationId: 'corr-1',
      equipmentId,
      lineId: 'L1',
      action: 'setpoint',
      setPoint: { acdCm: 4.3, feedIntervalS: 90 },
      reportedPresent: { acdCm: 4.4, feedIntervalS: 95 },
    },
    startMs,
  );
  if (end === 'rejected-manual')
    return [
      p,
      transition(p, 'rejected', startMs + 1, { violations: [{ rule: 'interlock-manual', message: 'cell in manual' }] }),
    ];
  if (end === 'rejected-step')
    return [
      p,
      transition(p, 'rejected', startMs + 1, {
        violations: [
          { rule: 'max-step', field: 'acdCm', message: 'too far' },
          { rule: 'max-step', field: 'feedIntervalS', message: 'too far' },
        ],
      }),
    ];
  const a = transition(p, 'approved', startMs + 1);
  const d = transition(a, 'dispatched', startMs + 2, { attempts: 1 });
  if (end === 'dispatched') return [p, a, d];
  if (end === 'failed')
    return [
      p,
      a,
      d,
      transition(d, 'failed', startMs + 3 * MIN, { failure: { code: 'ERR-SCADA-ACK-TIMEOUT', message: 'no ack' } }),
    ];
  const ack = {
    appliedAtMs: startMs + 5 * MIN,
    applied: { acdCm: 4.3, feedIntervalS: 90 },
    previous: { acdCm: 4.41, feedIntervalS: 96 },
    correlationId: 'c/1',
    receivedAtMs: startMs + 5 * MIN,
  };
  return [p, a, d, transition(d, 'acknowledged', startMs + 5 * MIN, { ack })];
}

async function archiveEvents(lake: MemoryLakeStore, events: PlantEvent[]): Promise<void> {
  const ledger = await LocalAuditLedger.open(lake, { collectionId: PLANT });
  for (const event of events) await recordPlantEvent(event, { ledger, lake, collectionId: PLANT });
}

const archive = (lake: MemoryLakeStore, docs: CommandDoc[]) =>
  archiveEvents(
    lake,
    docs.map((d) => commandStateEvent(d)),
  );

async function rows(lake: MemoryLakeStore, table: string, date: string): Promise<GoldRow[]> {
  const bytes = await lake.get('gold', goldDataPath(table, { date }));
  return bytes ? decodeGoldTable(bytes) : [];
}

describe('set-point changes in gold, from the archived command events', () => {
  it('one row per set point with the final outcome; previous value from the PLC acknowledgement, else what the proposer saw', async () => {
    const lake = new MemoryLakeStore();
    await archive(lake, [
      ...commandLife('L1-C001', T, 'acknowledged'),
      ...commandLife('L1-C002', T + MIN, 'rejected-manual'),
      ...commandLife('L1-C003', T + 2 * MIN, 'rejected-step'),
      ...commandLife('L1-C004', T + 3 * MIN, 'failed'),
      ...commandLife('L1-C005', T + 4 * MIN, 'dispatched'),
    ]);
    await curateRange(lake, { fromMs: T, toMs: T + 3_600_000 }, testCurationConfig());

    expect((await rows(lake, 'fact_plant_event', '2026-11-22')).length).toBe(4 + 2 + 2 + 4 + 3);
    const facts = await rows(lake, 'fact_setpoint_change', '2026-11-22');
    expect(facts).toHaveLength(10);
    const of = (cell: string, sp: string) => facts.find((r) => r.cellId === cell && r.setpoint === sp)!;
    expect(of('L1-C001', 'acdCm')).toMatchObject({
      outcome: 'applied',
      previousValue: 4.41,
      newValue: 4.3,
      runId: 'opt-L1-run-7',
      lineId: 'L1',
      dateKey: 20261122,
      issuedMs: T,
      decidedMs: T + 5 * MIN,
      rules: null,
    });
    expect(of('L1-C002', 'feedIntervalS')).toMatchObject({
      outcome: 'refused_manual',
      previousValue: 95,
      newValue: 90,
      rules: 'interlock-manual',
    });
    expect(of('L1-C003', 'acdCm')).toMatchObject({ outcome: 'refused_envelope', rules: 'max-step' });
    expect(of('L1-C004', 'acdCm')).toMatchObject({ outcome: 'failed', decidedMs: T + 3 * MIN + 3 * MIN });
    expect(of('L1-C005', 'acdCm')).toMatchObject({ outcome: 'pending', decidedMs: null });
  });

  it('a command proposed before midnight and acknowledged after it is one row, on the day it was proposed, with its final outcome', async () => {
    const lake = new MemoryLakeStore();
    const beforeMidnight = Date.parse('2026-11-22T23:58:00Z');
    await archive(lake, commandLife('L1-C001', beforeMidnight, 'acknowledged'));
    await curateRange(
      lake,
      { fromMs: Date.parse('2026-11-22T23:00:00Z'), toMs: Date.parse('2026-11-23T01:00:00Z') },
      testCurationConfig('2026-11-23T01:10:00Z'),
    );
    expect((await rows(lake, 'fact_setpoint_change', '2026-11-22')).map((r) => [r.setpoint, r.outcome])).toEqual([
      ['acdCm', 'applied'],
      ['feedIntervalS', 'applied'],
    ]);
    expect(await rows(lake, 'fact_setpoint_change', '2026-11-23')).toEqual([]);
  });

  it('late events update the row on the next run; a run with nothing new writes nothing; lineage names the plant-event files read', async () => {
    const lake = new MemoryLakeStore();
    const life = commandLife('L1-C001', T, 'acknowledged');
    await archive(lake, life.slice(0, 3));
    const range = { fromMs: T, toMs: T + 3_600_000 };
    await curateRange(lake, range, testCurationConfig());
    expect((await rows(lake, 'fact_setpoint_change', '2026-11-22'))[0]!.outcome).toBe('pending');

    await archive(lake, life.slice(3));
    await curateRange(lake, range, testCurationConfig('2026-11-22T12:30:00Z'));
    expect((await rows(lake, 'fact_setpoint_change', '2026-11-22'))[0]!.outcome).toBe('applied');

    const again = await curateRange(lake, range, testCurationConfig('2026-11-22T13:00:00Z'));
    expect(again.filesWritten).toBe(0);
    const manifest = JSON.parse(
      Buffer.from(
        (await lake.get('gold', goldLineagePath('fact_setpoint_change', { date: '2026-11-22' })))!,
      ).toString(),
    ) as { inputs: { path: string; role: string }[] };
    expect(manifest.inputs).toEqual([
      expect.objectContaining({ path: goldDataPath('fact_plant_event', { date: '2026-11-22' }), role: 'plant_event' }),
    ]);
  });

  it('skips an archived blob that is not a plant event and names it, without failing the curation', async () => {
    const lake = new MemoryLakeStore();
    await archive(lake, commandLife('L1-C001', T, 'acknowledged'));
    const stray = `${ledgerPaths.payloadsOfDay(PLANT, '2026-11-22')}stray.json`;
    await lake.put('gold', stray, Buffer.from('{"not":"an event"}'));
    const summary = await curateRange(lake, { fromMs: T, toMs: T + 3_600_000 }, testCurationConfig());
    expect(summary.unreadablePayloads).toEqual([`gold/${stray}`]);
    expect(await rows(lake, 'fact_setpoint_change', '2026-11-22')).toHaveLength(2);
  });
});

describe('alerts in gold, from the archived alert events', () => {
  it('one row per alert on the day it was raised, with its newest state even when acknowledged and cleared after midnight', async () => {
    const lake = new MemoryLakeStore();
    const raisedMs = Date.parse('2026-11-22T23:50:00Z');
    const book = new AlertBook();
    const a = book.raise({
      conditionKey: 'rule-bath-hot',
      scopeKey: 'L1-C007',
      ruleId: 'rule-bath-hot',
      cellId: 'L1-C007',
      lineId: 'L1',
      title: 'Bath hot',
      severity: 'warning',
      channels: ['ops'],
      atMs: raisedMs,
    }).alert;
    const escalated = book.escalate(a.id, raisedMs + 5 * MIN, ['lead'])!.alert;
    const acked = book.acknowledge(a.id, 'op-1', raisedMs + 20 * MIN).alert;
    const b = book.raise({
      conditionKey: 'smelter.optimization.failed',
      scopeKey: 'run-9',
      eventType: 'smelter.optimization.failed',
      title: 'Run failed',
      severity: 'critical',
      channels: ['eng'],
      atMs: raisedMs + MIN,
    }).alert;
    await archiveEvents(lake, [
      alertChangedEvent(alertChangeOf(a, 'raised', raisedMs)),
      alertChangedEvent(alertChangeOf(b, 'raised', raisedMs + MIN)),
      alertChangedEvent(alertChangeOf(escalated, 'escalated', raisedMs + 5 * MIN)),
      alertChangedEvent(alertChangeOf(acked, 'acknowledged', raisedMs + 20 * MIN, 'op-1')),
    ]);
    await curateRange(
      lake,
      { fromMs: Date.parse('2026-11-22T23:00:00Z'), toMs: Date.parse('2026-11-23T01:00:00Z') },
      testCurationConfig('2026-11-23T01:10:00Z'),
    );

    const facts = await rows(lake, 'fact_alert', '2026-11-22');
    expect(facts).toHaveLength(2);
    expect(facts.find((r) => r.alertId === a.id)).toMatchObject({
      lineId: 'L1',
      cellId: 'L1-C007',
      dateKey: 20261122,
      raisedMs,
      rule: 'rule-bath-hot',
      severity: 'warning',
      acknowledgedMs: raisedMs + 20 * MIN,
      escalationLevel: 1,
      state: 'acknowledged',
      clearedMs: null,
    });
    expect(facts.find((r) => r.alertId === b.id)).toMatchObject({
      lineId: null,
      cellId: null,
      state: 'active',
      severity: 'critical',
    });
    expect(await rows(lake, 'fact_alert', '2026-11-23')).toEqual([]);
  });
});

describe('optimisation runs in gold, from the archived run events', () => {
  it('one row per run on the day it started, completed, fallback and failed alike', async () => {
    const lake = new MemoryLakeStore();
    const run = (
      runId: string,
      startedMs: number,
      status: OptimizationRunEventData['status'],
      outcome: OptimizationRunEventData['outcome'],
    ): OptimizationRunEventData => ({
      runId,
      lineId: 'L1',
      startedMs,
      completedMs: startedMs + 90_000,
      status,
      objectiveKWhPerKg: status === 'failed' ? null : 13.9,
      baselineKWhPerKg: status === 'failed' ? null : 14.2,
      cellsChanged: status === 'completed' ? 12 : 0,
      modelVersion: '0.1.0',
      mode: 'advisory',
      trigger: 'schedule',
      requestedBy: 'schedule',
      outcome,
      setPointEvents: status === 'completed' ? 13 : 0,
      heldEquipment: 0,
      ...(status === 'completed'
        ? {}
        : { reason: status === 'failed' ? 'no cell state for line L1' : 'approval expired' }),
    });
    const o = (ms: number) => ({ correlationId: 'corr', time: new Date(ms).toISOString() });
    const lateStart = Date.parse('2026-11-22T23:59:00Z');
    await archiveEvents(lake, [
      ...runEvents(run('opt-L1-a', T, 'completed', 'applied'), [], o(T + 90_000)),
      ...runEvents(run('opt-L1-b', T + MIN, 'fallback', 'expired'), [], o(T + MIN + 90_000)),
      ...runEvents(run('opt-L1-c', T + 2 * MIN, 'failed', 'failed'), [], o(T + 2 * MIN + 90_000)),
      ...runEvents(run('opt-L1-d', lateStart, 'completed', 'applied'), [], o(lateStart + 90_000)),
    ]);
    await curateRange(
      lake,
      { fromMs: T, toMs: Date.parse('2026-11-23T01:00:00Z') },
      testCurationConfig('2026-11-23T01:10:00Z'),
    );

    const facts = await rows(lake, 'fact_optimization_run', '2026-11-22');
    expect(facts.map((r) => [r.runId, r.status, r.outcome])).toEqual([
      ['opt-L1-a', 'completed', 'applied'],
      ['opt-L1-b', 'fallback', 'expired'],
      ['opt-L1-c', 'failed', 'failed'],
      ['opt-L1-d', 'completed', 'applied'],
    ]);
    expect(facts[0]).toMatchObject({
      lineId: 'L1',
      dateKey: 20261122,
      startedMs: T,
      completedMs: T + 90_000,
      objectiveKWhPerKg: 13.9,
      baselineKWhPerKg: 14.2,
      cellsChanged: 12,
      setPointEvents: 13,
      mode: 'advisory',
      trigger: 'schedule',
      reason: null,
    });
    expect(facts[2]).toMatchObject({ objectiveKWhPerKg: null, reason: 'no cell state for line L1' });
    expect(await rows(lake, 'fact_optimization_run', '2026-11-23')).toEqual([]);
  });

  it('names who started and who approved a run, and set-point changes carry the approver of their run', async () => {
    const lake = new MemoryLakeStore();
    const approved: OptimizationRunEventData = {
      runId: 'opt-L1-run-7',
      lineId: 'L1',
      startedMs: T - 5 * MIN,
      completedMs: T + 10 * MIN,
      status: 'completed',
      objectiveKWhPerKg: 13.8,
      baselineKWhPerKg: 14.1,
      cellsChanged: 1,
      modelVersion: '0.1.0',
      mode: 'advisory',
      trigger: 'api',
      requestedBy: 'bob',
      outcome: 'applied',
      setPointEvents: 1,
      heldEquipment: 0,
      approval: { decision: 'approve', reason: 'small steps', decidedBy: 'alice', decidedAtMs: T - MIN },
    };
    await archiveEvents(lake, [
      ...runEvents(approved, [], { correlationId: 'corr', time: new Date(T + 10 * MIN).toISOString() }),
      ...commandLife('L1-C001', T, 'acknowledged').map((d) => commandStateEvent(d)),
    ]);
    await curateRange(lake, { fromMs: T, toMs: T + 3_600_000 }, testCurationConfig('2026-11-22T12:00:00Z'));
    expect((await rows(lake, 'fact_optimization_run', '2026-11-22'))[0]).toMatchObject({
      runId: 'opt-L1-run-7',
      requestedBy: 'bob',
      approvalDecision: 'approve',
      approvedBy: 'alice',
      approvalDecidedMs: T - MIN,
      approvalReason: 'small steps',
    });
    const changes = await rows(lake, 'fact_setpoint_change', '2026-11-22');
    expect(changes.map((r) => [r.runId, r.setpoint, r.approvedBy])).toEqual([
      ['opt-L1-run-7', 'acdCm', 'alice'],
      ['opt-L1-run-7', 'feedIntervalS', 'alice'],
    ]);
  });
});
