/**
 * Conformance: Durable Functions orchestrations behave as the Durable extension runs them for Node.js apps. Each test
 * names the Microsoft page. Time is a ManualClock; host.json sets overridableExistingInstanceStates NonRunningStates
 * (durable-any-state.test.ts covers AnyState).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevhost, type DevhostHandle } from '../devhost.js';
import type { HistoryEvent } from '../durable/history.js';
import { InstanceStore } from '../durable/instance-store.js';
import { assertDeterministic } from '../durable/replay.js';
import { waitFor } from '../testing.js';
import { ManualClock } from '../timer/clock.js';
import { durableApi, FINISHED } from './durable-client.js';
import { settle } from './flush.js';

const appDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'durable-app');
const clock = new ManualClock(Date.UTC(2030, 0, 1, 6, 0, 0));
let tmp: string;
let dh: DevhostHandle;
const df = durableApi(
  () => dh.httpUrl,
  clock,
  () => dh.keys.systemKey('durabletask_extension'),
);

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'devhost-conf-durable-'));
  dh = await startDevhost({
    appEntry: 'index.ts',
    appDir,
    dataDir: path.join(tmp, 'state'),
    httpPort: 0,
    logLevel: 'none',
    clock,
    settings: { SLOT_SCHEDULE: '0 0 7 * * *', EFFECT_DIR: path.join(tmp, 'effects') },
  });
});

afterAll(async () => {
  await dh?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** The history the devhost recorded for an instance (numeric event types, as replay reads them). */
const historyOf = (id: string): HistoryEvent[] =>
  new InstanceStore(path.join(tmp, 'state', 'durable', 'Conformance')).loadAll().find((i) => i.instanceId === id)
    ?.history ?? [];

const kinds = (history: { EventType: string }[] | undefined) => (history ?? []).map((e) => e.EventType);

describe('Durable Functions', () => {
  // learn.microsoft.com/azure/azure-functions/durable/durable-functions-sequence
  it('chains activities in order, each scheduled after the previous one completed', async () => {
    const { body } = await df.start('chain');
    const done = await df.until(String(body.id), FINISHED);
    expect(done.output).toEqual(['Hello Tokyo', 'Hello Seattle', 'Hello London']);
    const scheduledAndDone = kinds(done.history).filter((k) => k === 'TaskScheduled' || k === 'TaskCompleted');
    expect(scheduledAndDone).toEqual([
      'TaskScheduled',
      'TaskCompleted',
      'TaskScheduled',
      'TaskCompleted',
      'TaskScheduled',
      'TaskCompleted',
    ]);
  });

  // learn.microsoft.com/azure/azure-functions/durable/durable-functions-overview#fan-in-out
  it('fans out activities together and fans in their results', async () => {
    const { body } = await df.start('fanOut', 10);
    const done = await df.until(String(body.id), FINISHED);
    expect(done.output).toBe(110);
    const firstCompletion = kinds(done.history).indexOf('TaskCompleted');
    expect(
      kinds(done.history)
        .slice(0, firstCompletion)
        .filter((k) => k === 'TaskScheduled'),
    ).toHaveLength(10);
  });

  // learn.microsoft.com/azure/azure-functions/durable/durable-functions-human-interaction and
  // learn.microsoft.com/azure/azure-functions/durable/durable-functions-external-events
  it('waits for an external event against a durable timer: the event wins when raised, the timer when it fires', async () => {
    const approved = await df.start('race');
    await df.until(String(approved.body.id), ['Running']);
    expect(await df.post(`instances/${approved.body.id}/raiseEvent/approval`, { by: 'engineer' })).toBe(202);
    expect((await df.until(String(approved.body.id), FINISHED)).output).toEqual({ approved: { by: 'engineer' } });

    const ignored = await df.start('race');
    await df.until(String(ignored.body.id), ['Running']);
    clock.advanceBy(3_599_000);
    await settle();
    expect((await df.status(String(ignored.body.id))).body.runtimeStatus).toBe('Running');
    expect((await df.until(String(ignored.body.id), FINISHED, 1000)).output).toEqual({ timedOut: true });
  });

  // learn.microsoft.com/azure/azure-functions/durable/durable-functions-eternal-orchestrations
  it('restarts with continueAsNew and a fresh history', async () => {
    const { body } = await df.start('counter', { count: 1 });
    const done = await df.until(String(body.id), FINISHED);
    expect(done.output).toBe(3);
    expect(kinds(done.history).filter((k) => k === 'ExecutionStarted')).toHaveLength(1);
    expect(JSON.parse(done.history?.find((e) => e.EventType === 'ExecutionStarted')?.Input ?? 'null')).toEqual({
      count: 3,
    });
  });

  // learn.microsoft.com/azure/azure-functions/durable/durable-functions-sub-orchestrations
  it('runs sub-orchestrations and returns their outputs, with the instance id the parent chose', async () => {
    const { body } = await df.start('parent');
    const done = await df.until(String(body.id), FINISHED);
    expect(done.output).toEqual({ child: ['Hello Tokyo', 'Hello Seattle', 'Hello London'], named: 12 });
    expect((await df.status(`${body.id}-fan`)).body).toMatchObject({ runtimeStatus: 'Completed', output: 12 });
  });

  // learn.microsoft.com/azure/azure-functions/durable/durable-functions-error-handling#automatic-retry-on-failure
  it('retries a failed activity after firstRetryInterval, as a durable timer', async () => {
    const { body } = await df.start('retrying');
    const done = await df.until(String(body.id), FINISHED, 250);
    expect(done.output).toMatchObject({ attempts: 3 });
    // The wait is a durable timer set in the turn that saw the failure, firstRetryInterval after that turn's time.
    const history = done.history ?? [];
    expect(kinds(history).filter((k) => k === 'TaskFailed')).toHaveLength(2);
    const waits = history.map((e, i) => ({ e, i })).filter(({ e }) => e.EventType === 'TimerCreated');
    expect(waits).toHaveLength(2);
    for (const { e, i } of waits) {
      const turn = history
        .slice(0, i)
        .reverse()
        .find((h) => h.EventType === 'OrchestratorStarted');
      expect(Date.parse(String(e.FireAt)) - Date.parse(String(turn?.Timestamp))).toBe(1000);
    }
  });

  // learn.microsoft.com/azure/azure-functions/durable/durable-functions-instance-management (query, list,
  // terminate, raise event to a finished instance, purge)
  it('queries, lists, terminates and purges instances through the client API', async () => {
    expect((await df.status('no-such-instance')).status).toBe(404);
    const { body } = await df.start('gate', undefined, 'ops-1');
    await df.until('ops-1', ['Running']);
    expect((await df.list('?runtimeStatus=Running')).map((s) => s.instanceId)).toContain('ops-1');
    expect(await df.post('instances/ops-1/terminate?reason=operator')).toBe(202);
    expect((await df.until('ops-1', FINISHED)).runtimeStatus).toBe('Terminated');
    expect(await df.post('instances/ops-1/raiseEvent/go', {})).toBe(410);
    expect(await df.purge('ops-1')).toBe(200);
    expect((await df.status('ops-1')).status).toBe(404);
    expect(body.id).toBe('ops-1');
  });

  // learn.microsoft.com/dotnet/api/microsoft.azure.webjobs.extensions.durabletask.overridablestates and
  // learn.microsoft.com/azure/azure-functions/durable/durable-functions-http-api#start-orchestration: with
  // NonRunningStates a start over a Pending or Running instance fails (the extension's HTTP API answers 500 with the
  // InvalidOperationException); over a finished one it starts afresh.
  it('refuses a start over a running instance and replaces a finished one (NonRunningStates)', async () => {
    expect((await df.start('gate', { first: true }, 'slot-1')).status).toBe(202);
    await df.until('slot-1', ['Running']);
    const again = await df.start('gate', { second: true }, 'slot-1');
    expect(again.status).toBe(500);
    expect(again.body).toMatchObject({
      ExceptionMessage: 'An Orchestration instance with the status Running already exists.',
      ExceptionType: 'System.InvalidOperationException',
    });
    expect((await df.status('slot-1')).body.input).toEqual({ first: true });
    expect(await df.post('instances/slot-1/raiseEvent/go', { by: 'first' })).toBe(202);
    expect((await df.until('slot-1', FINISHED)).output).toBe('released by first');

    expect((await df.start('gate', { third: true }, 'slot-1')).status).toBe(202);
    const restarted = await df.until('slot-1', ['Running']);
    expect(restarted.input).toEqual({ third: true });
    await df.post('instances/slot-1/raiseEvent/go', { by: 'third' });
    expect((await df.until('slot-1', FINISHED)).output).toBe('released by third');
  });

  // learn.microsoft.com/azure/azure-functions/durable/durable-functions-code-constraints
  it('replays a recorded history to the same actions, and catches an orchestrator that reads the clock', async () => {
    const { body } = await df.start('chain');
    await df.until(String(body.id), FINISHED);
    await assertDeterministic(dh.registry, 'chain', historyOf(String(body.id)));
    const clocky = await df.start('readsClock');
    await df.until(String(clocky.body.id), FINISHED);
    await expect(assertDeterministic(dh.registry, 'readsClock', historyOf(String(clocky.body.id)))).rejects.toThrow(
      /ERR-DEVHOST-DURABLE-NONDETERMINISTIC/,
    );
  });

  // learn.microsoft.com/azure/azure-functions/durable/durable-functions-timers#usage-for-timeouts: "The Durable Task
  // Framework doesn't change an orchestration's status to Completed until all outstanding tasks, including durable
  // timer tasks, are either completed or canceled."
  it('keeps an orchestration Running until a timer it did not cancel has fired', async () => {
    const { body } = await df.start('leavesTimer');
    const id = String(body.id);
    // The activity wins the race at once; the hour's timer is still pending.
    await waitFor('the turn that replayed the activity result', async () => {
      const history = (await df.status(id, '?showHistory=true')).body.history ?? [];
      return (
        history.some((e) => e.EventType === 'TaskCompleted') &&
        ['OrchestratorCompleted', 'ExecutionCompleted'].includes(history[history.length - 1]?.EventType ?? '')
      );
    });
    expect((await df.status(id)).body.runtimeStatus).toBe('Running');
    clock.advanceBy(3_599_000);
    await settle();
    expect((await df.status(id)).body.runtimeStatus).toBe('Running');
    const done = await df.until(id, FINISHED, 1000);
    expect(done).toMatchObject({ runtimeStatus: 'Completed', output: 42 });
  });

  // learn.microsoft.com/azure/azure-functions/durable/durable-functions-custom-orchestration-status: "The custom
  // status payload is limited to 16 KB of UTF-16 JSON text."
  it('fails an orchestration whose custom status is over 16 KB of UTF-16 JSON', async () => {
    const { body } = await df.start('bigStatus');
    const done = await df.until(String(body.id), FINISHED);
    expect(done.runtimeStatus).toBe('Failed');
    expect(String(done.output)).toMatch(/must not exceed 16 KB/);
  });
});
