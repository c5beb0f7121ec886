import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stopChild } from '../../emulators/azurite.js';
import { spawnDevhostChild, waitFor } from '../testing.js';
import { readHostKeys } from '../keys.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtureDir = path.join(here, '..', 'fixtures', 'durable-app');
let tmp: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'devhost-durable-restart-'));
});

afterAll(async () => {
  await Promise.all(children.map((c) => stopChild(c)));
  rmSync(tmp, { recursive: true, force: true });
});

/** Runs the devhost with the durable fixture app as a separate process; resolves with its URL once ready. */
async function startChild(): Promise<{ child: ChildProcess; url: string }> {
  const started = await spawnDevhostChild({
    cwd: fixtureDir,
    app: 'index.ts',
    dataDir: path.join(tmp, 'state'),
    env: { ...process.env, EFFECT_DIR: path.join(tmp, 'effects'), SLOT_SCHEDULE: '0 0 0 1 1 *' },
  });
  children.push(started.child);
  return started;
}

it('resumes an orchestration after the devhost is killed mid-run and completes it once, each effect once', async () => {
  const first = await startChild();
  const res = await fetch(`${first.url}/api/orchestrators/durableRun/run-42`, { method: 'POST' });
  expect(res.status).toBe(202);
  const effects = path.join(tmp, 'effects');
  await waitFor('step 2 to start', () => existsSync(path.join(effects, 'reached-run-42-s2')));
  first.child.kill('SIGKILL');
  await new Promise((resolve) => first.child.once('exit', resolve));

  writeFileSync(path.join(effects, 'release'), '');
  const second = await startChild();
  const done = await waitFor('run-42 to complete', async () => {
    const s = (await (
      await fetch(`${second.url}/runtime/webhooks/durabletask/instances/run-42?showHistory=true`, {
        headers: { 'x-functions-key': readHostKeys(path.join(tmp, 'state'))!.systemKey('durabletask_extension') },
      })
    ).json()) as { runtimeStatus: string; output: unknown; history: { EventType: string }[] };
    return s.runtimeStatus === 'Completed' ? s : undefined;
  });
  expect(done.output).toEqual(['run-42-s1', 'run-42-s2', 'run-42-s3']);
  expect(done.history.filter((e) => e.EventType === 'ExecutionCompleted')).toHaveLength(1);
  // Step 1 finished before the kill and is not re-run; step 2 was pending and runs again (at-least-once), idempotently.
  const attempts = readFileSync(path.join(effects, 'attempts.log'), 'utf8').trim().split('\n');
  expect(attempts.filter((a) => a === 'run-42-s1')).toHaveLength(1);
  expect(attempts.filter((a) => a === 'run-42-s3')).toHaveLength(1);
  expect(
    readdirSync(effects)
      .filter((f) => f.endsWith('.effect'))
      .sort(),
  ).toEqual(['run-42-s1.effect', 'run-42-s2.effect', 'run-42-s3.effect']);
  await stopChild(second.child);
});
