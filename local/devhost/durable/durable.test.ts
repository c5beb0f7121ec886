import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevhost, type DevhostHandle } from '../devhost.js';
import { waitFor } from '../testing.js';
import { ManualClock } from '../timer/clock.js';
import { EventType } from './history.js';
import { InstanceStore } from './instance-store.js';
import { assertDeterministic, replayOrchestrator } from './replay.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const START_MS = Date.UTC(2030, 0, 1, 6, 0, 0);
const clock = new ManualClock(START_MS);
let tmp: string;
let dh: DevhostHandle;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'devhost-durable-'));
  dh = await startDevhost({
    appEntry: 'index.ts',
    appDir: path.join(here, '..', 'fixtures', 'durable-app'),
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

interface Status {
  runtimeStatus: string;
  output: unknown;
  customStatus: unknown;
  input: unknown;
  instanceId: string;
}

async function start(
  name: string,
  input?: unknown,
  id?: string,
): Promise<{ status: number; body: Record<string, string> }> {
  const res = await fetch(`${dh.httpUrl}/api/orchestrators/${name}${id ? `/${id}` : ''}`, {
    method: 'POST',
    body: input === undefined ? '' : JSON.stringify(input),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

async function client(body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${dh.httpUrl}/api/client`, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** The Durable webhook's key header (the devhost's durabletask_extension system key). */
const durableKey = () => ({ 'x-functions-key': dh.keys.systemKey('durabletask_extension') });

async function status(id: string): Promise<Status> {
  const res = await fetch(`${dh.httpUrl}/runtime/webhooks/durabletask/instances/${encodeURIComponent(id)}`, {
    headers: durableKey(),
  });
  return (await res.json()) as Status;
}

/** Waits until the instance finishes; `tick` moves the manual clock each poll (for retry waits and timers). */
async function finished(id: string, tickMs = 0): Promise<Status> {
  return waitFor(`instance ${id} to finish`, async () => {
    if (tickMs > 0) clock.advanceBy(tickMs);
    const s = await status(id);
    return ['Completed', 'Failed', 'Terminated'].includes(s.runtimeStatus) ? s : undefined;
  });
}

const store = () => new InstanceStore(path.join(tmp, 'state', 'durable', 'TestHubName'));
const historyOf = (id: string) => {
  const inst = store()
    .loadAll()
    .find((i) => i.instanceId === id);
  if (!inst) throw new Error(`no stored instance ${id}`);
  return inst.history;
};

describe('the Durable webhook of the devhost', () => {
  it('answers 401 without the durabletask_extension key (or the master key): no start, status, list or event', async () => {
    const { body } = await start('gate');
    const id = body.id ?? '';
    const api = `${dh.httpUrl}/runtime/webhooks/durabletask`;
    const calls: [string, RequestInit][] = [
      [`${api}/instances/${id}`, {}],
      [`${api}/instances`, {}],
      [`${api}/instances/${id}/raiseEvent/go`, { method: 'POST', body: '{"by":"forged"}' }],
      [`${api}/orchestrators/chain`, { method: 'POST' }],
      [`${api}/instances/${id}?code=${dh.keys.host}`, {}],
      [`${api}/instances/${id}?code=${dh.keys.functionKey('clientOps')}`, {}],
    ];
    for (const [url, init] of calls) {
      const res = await fetch(url, init);
      expect(res.status, url).toBe(401);
      expect(await res.json()).toMatchObject({ code: 'ERR-4011' });
    }
    // The RPC path the durable client is given holds the key; any other key there is not a route at all.
    expect((await fetch(`${dh.httpUrl}/runtime/webhooks/durabletask-rpc/guessed/instances/${id}`)).status).toBe(404);
    expect((await fetch(`${api}/instances/${id}?code=${dh.keys.master}`)).status).toBe(202);
    expect(await client({ op: 'raise', instanceId: id, eventName: 'go', data: { by: 'test' } })).toMatchObject({
      status: 200,
    });
    expect((await finished(id)).runtimeStatus).toBe('Completed');
  });
});

describe('durable orchestrations in the devhost', () => {
  it('runs an activity chain and answers createCheckStatusResponse URLs: 202 while running, 200 with the output when done', async () => {
    const { status: code, body } = await start('chain');
    expect(code).toBe(202);
    expect(body.statusQueryGetUri).toMatch(
      new RegExp(`^${dh.httpUrl}/runtime/webhooks/durabletask/instances/${body.id}\\?`),
    );
    const done = await finished(body.id ?? '');
    expect(done.output).toEqual(['Hello Tokyo', 'Hello Seattle', 'Hello London']);
    const res = await fetch(body.statusQueryGetUri ?? '');
    expect(res.status).toBe(200);
    expect(((await res.json()) as Status).runtimeStatus).toBe('Completed');
  });

  it('fans out with Task.all and returns the sum through waitForCompletionOrCreateCheckStatusResponse', async () => {
    const res = await fetch(`${dh.httpUrl}/api/run/fanOut`, { method: 'POST', body: '20' });
    expect(res.status).toBe(200);
    expect(await res.json()).toBe(420); // 2 × (1 + … + 20)
  });

  it('retries an activity that fails twice (RetryOptions), waiting on durable timers between attempts', async () => {
    const { body } = await start('retrying');
    const done = await finished(body.id ?? '', 1000);
    expect(done.output).toEqual({ key: body.id, attempts: 3 });
    const h = historyOf(body.id ?? '');
    expect(h.filter((e) => e.EventType === EventType.TaskFailed)).toHaveLength(2);
    expect(h.filter((e) => e.EventType === EventType.TaskScheduled)).toHaveLength(3);
    expect(h.filter((e) => e.EventType === EventType.TimerFired)).toHaveLength(2);
  });

  it('fails the task to the orchestrator once the attempts are exhausted', async () => {
    const { body } = await start('retryExhausted');
    const done = await finished(body.id ?? '', 1000);
    expect(done.runtimeStatus).toBe('Completed');
    expect(String(done.output)).toMatch(/^gave up: .*flaky failure 2/);
  });

  it('lets an external event win a race against a durable timer (Task.any)', async () => {
    const { body } = await start('race');
    const id = body.id ?? '';
    await waitFor('race to wait', async () => (await status(id)).customStatus !== null);
    expect(
      (await client({ op: 'raise', instanceId: id, eventName: 'approval', data: { by: 'engineer' } })).status,
    ).toBe(200);
    expect((await finished(id)).output).toEqual({ approved: { by: 'engineer' } });
  });

  it('lets the durable timer win the race when no event comes before it fires', async () => {
    const { body } = await start('race');
    const id = body.id ?? '';
    await waitFor('race to wait', async () => (await status(id)).customStatus !== null);
    clock.advanceBy(61 * 60 * 1000);
    expect((await finished(id)).output).toEqual({ timedOut: true });
  });

  it('runs sub-orchestrations, with a generated and with a given instance id', async () => {
    const { body } = await start('parent');
    const done = await finished(body.id ?? '');
    expect(done.output).toEqual({ child: ['Hello Tokyo', 'Hello Seattle', 'Hello London'], named: 12 });
    expect((await status(`${body.id}-fan`)).runtimeStatus).toBe('Completed');
    expect((await status(`${body.id}:0`)).output).toEqual(['Hello Tokyo', 'Hello Seattle', 'Hello London']);
  });

  it('continues as new until the counter reaches 3, keeping one instance id', async () => {
    const { body } = await start('counter', { count: 0 });
    const done = await finished(body.id ?? '');
    expect(done.output).toBe(3);
    expect(done.customStatus).toEqual({ count: 3 });
    expect(historyOf(body.id ?? '').find((e) => e.EventType === EventType.ExecutionStarted)?.Input).toBe('{"count":3}');
  });

  it('shows custom status through the client and raises events through the sendEventPostUri', async () => {
    const { body } = await start('gate');
    const id = body.id ?? '';
    await waitFor(
      'gate to wait',
      async () =>
        ((await client({ op: 'status', instanceId: id })).json.customStatus as { step?: string } | undefined)?.step ===
        'waiting',
    );
    const running = await fetch(body.statusQueryGetUri ?? '');
    expect(running.status).toBe(202);
    const raise = await fetch((body.sendEventPostUri ?? '').replace('{eventName}', 'go'), {
      method: 'POST',
      body: JSON.stringify({ by: 'operator' }),
    });
    expect(raise.status).toBe(202);
    const done = await finished(id);
    expect(done.output).toBe('released by operator');
    expect(done.customStatus).toEqual({ step: 'done', done: 1, total: 1 });
  });

  // The fixture's host.json sets overridableExistingInstanceStates NonRunningStates: the client's startNew fails and
  // the starter answers 409 (conformance/durable*.test.ts check the extension's own answers under both settings).
  it('refuses a duplicate start of a running instance id instead of doubling it', async () => {
    expect((await start('gate', undefined, 'line-1-slot-0600')).status).toBe(202);
    const again = await start('gate', undefined, 'line-1-slot-0600');
    expect(again.status).toBe(409);
    const list = await client({ op: 'list', runtimeStatus: ['Running', 'Pending'] });
    expect((list.json as unknown as Status[]).filter((s) => s.instanceId === 'line-1-slot-0600')).toHaveLength(1);
    await client({ op: 'raise', instanceId: 'line-1-slot-0600', eventName: 'go', data: { by: 'test' } });
    await finished('line-1-slot-0600');
  });

  it('terminates a running instance and purges a finished one', async () => {
    const { body } = await start('gate');
    const id = body.id ?? '';
    expect((await client({ op: 'terminate', instanceId: id, reason: 'operator cancelled' })).status).toBe(200);
    const done = await finished(id);
    expect(done.runtimeStatus).toBe('Terminated');
    expect(done.output).toBe('operator cancelled');
    expect((await client({ op: 'purge', instanceId: id })).json).toEqual({ instancesDeleted: 1 });
    expect(
      (await fetch(`${dh.httpUrl}/runtime/webhooks/durabletask/instances/${id}`, { headers: durableKey() })).status,
    ).toBe(404);
  });
});

describe('timer trigger with the durable client', () => {
  it('fires at 07:00 (NCRONTAB from %SLOT_SCHEDULE%) and starts one orchestration per slot', async () => {
    clock.set(Date.UTC(2030, 0, 2, 7, 0, 0));
    const id = 'slot-20300103T070000000Z'; // named after the next slot, as the fixture does
    expect(
      (
        await finished(
          await waitFor('slot instance', async () =>
            (await fetch(`${dh.httpUrl}/runtime/webhooks/durabletask/instances/${id}`, { headers: durableKey() }))
              .status === 404
              ? undefined
              : id,
          ),
        )
      ).output,
    ).toEqual(['Hello Tokyo', 'Hello Seattle', 'Hello London']);
  });
});

describe('orchestrator determinism', () => {
  it('replays each fixture orchestrator from its recorded history to the same actions', async () => {
    for (const [name, input] of [
      ['chain', undefined],
      ['fanOut', 4],
      ['retrying', undefined],
      ['parent', undefined],
    ] as const) {
      const { body } = await start(name, input);
      await finished(body.id ?? '', 1000);
      const history = historyOf(body.id ?? '');
      await expect(assertDeterministic(dh.registry, name, history)).resolves.toBeUndefined();
      const replay = await replayOrchestrator(dh.registry, name, history, { instanceId: body.id });
      expect(replay.result.ok && replay.result.state.isDone).toBe(true);
    }
  });

  it('fails an orchestrator that reads the clock or Math.random', async () => {
    for (const name of ['readsClock', 'readsRandom']) {
      const { body } = await start(name);
      await finished(body.id ?? '');
      await expect(assertDeterministic(dh.registry, name, historyOf(body.id ?? ''))).rejects.toThrow(
        /ERR-DEVHOST-DURABLE-NONDETERMINISTIC/,
      );
    }
  });
});
