/**
 * Conformance: with host.json overridableExistingInstanceStates AnyState, a start with the id of a running
 * instance replaces it, as the Durable extension does: the client gets 202, the instance runs the new input from a
 * fresh history, and the replaced execution's pending work never reaches it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevhost, type DevhostHandle } from '../devhost.js';
import { ManualClock } from '../timer/clock.js';
import { durableApi, FINISHED } from './durable-client.js';
import { settle } from './flush.js';

const appDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'durable-any-app');
const clock = new ManualClock(Date.UTC(2030, 0, 1, 6, 0, 0));
let tmp: string;
let dh: DevhostHandle;
const df = durableApi(
  () => dh.httpUrl,
  clock,
  () => dh.keys.systemKey('durabletask_extension'),
);

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'devhost-conf-durable-any-'));
  dh = await startDevhost({
    appEntry: 'index.ts',
    appDir,
    dataDir: path.join(tmp, 'state'),
    httpPort: 0,
    logLevel: 'none',
    clock,
  });
});

afterAll(async () => {
  await dh?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('Durable Functions duplicate start with AnyState', () => {
  // learn.microsoft.com/dotnet/api/microsoft.azure.webjobs.extensions.durabletask.overridablestates ("AnyState:
  // start a new orchestrator instance with an existing instance id when the existing instance is in any state") and
  // learn.microsoft.com/azure/azure-functions/durable/durable-functions-singletons (two starters both succeed).
  it('replaces a running instance: both starts answer 202 and only the second execution runs to the end', async () => {
    expect((await df.start('race', { attempt: 1 }, 'slot-7')).status).toBe(202);
    await df.until('slot-7', ['Running']);
    clock.advanceBy(1_800_000);
    expect((await df.start('race', { attempt: 2 }, 'slot-7')).status).toBe(202);
    const replaced = await df.until('slot-7', ['Running']);
    expect(replaced.input).toEqual({ attempt: 2 });

    // The first execution's hour-long timer (due half an hour before the second's) must not reach the new
    // execution: past its deadline the instance still waits, and the approval decides.
    clock.advanceBy(1_800_001);
    await settle();
    expect((await df.status('slot-7')).body.runtimeStatus).toBe('Running');
    expect(await df.post('instances/slot-7/raiseEvent/approval', { by: 'second' })).toBe(202);
    const done = await df.until('slot-7', FINISHED);
    expect(done.output).toEqual({ approved: { by: 'second' } });
    expect(
      done.history?.filter((e) => e.EventType === 'ExecutionStarted').map((e) => JSON.parse(e.Input ?? 'null')),
    ).toEqual([{ attempt: 2 }]);
    expect(done.history?.filter((e) => e.EventType === 'TimerFired')).toHaveLength(0);
  });
});
