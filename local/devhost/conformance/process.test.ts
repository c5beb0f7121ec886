/**
 * Conformance of the devhost as a process (local/devhost/main.ts, what `npm start` and the crash tests run): an app
 * it does not serve stops it with the refusal and a non-zero exit; an uncaught exception in a function ends it the way
 * a Functions worker ends (learn.microsoft.com/azure/azure-functions/functions-reference-node, "the worker process
 * exits on an uncaught exception and the host restarts it") and stops the emulators it started.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnDevhostChild, waitFor } from '../testing.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'devhost-conf-process-'));
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const childrenOf = (pid: number): number[] =>
  execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => n > 0);

describe('the devhost process', () => {
  it('exits non-zero at start with the refusal naming every unserved binding', async () => {
    const err = await spawnDevhostChild({
      cwd: path.join(fixtures, 'refusals-app'),
      app: 'index.ts',
      dataDir: path.join(tmp, 'refused'),
      env: { ...process.env },
    }).then(
      (c) => {
        c.child.kill('SIGKILL');
        return undefined;
      },
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/devhost exited \(1\) before it was ready/);
    expect(err?.message).toMatch(/ERR-DEVHOST-UNSERVED|does not serve/);
    expect(err?.message).toMatch(/function fromQueue/);
    expect(err?.message).toMatch(/function counter/);
  });

  it('ends on an uncaught exception from a function, reporting it, and stops Azurite instead of leaving it running', async () => {
    const dh = await spawnDevhostChild({
      cwd: path.join(fixtures, 'crash-app'),
      app: 'index.ts',
      dataDir: path.join(tmp, 'crash'),
      env: { ...process.env },
      args: ['--azurite'],
    });
    const pid = dh.child.pid!;
    const emulators = await waitFor('Azurite as a child process', () =>
      childrenOf(pid).length > 0 ? childrenOf(pid) : undefined,
    );
    const exited = new Promise<number | null>((resolve) => dh.child.once('exit', (code) => resolve(code)));
    expect((await fetch(`${dh.url}/conf/explode`, { method: 'POST' })).status).toBe(202);
    expect(await exited).toBe(1);
    expect(dh.output()).toMatch(/boom after the response/);
    await waitFor('the emulators gone', () => emulators.every((p) => !alive(p)), 15_000);
  });
});
