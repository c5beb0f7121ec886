/**
 * One optimisation run per line and slot, under the Durable semantics host.json asks for. Two starters of the same
 * slot (a past-due repeat beside the on-time run, a second host) race for the slot's instance id; Azure's extension
 * replaces a running instance unless host.json says overridableExistingInstanceStates NonRunningStates, so the app's
 * host.json must say it and the run client must read the refusal as "already started". Runs the real run client
 * and schedule logic against the app's host.json in the devhost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevhost, type DevhostHandle } from '../../local/devhost/devhost.js';
import { waitFor } from '../../local/devhost/testing.js';
import type { ScheduledStart } from '../../shared/orchestration/schedule.js';
import { repoRoot } from './support.js';

let tmp: string;
let dh: DevhostHandle;
const SLOT = '2030-01-01T06:01:30.000Z';

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'schedule-dup-'));
  dh = await startDevhost({
    appEntry: 'test/e2e/fixtures/schedule-app.ts',
    appDir: repoRoot,
    dataDir: path.join(tmp, 'state'),
    httpPort: 0,
    logLevel: 'none',
    settings: { DURABLE_TASK_HUB: 'ScheduleDuplicates' },
  });
});

afterAll(async () => {
  await dh?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function startSlot(lines: string[]): Promise<ScheduledStart[]> {
  const res = await fetch(`${dh.httpUrl}/industrial-automation/smelting-ops/test/schedule-slot`, {
    method: 'POST',
    body: JSON.stringify({ nextOccurrence: SLOT, lines }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as ScheduledStart[];
}

async function instance(id: string): Promise<{ runtimeStatus: string; history: { EventType: string }[] }> {
  const res = await fetch(
    `${dh.httpUrl}/runtime/webhooks/durabletask/instances/${encodeURIComponent(id)}?showHistory=true`,
    { headers: { 'x-functions-key': dh.keys.systemKey('durabletask_extension') } },
  );
  return (await res.json()) as { runtimeStatus: string; history: { EventType: string }[] };
}

describe('scheduled optimisation starts under the app host.json', () => {
  it('starts one run per line and slot when two starters race, and never replaces or re-runs it', async () => {
    const [a, b] = await Promise.all([startSlot(['L1', 'L2']), startSlot(['L1', 'L2'])]);
    for (const line of ['L1', 'L2']) {
      const outcomes = [a, b].map((starts) => starts.find((s) => s.lineId === line)!);
      expect(outcomes.map((o) => o.outcome).sort(), line).toEqual(['already-started', 'started']);
      expect(new Set(outcomes.map((o) => o.runId)).size).toBe(1);
    }
    const runIds = a.map((s) => s.runId);
    for (const id of runIds) {
      const inst = await waitFor(`run ${id} waiting for release`, async () => {
        const s = await instance(id);
        return s.runtimeStatus === 'Running' && s.history.some((e) => e.EventType === 'OrchestratorCompleted')
          ? s
          : undefined;
      });
      expect(inst.history.filter((e) => e.EventType === 'ExecutionStarted')).toHaveLength(1);
    }
    expect((await startSlot(['L1', 'L2'])).map((s) => s.outcome)).toEqual(['already-started', 'already-started']);

    for (const id of runIds) {
      const res = await fetch(
        `${dh.httpUrl}/runtime/webhooks/durabletask/instances/${encodeURIComponent(id)}/raiseEvent/release`,
        { method: 'POST', body: '{}', headers: { 'x-functions-key': dh.keys.systemKey('durabletask_extension') } },
      );
      expect(res.status).toBe(202);
      await waitFor(`run ${id} completed`, async () => (await instance(id)).runtimeStatus === 'Completed');
    }
    // A finished slot is not run again (NonRunningStates would let a start replace it; the run client does not start it).
    expect((await startSlot(['L1', 'L2'])).map((s) => s.outcome)).toEqual(['already-started', 'already-started']);
    for (const id of runIds)
      expect((await instance(id)).history.filter((e) => e.EventType === 'ExecutionStarted')).toHaveLength(1);
  });
});
